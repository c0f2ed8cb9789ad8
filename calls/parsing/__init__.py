"""Earnings-call transcript parser: bytes or text in, a `Transcript` out. Pure stdlib, no Django.

    from calls.parsing import parse_transcript, TranscriptError
    transcript = parse_transcript(path.read_bytes(), filename=path.name)

Pipeline: decoding (encodings, line ends) -> layouts (layout detection, speaker lines, turns)
-> inference (Q&A start, exchanges, roles, names, firms, company and period).
Raises TranscriptError when the input is not a transcript at all (empty, binary, no speaker lines);
everything that is merely odd becomes a ParseWarning with its line number.
"""

from __future__ import annotations

from .decoding import decode
from .inference import (
    assign_exchanges_and_roles,
    find_company,
    find_period,
    find_qa_start,
    find_ticker,
    name_role_only_executives,
    turn_text,
)
from .jsonformat import looks_like_json, parse_json_transcript
from .layouts import TITLE_LINE, split_turns, title_line_period
from .model import (
    Exchange,
    Paragraph,
    ParseWarning,
    Role,
    Section,
    Speaker,
    Transcript,
    TranscriptError,
    Turn,
)
from .names import clean_company_name, strip_possessive

__all__ = [
    "Exchange",
    "Paragraph",
    "ParseWarning",
    "Role",
    "Section",
    "Speaker",
    "Transcript",
    "TranscriptError",
    "Turn",
    "clean_company_name",
    "parse_transcript",
]

# How many turns from the start are searched for the company and the fiscal period (the operator's
# welcome and the IR host's opening); later mentions are usually comparisons with other periods.
_METADATA_TURNS = 4


def parse_transcript(data: bytes | str, *, filename: str = "") -> Transcript:
    """Parse one transcript file. `filename` is only used in messages and, for JSON, for the period."""
    text, warnings = decode(data)
    if looks_like_json(text):
        transcript = parse_json_transcript(text, filename=filename)
    else:
        transcript = _parse_text(text)
    transcript.warnings[:0] = warnings
    return transcript


def _parse_text(text: str) -> Transcript:
    split = split_turns(text)
    turns = [
        Turn(
            speaker_line=raw.speaker.text,
            name=raw.speaker.name,
            title=raw.speaker.title,
            firm=raw.speaker.firm,
            role=Role.UNKNOWN,
            section=Section.PREPARED,
            line=raw.line,
            paragraphs=raw.paragraphs,
        )
        for raw in split.turns
    ]
    role_only = [raw.speaker.role_only for raw in split.turns]
    transcript = Transcript(layout=split.layout, turns=turns, warnings=list(split.warnings))
    heading_index = next((i for i, raw in enumerate(split.turns) if raw.after_qa_heading), None)
    qa_start = find_qa_start(turns, heading_index)
    assign_exchanges_and_roles(transcript, qa_start, role_only)
    if any(role_only):
        name_role_only_executives(transcript, qa_start, role_only)
    _fill_metadata(transcript, [text for _, text in split.header])
    transcript.warnings.sort(key=lambda warning: warning.line)
    return transcript


def _fill_metadata(transcript: Transcript, header: list[str]) -> None:
    for line in header:
        match = TITLE_LINE.match(line)
        if match:
            transcript.title = line
            transcript.company = match["company"].strip()
            transcript.ticker = match["ticker"]
            transcript.fiscal_year, transcript.fiscal_quarter = title_line_period(match)
            break
    texts = header + [turn_text(turn) for turn in transcript.turns[:_METADATA_TURNS]]
    if not transcript.company:
        transcript.company = find_company(texts)
    if transcript.fiscal_year is None:
        transcript.fiscal_year, transcript.fiscal_quarter = find_period(texts)
    if not transcript.ticker:
        transcript.ticker = find_ticker(texts)
    if not transcript.company:
        transcript.warnings.append(ParseWarning(0, "company name not found"))
    if transcript.fiscal_year is None:
        transcript.warnings.append(ParseWarning(0, "fiscal period not found"))
    transcript.company = strip_possessive(transcript.company)
