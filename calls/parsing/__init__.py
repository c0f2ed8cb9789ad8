"""Earnings-call transcript parser: bytes or text in, a `Transcript` out. Pure stdlib, no Django.

    from calls.parsing import parse_transcript, TranscriptError
    transcript = parse_transcript(path.read_bytes(), filename=path.name)

Pipeline: decoding (encodings, line ends) -> layouts (layout detection, speaker lines, turns)
-> inference (Q&A start, exchanges, roles, names, firms, company and period).
Raises TranscriptError when the input is not a transcript at all (empty, binary, no speaker lines);
everything that is merely odd becomes a ParseWarning with its line number.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

from .blocks import read_field_blocks
from .csvformat import looks_like_csv, read_csv, read_markdown_table
from .decoding import decode, html_as_text, looks_like_html
from .inference import (
    assign_exchanges_and_roles,
    find_qa_start,
    handed_the_floor,
    introduced_people,
    name_role_only_executives,
    parse_announcement,
    people_named_in_speech,
)
from .jsonformat import looks_like_json, read_json
from .labels import has_title_word
from .layouts import read_text
from .metadata import CallMetadata, find_metadata
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
from .names import clean_company_name, honorific_surname, name_key, strip_possessive
from .unlabelled import NO_LABELS, read_unlabelled, transcript_from_unlabelled
from .xmlformat import looks_like_xml, read_xml

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
    read = read_layout(text, filename=filename)
    # The welcome and the host's opening come first in their turns: a long speech's tail is not read.
    # Paragraphs stay apart, so that "... of Acme Inc." does not run on into the next sentence.
    opening = [p.text[:1500] for raw in read.turns[:_METADATA_TURNS] for p in raw.paragraphs[:2]]
    found = find_metadata(header=read.header, opening=opening, filename=filename, fields=read.fields)
    unlabelled = read.layout.endswith("unlabelled")
    if unlabelled:
        transcript = transcript_from_unlabelled(read)
    else:
        transcript = transcript_from_layout(read, company=found.company, qa_only=found.part == "qa")
        _whole_call_despite_name(transcript, found)
    fill_metadata(transcript, found)
    if unlabelled and not (transcript.company and transcript.fiscal_year):
        raise TranscriptError(NO_LABELS)
    transcript.warnings.sort(key=lambda warning: warning.line)
    transcript.warnings[:0] = warnings
    return transcript


def _whole_call_despite_name(transcript: Transcript, found: CallMetadata) -> None:
    """A file named as one half of a split call ("..._qna.txt") that holds both halves is the whole
    call: the text is stronger evidence than the name, and the half would otherwise be joined to
    another file's call."""
    holds_prepared = any(turn.section == Section.PREPARED for turn in transcript.turns)
    holds_qa = bool(transcript.exchanges)
    if (found.part == "qa" and holds_prepared and holds_qa) or (found.part == "presentation" and holds_qa):
        half = "Q&A" if found.part == "qa" else "presentation"
        transcript.warnings.append(
            ParseWarning(
                0,
                f"the file name calls it the {half} half of a call, but it holds the prepared remarks "
                "and the Q&A: it was read as the whole call",
            )
        )
        found.part = ""


def read_layout(text: str, *, filename: str = "") -> ReadLayout:
    """The reader the file's own shape calls for: JSON, CSV rows, labelled field blocks, plain text."""
    if looks_like_json(text):
        read = read_json(text, filename=filename)
        if read.turns or not read.embedded_text:
            return read
        # A provider's JSON that wraps the page text: read the text, keep what the JSON states.
        page = read.embedded_text
        if looks_like_html(page):  # {"content": "<p><strong>Operator</strong></p>..."}
            page = html_as_text(page)
            read.warnings.append(
                ParseWarning(0, "the JSON holds its transcript as HTML; its tags were removed")
            )
        inner = _read_plain(page)
        inner.fields = {**inner.fields, **read.fields}
        inner.warnings[:0] = read.warnings
        inner.layout = f"json-{inner.layout}"
        return inner
    if looks_like_xml(text):
        return read_xml(text)
    table = read_markdown_table(text)
    if table is not None:
        return table
    if looks_like_csv(text):
        return read_csv(text, filename=filename)
    blocks = read_field_blocks(text)
    if blocks is not None:
        return blocks
    return _read_plain(text)


def _read_plain(text: str) -> ReadLayout:
    try:
        return read_text(text)
    except TranscriptError as error:
        if not str(error).startswith("no speaker lines"):
            raise
        return read_unlabelled(text)


def transcript_from_layout(read: ReadLayout, *, company: str = "", qa_only: bool = False) -> Transcript:
    """Sections, exchanges and roles for the turns a reader found; `company` (when known) tells the
    company's people from the callers by the firm their labels give."""
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
    _name_numbered_speakers(turns)
    _full_names_for_surnames(turns)
    role_only = [
        raw.role_only or bool(_NUMBERED.fullmatch(turn.name))
        for raw, turn in zip(read.turns, turns, strict=True)
    ]
    # Structured formats state a speaker's firm in a field of its own; text labels only suggest one.
    stated_firms = read.layout in ("field-blocks", "csv") or read.layout.startswith("json")
    hints = [raw.role or _side_by_firm(raw.firm, company, stated=stated_firms) for raw in read.turns]
    transcript = Transcript(
        layout=read.layout, turns=turns, warnings=list(read.warnings), line_counts=dict(read.line_counts)
    )
    stated_qa = next((i for i, raw in enumerate(read.turns) if raw.section == Section.QA), None)
    heading_index = next((i for i, raw in enumerate(read.turns) if raw.after_qa_heading), None)
    if qa_only and not stated_qa and not heading_index:
        # The Q&A half of a call split in two files is Q&A from its first line, unless the text
        # itself marks a later start: then the file holds the whole call, whatever its name says.
        qa_start = 0
    elif stated_qa is not None:
        qa_start = stated_qa
    else:
        qa_start = find_qa_start(turns, heading_index, hints)
    assign_exchanges_and_roles(transcript, qa_start, role_only, hints)
    if any(role_only):
        name_role_only_executives(transcript, qa_start, role_only)
    _titles_from_introductions(transcript, qa_start)
    _firms_given_as_titles(transcript)
    transcript.warnings.extend(doubts(transcript))
    return transcript


def _titles_from_introductions(transcript: Transcript, qa_start: int) -> None:
    """Executives whose labels give no title take the one their introduction gives ("With me are our
    CEO, Jane Doe, and ..."; "over to Jane Doe, our Chief Financial Officer")."""
    untitled = {name_key(t.name) for t in transcript.turns if t.role == Role.EXECUTIVE and not t.title}
    if not untitled:
        return
    texts = [" ".join(p.text for p in turn.paragraphs[:6]) for turn in transcript.turns[: max(qa_start, 1)]]
    titles: dict[str, str] = {}
    for name, title in introduced_people(texts):
        key = name_key(name)
        if key in untitled and len(title.split()) <= 8:
            titles.setdefault(key, title)
    for turn in transcript.turns:
        if turn.role == Role.EXECUTIVE and not turn.title:
            turn.title = titles.get(name_key(turn.name), "")


def _firms_given_as_titles(transcript: Transcript) -> None:
    """A caller whose 'title' holds no word a title or firm uses ("Ravi Shanker--Morgan Stanley" in a
    participants list) was given the firm's name: it is the firm."""
    for turn in transcript.turns:
        if turn.role != Role.ANALYST or not turn.title or has_title_word(turn.title):
            continue
        title, firm = _squeezed(turn.title), _squeezed(turn.firm)
        if not firm or title in firm or firm in title:  # "JP Morgan" as title, "JPMorgan" announced
            turn.firm = turn.firm or turn.title
            turn.title = ""


def _squeezed(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()


# "Speaker 3", "Participant 1", "spk01", and diarization's "Speaker B"
_NUMBERED = re.compile(r"(?:speaker|participant|spk)\s*(?:\d{1,3}|[A-Z](?![a-z]))", re.IGNORECASE)


def _name_numbered_speakers(turns: list[Turn]) -> None:
    """ASR labels ("Participant 1", "Speaker 3") name nobody: the one who announces the callers is the
    operator; the callers take the names announced for them (as role-only labels do), and someone
    from the company the name they are handed the floor by ("I will now hand the call to Jane Doe,
    our CEO."), when that comes right before their first turn and names nobody else on the call."""
    announcing: dict[str, int] = {}
    for turn in turns:
        if _NUMBERED.fullmatch(turn.name):
            announcement = parse_announcement(turn)
            if announcement is not None and announcement.name:
                announcing[turn.name] = announcing.get(turn.name, 0) + 1
    if not announcing:
        return
    host, times = max(announcing.items(), key=lambda item: item[1])
    if times < 2 or sum(announcing.values()) - times >= times:
        return
    _rename(turns, host, "Operator")
    handed: dict[str, str] = {}
    first_turns = set()
    for previous, turn in itertools.pairwise(turns):
        if not _NUMBERED.fullmatch(turn.name) or turn.name in first_turns:
            continue
        first_turns.add(turn.name)
        if previous.name != turn.name and (name := handed_the_floor(previous)):
            handed[turn.name] = name
    taken = Counter(name_key(name) for name in handed.values())
    known = {name_key(turn.name) for turn in turns}
    for label, name in handed.items():
        if taken[name_key(name)] == 1 and name_key(name) not in known:
            _rename(turns, label, name)


def _full_names_for_surnames(turns: list[Turn]) -> None:
    """Labels that give only an honorific and a surname ("MR. NOVAK:", as court-style transcripts
    write everyone) take the full name the call gives for that surname, when it gives exactly one:
    another label, a caller announced, someone handed the floor. Otherwise they stay as written."""
    short = {turn.name for turn in turns if honorific_surname(turn.name)}
    if not short:
        return
    known = {
        name_key(turn.name): turn.name
        for turn in turns
        if turn.name != "Operator"
        and len(name_key(turn.name).split()) >= 2
        and not honorific_surname(turn.name)
    }
    for name in people_named_in_speech(turns):
        known.setdefault(name_key(name), name)
    surnames = Counter(honorific_surname(name) for name in short)
    for name in short:
        surname = honorific_surname(name)
        matches = {key: full for key, full in known.items() if key.split()[-1] == surname}
        # "MR. LEE:" and "MS. LEE:" are two people, whatever the call names.
        if len(matches) == 1 and surnames[surname] == 1:
            _rename(turns, name, next(iter(matches.values())))


def _rename(turns: list[Turn], name: str, to: str) -> None:
    """Every turn of the speaker written `name` is `to`'s."""
    for turn in turns:
        if turn.name == name:
            turn.name = to


def doubts(transcript: Transcript) -> list[ParseWarning]:
    """Warnings about the parse as a whole, for `--strict` and the top of the upload preview."""
    found: list[ParseWarning] = []
    words: dict[str, int] = {}
    for turn in transcript.turns:
        words[turn.name] = words.get(turn.name, 0) + sum(p.text.count(" ") + 1 for p in turn.paragraphs)
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
    # A second welcome after the questions began: two calls in one file, which would be stored as one.
    first_slot = transcript.exchanges[0].first_turn if transcript.exchanges else len(transcript.turns)
    for turn in transcript.turns[first_slot:]:
        opening = turn.paragraphs[0].text if turn.paragraphs else ""
        if turn.name == "Operator" and _WELCOME.search(opening[:300]):
            message = "a second welcome after the Q&A began: the file may hold two calls"
            found.append(ParseWarning(turn.line, message, doubt=True))
            break
    return found


_WELCOME = re.compile(
    r"\b(?:welcome\s+to|thank\s+you\s+for\s+standing\s+by)\b.{0,120}\b(?:call|conference)\b", re.IGNORECASE
)


def fill_metadata(transcript: Transcript, found: CallMetadata) -> None:
    """Company, ticker, period, date held, title and split-call part, as the metadata found them."""
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
    if not transcript.company and not (found.part and transcript.ticker):
        # (A half of a split call names only a ticker in its file name: its company is found by it.)
        transcript.warnings.append(ParseWarning(0, "company name not found"))
    if transcript.fiscal_year is None:
        transcript.warnings.append(ParseWarning(0, "fiscal period not found"))
    if found.period_note:
        transcript.warnings.append(ParseWarning(0, found.period_note))


_NAME_WORDS = re.compile(r"[a-z0-9]+")
_GENERIC_WORDS = frozenset(
    [
        "inc",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "plc",
        "llc",
        "lp",
        "sa",
        "ag",
        "nv",
        "se",
        "group",
        "holdings",
        "the",
        "of",
        "and",
    ]
)


def _side_by_firm(firm: str, company: str, *, stated: bool) -> Role | None:
    """A label's firm against the call's company: the company's own people, or someone else's."""
    if not firm or not company:
        return None
    firm_words = set(_NAME_WORDS.findall(firm.casefold())) - _GENERIC_WORDS
    company_words = set(_NAME_WORDS.findall(company.casefold())) - _GENERIC_WORDS
    if not firm_words or not company_words:
        return None
    if firm_words & company_words:
        return Role.EXECUTIVE
    # Another firm's name only when it reads as one: "CEO, Presient" is a typo, not a firm.
    return Role.ANALYST if stated or _FIRM_NAME.search(firm) else None


_FIRM_NAME = re.compile(
    r"\b(?:securities|capital|partners|bank|banc|research|markets|advisors|advisers|investments|"
    r"asset|equities|equity|associates|brokerage|financial|management|llc|inc|ltd|plc|ag|sa|"
    r"lp|llp|gmbh|co|group)\b",
    re.IGNORECASE,
)
