"""Labelled-field blocks, and the small helpers the structured readers (JSON, CSV, blocks) share.

A field-block file states each turn in labelled lines (the exports of PDF-to-JSON tools):

    [CALL DETAILS]
    Bank: Acme Bank plc
    Reporting Period: Q1-2025

    Speaker: Jane Roe
    Job Title: Chief Financial Officer
    Utterance 1: Thank you. Revenue grew.

    Speaker: Sam Lee
    Company: Calder Partners
    Utterance 2: How is the backlog?

The labels are not taken from a list: the speaker label is the one that recurs with short name-like
values and opens each block (a known word such as "Speaker" or "Name" breaks ties), the text label
the one whose values are long; other labels between the two are the speaker's fields (title, firm,
role), read by their words. Lines before the first block are the header; its "Label: value" lines
also give the call's company, period and date when their labels say so.

Lines are accounted: speaker and field-label lines count as `speaker`, text lines (and unlabelled
lines continuing a turn) as `speech`, lines before the first block and `[MARKER]` lines as `header`,
empty text fields as `ignored` (each with a warning).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from .model import LabelledTurn, Paragraph, ParseWarning, ReadLayout, Role, Section

# --- Shared by the structured readers -------------------------------------------------------------------

_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_PARTICLES = frozenset(
    {"de", "da", "di", "del", "della", "der", "den", "van", "von", "la", "le", "du", "dos", "bin", "al"}
    | {"ten", "ter", "y", "e", "of", "the", "and"}
)
_NAME_WORD = re.compile(r"[^\W\d_][^\W\d_.'’\-]*(?:[.'’\-][^\W\d_]*)*\.?")


# The keys (JSON) and column headers (CSV) that name who speaks, compared as `norm_key` gives them.
SPEAKER_FIELDS = (
    *("speaker", "speakername", "speakerfullname", "name", "fullname", "participant"),
    *("participantname", "person", "personname", "who", "author", "speakerlabel"),
)


def fold_ligatures(text: str) -> str:
    """PDF ligatures (ﬁ, ﬂ...) as plain letters."""
    return text.translate(_LIGATURES)


# "Q – Jane Roe", "A - John Poe": a question/answer marker before the name.
_QA_MARKER = re.compile(r"^[QA]\s*[-–—:]\s*(?=\S)")


@functools.lru_cache(maxsize=16384)
def clean_name(label: str) -> str:
    """A speaker label as a name: whitespace collapsed, "Operator" spelled one way, "Q – " markers off."""
    name = " ".join(fold_ligatures(label).split())
    unmarked = _QA_MARKER.sub("", name)
    if unmarked != name and looks_like_name(unmarked):
        name = unmarked
    return "Operator" if name.casefold() == "operator" else name


@functools.lru_cache(maxsize=16384)
def looks_like_name(value: str) -> bool:
    """ "Jane Roe", "C.S. Venkat", "Jean-Luc von Berg", "Louise", "Operator": not "Thank you." nor "2025"."""
    value = value.strip()
    if not value or len(value) > 60:
        return False
    words = value.split()
    if len(words) > 6 or value.endswith((",", ":", "?", "!")):
        return False
    for index, word in enumerate(words):
        if not _NAME_WORD.fullmatch(word):
            return False
        if not word[0].isupper() and (index == 0 or word.casefold() not in _PARTICLES):
            return False
    return not (len(words) == 1 and value.endswith(".") and len(value) > 3)


def name_score(value: str) -> int:
    """2 for a full name or the operator, 1 for one capitalised word ("Neutral", "Louise"), else 0."""
    value = value.strip()
    if value.casefold() == "operator":
        return 2
    if not looks_like_name(value):
        return 0
    return 2 if len(value.split()) > 1 else 1


@functools.lru_cache(maxsize=16384)
def norm_key(key: str) -> str:
    """A key or header compared without case, spaces or punctuation: "Speaker Name" -> "speakername"."""
    return re.sub(r"[^0-9a-z&]+", "", key.casefold())


_CLOSING = re.compile(r"closing|conclu|wrap", re.IGNORECASE)
_QA = re.compile(
    r"question|answer|\bq\s*(?:&|and|n)?\s*a\b|^q(?:n|and|&)?a(?:session|section)?$", re.IGNORECASE
)
_PREPARED = re.compile(
    r"prepared|presentation|remarks|announcement|opening|management\s*discussion|\bintro|\bmd(?:&a)?\b",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4096)
def section_from_words(value: str) -> Section | None:
    """The section a key or value names: "q_and_a", "qna", "Questions" -> QA; "presentation" -> PREPARED."""
    words = re.sub(r"[_\-./]+", " ", value).strip()
    if not words or len(words) > 60 or _CLOSING.search(words):
        return None
    if _QA.search(words) or _QA.search(norm_key(words)):
        return Section.QA
    if _PREPARED.search(words):
        return Section.PREPARED
    return None


_ROLES = {
    "analyst": Role.ANALYST,
    "analysts": Role.ANALYST,
    "questioner": Role.ANALYST,
    "caller": Role.ANALYST,
    "operator": Role.OPERATOR,
    "moderator": Role.OPERATOR,
    "coordinator": Role.OPERATOR,
    "company": Role.EXECUTIVE,
    "executive": Role.EXECUTIVE,
    "executives": Role.EXECUTIVE,
    "exec": Role.EXECUTIVE,
    "management": Role.EXECUTIVE,
    "corporate": Role.EXECUTIVE,
    "corporateparticipant": Role.EXECUTIVE,
    "corporateparticipants": Role.EXECUTIVE,
    "corporaterepresentative": Role.EXECUTIVE,
    "companyrepresentative": Role.EXECUTIVE,
    "corprep": Role.EXECUTIVE,
    "companyparticipants": Role.EXECUTIVE,
    "host": Role.EXECUTIVE,
    "presenter": Role.EXECUTIVE,
    "answerer": Role.EXECUTIVE,
    "insider": Role.EXECUTIVE,
}


@functools.lru_cache(maxsize=4096)
def role_from_word(value: str) -> Role | None:
    """A role value or key: "analyst" -> ANALYST, "company" or "executive" -> EXECUTIVE, "operator"..."""
    return _ROLES.get(norm_key(value))


_QUARTER_WORDS = {
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "1st": "1",
    "2nd": "2",
    "3rd": "3",
}
_PERIODS = (
    re.compile(
        r"\bQ(?P<quarter>[1-4])\s*[-/_ ]?\s*(?:FY\s*)?(?P<year>(?:19|20)\d{2}|\d{2})\b", re.IGNORECASE
    ),
    re.compile(r"\b(?:FY\s*)?(?P<year>(?:19|20)\d{2})\s*[-/_ ]?\s*Q(?P<quarter>[1-4])\b", re.IGNORECASE),
    re.compile(r"\b(?P<quarter>[1-4])Q\s*[-/_ ]?\s*(?P<year>(?:19|20)\d{2}|\d{2})\b", re.IGNORECASE),
    re.compile(
        r"\b(?P<word>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+(?:of\s+)?(?:fiscal\s+)?"
        r"(?:year\s+)?(?P<year>(?:19|20)\d{2})\b",
        re.IGNORECASE,
    ),
)
_YEAR = re.compile(r"\b(?:FY\s*)?((?:19|20)\d{2})\b", re.IGNORECASE)


def parse_period(value: str) -> dict[str, str]:
    """{"quarter": "1", "year": "2025"} from "Q1-2025", "2025 Q1", "1Q25" or "first quarter 2025"."""
    for pattern in _PERIODS:
        match = pattern.search(value)
        if match:
            groups = match.groupdict()
            quarter = groups.get("quarter") or _QUARTER_WORDS.get((groups.get("word") or "").casefold(), "4")
            year = match["year"]
            return {"quarter": quarter, "year": year if len(year) == 4 else "20" + year}
    match = _YEAR.search(value)
    return {"year": match[1]} if match else {}


# Normalised labels or keys of the call's own facts.
_FIELD_KEYS = {
    "company": "company",
    "companyname": "company",
    "bank": "company",
    "issuer": "company",
    "corporation": "company",
    "ticker": "ticker",
    "symbol": "ticker",
    "tickersymbol": "ticker",
    "stocksymbol": "ticker",
    "year": "year",
    "fiscalyear": "year",
    "fy": "year",
    "quarter": "quarter",
    "fiscalquarter": "quarter",
    "qtr": "quarter",
    "fq": "quarter",
    "period": "period",
    "fiscalperiod": "period",
    "reportingperiod": "period",
    "date": "date",
    "calldate": "date",
    "eventdate": "date",
    "conferencedate": "date",
    "meetingdate": "date",
    "datetime": "date",
    "eventdatetime": "date",
    "time": "date",  # an API's "2023-10-25 17:00:00"; a bare clock time gives no date and is let be
    "eventtime": "date",
    "calltime": "date",
    "title": "title",
    "calltitle": "title",
    "eventtitle": "title",
    "eventname": "title",
    "headline": "title",
}


@functools.lru_cache(maxsize=16384)
def field_name(key: str) -> str | None:
    """Which of company, ticker, year, quarter, period, date, title a label or key names, or None."""
    return _FIELD_KEYS.get(norm_key(key))


def add_field(fields: dict[str, str], name: str, value: str) -> None:
    """Record a stated fact once (the first statement wins); a period gives quarter and year."""
    value = " ".join(fold_ligatures(value).split())
    if not value or value.casefold() in {"none", "null", "nan", "n/a", "-", "unknown"}:
        return
    if name == "period":
        for key, part in parse_period(value).items():
            fields.setdefault(key, part)
        return
    if name == "quarter" and not value.isdigit():
        period = parse_period(value)
        if "quarter" in period:
            fields.setdefault("quarter", period["quarter"])
            if "year" in period:
                fields.setdefault("year", period["year"])
            return
    fields.setdefault(name, value)


def line_counts(*, speech: int, speaker: int, header: int, ignored: int) -> dict[str, int]:
    return {
        "read": speech + speaker + header + ignored,
        "speech": speech,
        "speaker": speaker,
        "header": header,
        "ignored": ignored,
    }


# --- Field blocks -----------------------------------------------------------------------------------------

# "Speaker: Jane Roe", "Job Title: CFO", "Utterance 12: Thank you." (label words, an optional number).
_LABEL = re.compile(
    r"^(?P<label>[^\W\d_][^\W\d_'’]*(?:[ \t][^\W\d_][^\W\d_'’]*){0,3})"
    r"(?:[ \t]+#?(?P<number>\d{1,7}))?[ \t]*:[ \t]*(?P<value>.*)$"
)
_MARKER = re.compile(r"^\[[^\[\]]{1,60}\]$")
_SPEAKER_LABELS = frozenset({"speaker", "speakername", "name", "participant", "person", "who", "fullname"})
_TITLE_WORDS = re.compile(r"title|position|designation|job|function|department", re.IGNORECASE)
_FIRM_WORDS = re.compile(
    r"company|firm|organi[sz]ation|affiliation|employer|institution|bank|broker|house", re.IGNORECASE
)
_ROLE_WORDS = re.compile(r"\brole\b|\btype\b|\bside\b|category|party", re.IGNORECASE)
_MIN_BLOCKS = 3
_MAX_CANDIDATES = 8
_LONG_VALUE = 25  # mean characters of a text label's values


@dataclass
class _Line:
    number: int
    text: str
    family: str | None = None  # the label without its number, case-folded ("utterance")
    value: str = ""


@dataclass
class _Family:
    count: int = 0
    values: list[str] = field(default_factory=list)
    mean_length: float = 0.0  # set by `measure` once every line is read
    name_share: float = 0.0

    def measure(self) -> None:
        self.mean_length = sum(map(len, self.values)) / max(1, len(self.values))
        self.name_share = sum(1 for value in self.values if looks_like_name(value)) / max(1, len(self.values))

    @property
    def is_text(self) -> bool:
        """Long values, few of them names: the label of what was said."""
        return self.mean_length >= _LONG_VALUE and self.name_share < 0.5


def read_field_blocks(text: str) -> ReadLayout | None:
    """Read a labelled-field block file, or None when the text is not one (try the text reader)."""
    lines = [_Line(number, raw.strip()) for number, raw in enumerate(text.split("\n"), start=1)]
    lines = [line for line in lines if line.text]
    families: dict[str, _Family] = {}
    for line in lines:
        match = _LABEL.match(line.text)
        if match:
            line.family = " ".join(match["label"].casefold().split())
            line.value = match["value"].strip()
            family = families.setdefault(line.family, _Family())
            family.count += 1
            family.values.append(line.value)
    for family in families.values():
        family.measure()
    speaker = _speaker_family(lines, families)
    if speaker is None:
        return None
    text_family = _text_family(families, speaker)
    return _Reader(lines, speaker, text_family, families).read()


def _speaker_family(lines: list[_Line], families: dict[str, _Family]) -> str | None:
    """The label that opens blocks: recurring, short name-like values, text following each occurrence."""
    best: tuple[int, int, str] | None = None
    candidates = [
        (name, family)
        for name, family in families.items()
        if family.count >= _MIN_BLOCKS
        and len(set(family.values)) >= 2
        and family.mean_length <= 40
        and family.name_share >= 0.8
    ]
    # The commonest few are enough (each is checked against every line).
    candidates.sort(key=lambda item: (-item[1].count, item[0]))
    for name, family in candidates[:_MAX_CANDIDATES]:
        starts = with_text = 0
        previous_is_label = False
        text_seen = True
        for line in lines:
            is_text = _is_text_candidate(line, families, name)
            if line.family == name:
                starts += 0 if previous_is_label else 1
                text_seen = False
            elif is_text and not text_seen:
                text_seen = True
                with_text += 1
            previous_is_label = line.family is not None and not is_text
        if with_text * 10 < family.count * 6 or starts * 2 < family.count:
            continue
        score = (1 if norm_key(name) in _SPEAKER_LABELS else 0, starts, name)
        if best is None or score > best:
            best = score
    return best[2] if best else None


def _is_text_candidate(line: _Line, families: dict[str, _Family], speaker: str) -> bool:
    if line.family is None:
        return not _MARKER.match(line.text)
    if line.family == speaker:
        return False
    return families[line.family].is_text


def _text_family(families: dict[str, _Family], speaker: str) -> str | None:
    candidates = [
        (family.count, name) for name, family in families.items() if name != speaker and family.is_text
    ]
    return max(candidates)[1] if candidates else None


class _Reader:
    def __init__(self, lines: list[_Line], speaker: str, text_family: str | None, families: dict) -> None:
        self.lines = lines
        self.speaker = speaker
        self.text_family = text_family
        self.families = families
        self.turns: list[LabelledTurn] = []
        self.header: list[tuple[int, str]] = []
        self.fields: dict[str, str] = {}
        self.warnings: list[ParseWarning] = []
        self.counts = Counter[str]()

    def read(self) -> ReadLayout:
        turn: LabelledTurn | None = None
        in_text = False  # the current block's text has begun: labels no longer give fields
        for line in self.lines:
            if _MARKER.match(line.text):
                self._header(line)
                continue
            if line.family == self.speaker:
                if not line.value:  # "Speaker:" with no name: whose text follows is unknown
                    self.counts["ignored"] += 1
                    self.warnings.append(ParseWarning(line.number, "speaker field without a name; ignored"))
                    continue
                turn = self._open(line, turn)
                in_text = False
                self.counts["speaker"] += 1
                continue
            if turn is None:
                self._header(line, facts=True)
                continue
            if line.family is not None and line.family == self.text_family:
                if not line.value:
                    self.counts["ignored"] += 1
                    self.warnings.append(ParseWarning(line.number, "empty text field; ignored"))
                    continue
                self._paragraph(turn, line.number, line.value, first=not in_text)
                in_text = True
            elif line.family is not None and not in_text and not self._reads_as_text(line):
                self._field(turn, line)
                self.counts["speaker"] += 1
            else:
                self._paragraph(turn, line.number, line.text, first=not in_text)
                in_text = True
        turns = [turn for turn in self.turns if turn.paragraphs]
        for dropped in (turn for turn in self.turns if not turn.paragraphs):
            self.warnings.append(ParseWarning(dropped.line, f"'{dropped.label}' has no text; no turn made"))
        return ReadLayout(
            layout="field-blocks",
            turns=turns,
            header=self.header,
            warnings=self.warnings,
            fields=self.fields,
            line_counts=line_counts(
                speech=self.counts["speech"],
                speaker=self.counts["speaker"],
                header=self.counts["header"],
                ignored=self.counts["ignored"],
            ),
        )

    def _reads_as_text(self, line: _Line) -> bool:
        """A "Note: ..." line with a long value is speech, not a field of the speaker."""
        return self.families[line.family].is_text

    def _header(self, line: _Line, *, facts: bool = False) -> None:
        self.header.append((line.number, line.text))
        self.counts["header"] += 1
        if facts and line.family is not None:
            name = field_name(line.family)
            if name:
                add_field(self.fields, name, line.value)

    def _open(self, line: _Line, previous: LabelledTurn | None) -> LabelledTurn:
        name = clean_name(line.value)
        if previous is not None and previous.name.casefold() == name.casefold():
            return previous  # the same speaker's next block: one turn per run
        turn = LabelledTurn(label=line.value, name=name, line=line.number)
        self.turns.append(turn)
        return turn

    def _field(self, turn: LabelledTurn, line: _Line) -> None:
        value = " ".join(fold_ligatures(line.value).split())
        if not value:
            return
        if _TITLE_WORDS.search(line.family):
            turn.title = turn.title or value
        elif _FIRM_WORDS.search(line.family):
            turn.firm = turn.firm or value
        elif _ROLE_WORDS.search(line.family):
            turn.role = turn.role or role_from_word(value)

    def _paragraph(self, turn: LabelledTurn, number: int, value: str, *, first: bool) -> None:
        text = " ".join(fold_ligatures(value).split())
        if first and turn.title:
            text = _strip_title_fragment(text, turn.title)
        self.counts["speech"] += 1
        if text:
            turn.paragraphs.append(Paragraph(text, number))


def _strip_title_fragment(text: str, title: str) -> str:
    """Drop a title the PDF tool leaked into the text: ", Group CFO Thank you." -> "Thank you."."""
    if not text.startswith(","):
        return text
    rest = text[1:].lstrip()
    if rest.casefold().startswith(title.casefold()) and rest[len(title) : len(title) + 1] in {"", " "}:
        return rest[len(title) :].lstrip(" ,.:;-")
    return text
