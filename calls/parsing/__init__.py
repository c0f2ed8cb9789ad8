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
    find_qa_start,
    name_role_only_executives,
    turn_text,
)
from .jsonformat import looks_like_json, parse_json_transcript
from .layouts import read_text
from .metadata import find_metadata
from .model import (
    Exchange,
    LabelledTurn,
    Paragraph,
    ParseWarning,
    ReadLayout,
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
    "LabelledTurn",
    "Paragraph",
    "ParseWarning",
    "ReadLayout",
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
    """Parse one transcript file. `filename` is read for the period and ticker when the text lacks them."""
    text, warnings = decode(data)
    if looks_like_json(text):
        transcript = parse_json_transcript(text, filename=filename)
    else:
        read = read_text(text)
        transcript = transcript_from_layout(read)
        fill_metadata(transcript, read, filename=filename)
        transcript.warnings.sort(key=lambda warning: warning.line)
    transcript.warnings[:0] = warnings
    return transcript


def transcript_from_layout(read: ReadLayout) -> Transcript:
    """Sections, exchanges and roles for the turns a reader found."""
    turns = [
        Turn(
            speaker_line=raw.label,
            name=raw.name,
            title=raw.title,
            firm=raw.firm,
            role=Role.UNKNOWN,
            section=Section.PREPARED,
            line=raw.line,
            paragraphs=raw.paragraphs,
        )
        for raw in read.turns
    ]
    role_only = [raw.role_only for raw in read.turns]
    hints = [raw.role for raw in read.turns]
    transcript = Transcript(
        layout=read.layout, turns=turns, warnings=list(read.warnings), line_counts=dict(read.line_counts)
    )
    stated = [raw.section for raw in read.turns]
    qa_start = next((i for i, section in enumerate(stated) if section == Section.QA), None)
    if qa_start is None:
        heading_index = next((i for i, raw in enumerate(read.turns) if raw.after_qa_heading), None)
        qa_start = find_qa_start(turns, heading_index, hints)
    assign_exchanges_and_roles(transcript, qa_start, role_only, hints)
    if any(role_only):
        name_role_only_executives(transcript, qa_start, role_only)
    transcript.warnings.extend(doubts(transcript))
    return transcript


def doubts(transcript: Transcript) -> list[ParseWarning]:
    """Warnings about the parse as a whole, for `--strict` and the top of the upload preview."""
    found: list[ParseWarning] = []
    words: dict[str, int] = {}
    for turn in transcript.turns:
        words[turn.name] = words.get(turn.name, 0) + sum(len(p.text.split()) for p in turn.paragraphs)
    total = sum(words.values())
    turns = len(transcript.turns)
    if total > 3000 and total / max(turns, 1) > 2500:
        found.append(
            ParseWarning(
                0, f"few speaker lines for the file's size: {turns} turns for {total:,} words", doubt=True
            )
        )
    speaking = {name: count for name, count in words.items() if name != "Operator"}
    if total > 1500 and len(transcript.speakers) >= 2 and speaking:
        name, most = max(speaking.items(), key=lambda item: item[1])
        if most > total * 0.85:
            found.append(
                ParseWarning(
                    0, f"most of the text ({most * 100 // total}%) is under one speaker, {name}", doubt=True
                )
            )
    if (
        any(turn.name == "Operator" for turn in transcript.turns)
        and not transcript.exchanges
        and total > 1500
    ):
        found.append(ParseWarning(0, "no Q&A exchange found in a call that has an operator", doubt=True))
    return found


def fill_metadata(transcript: Transcript, read: ReadLayout, *, filename: str = "") -> None:
    """Company, ticker, period, date held, title and split-call part, from the file's own evidence."""
    opening = [turn_text(turn) for turn in transcript.turns[:_METADATA_TURNS]]
    found = find_metadata(header=read.header, opening=opening, filename=filename, fields=read.fields)
    transcript.company = strip_possessive(found.company)
    transcript.ticker = found.ticker
    transcript.fiscal_year, transcript.fiscal_quarter = found.fiscal_year, found.fiscal_quarter
    transcript.held_on = found.held_on
    transcript.title = found.title
    transcript.part = found.part
    transcript.period_conflict = found.period_conflict
    # Title-page lines the metadata read are header, not text lost before the first speaker.
    stray = "text before the first speaker line belongs to no turn; ignored"
    claimed = [w for w in transcript.warnings if w.message == stray and w.line in found.header_lines]
    if claimed:
        transcript.warnings = [w for w in transcript.warnings if w not in claimed]
        counts = transcript.line_counts
        counts["ignored"] -= len(claimed)
        counts["header"] += len(claimed)
    if not transcript.company:
        transcript.warnings.append(ParseWarning(0, "company name not found"))
    if transcript.fiscal_year is None:
        transcript.warnings.append(ParseWarning(0, "fiscal period not found"))
