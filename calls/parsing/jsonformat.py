"""The JSON layout of a transcript provider (Motley Fool corpus):

    {"prepared_remarks": [{"speaker": "Operator", "speech": "paragraph\\nparagraph"}, ...],
     "q_and_a": [...], "participants": ["Jane Doe--Chief Executive Officer", "Joe Bloggs--UBS -- Analyst"]}

The sections are given; speaker titles and analysts' firms come from `participants`. There are no
line numbers in JSON: paragraphs and turns carry line 0.
"""

from __future__ import annotations

import json
import re

from .inference import (
    assign_exchanges_and_roles,
    find_company,
    find_period,
    find_qa_start,
    find_ticker,
    turn_text,
)
from .model import Paragraph, ParseWarning, Role, Section, Transcript, TranscriptError, Turn
from .names import name_key, strip_possessive

_FILENAME = re.compile(
    r"(?P<ticker>[A-Z][A-Z0-9.\-]{0,9})_q(?P<quarter>[1-4])_(?P<year>(?:19|20)\d{2})", re.IGNORECASE
)


def looks_like_json(text: str) -> bool:
    head = text.lstrip()[:200]
    return head.startswith("{") and '"' in head


def parse_json_transcript(text: str, *, filename: str = "") -> Transcript:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise TranscriptError(f"the file looks like JSON but does not parse: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("prepared_remarks"), list):
        raise TranscriptError("JSON transcript without a 'prepared_remarks' list")
    warnings: list[ParseWarning] = []
    participants = data.get("participants") or []
    if not isinstance(participants, list):
        warnings.append(ParseWarning(0, "'participants' is not a list; ignored"))
        participants = []
    titles, firms = _participants(participants)
    turns: list[Turn] = []
    for section, key in ((Section.PREPARED, "prepared_remarks"), (Section.QA, "q_and_a")):
        entries = data.get(key) or []
        if not isinstance(entries, list):
            raise TranscriptError(f"JSON transcript whose '{key}' is not a list of speaker turns")
        for number, entry in enumerate(entries, start=1):
            speaker = entry.get("speaker") if isinstance(entry, dict) else None
            if not isinstance(speaker, str) or not speaker.strip():
                warnings.append(ParseWarning(0, f"entry {number} of '{key}' has no speaker; ignored"))
                continue
            speech = entry.get("speech") or ""
            if not isinstance(speech, str):
                warnings.append(
                    ParseWarning(0, f"entry {number} of '{key}' has a speech that is not text; ignored")
                )
                continue
            name = " ".join(speaker.split())
            paragraphs = [Paragraph(p.strip(), 0) for p in speech.split("\n") if p.strip()]
            is_operator = name.casefold() == "operator"
            turns.append(
                Turn(
                    speaker_line=name,
                    name="Operator" if is_operator else name,
                    title=titles.get(name_key(name), ""),
                    role=Role.UNKNOWN,
                    section=section,
                    line=0,
                    paragraphs=paragraphs,
                )
            )
    if not turns:
        raise TranscriptError("JSON transcript without any speaker turns")
    transcript = Transcript(layout="json", turns=turns, warnings=warnings)
    qa_start = next((i for i, turn in enumerate(turns) if turn.section == Section.QA), None)
    if qa_start is None:  # some files put the whole call under "prepared_remarks"
        qa_start = find_qa_start(turns, None)
    assign_exchanges_and_roles(transcript, qa_start, [False] * len(turns))
    for exchange in transcript.exchanges:
        exchange.firm = exchange.firm or firms.get(name_key(exchange.questioner), "")
    for turn in turns:
        if turn.role == Role.ANALYST:
            turn.firm = turn.firm or firms.get(name_key(turn.name), "")
    texts = [turn_text(turn) for turn in turns[:4]]
    transcript.company = strip_possessive(find_company(texts))
    transcript.fiscal_year, transcript.fiscal_quarter = find_period(texts)
    transcript.ticker = find_ticker(texts)
    match = _FILENAME.search(filename)
    if match:
        transcript.ticker = transcript.ticker or match["ticker"].upper()
        if transcript.fiscal_year is None:
            transcript.fiscal_year, transcript.fiscal_quarter = int(match["year"]), int(match["quarter"])
    return transcript


def _participants(entries: list[object]) -> tuple[dict[str, str], dict[str, str]]:
    """name key -> title, and name key -> firm for "Name--Firm -- Analyst" entries."""
    titles: dict[str, str] = {}
    firms: dict[str, str] = {}
    for entry in entries:
        name, _, rest = str(entry).partition("--")
        if not rest:
            continue
        key = name_key(name)
        firm, _, title = rest.rpartition(" -- ")
        if firm:
            firms[key] = firm.strip()
            titles[key] = title.strip()
        else:
            titles[key] = rest.strip()
    return titles, firms
