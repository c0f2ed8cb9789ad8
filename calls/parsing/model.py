"""Plain data produced by the transcript parser.

No Django here: see STYLE.md, "Parsing knows nothing of Django".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"
    EXECUTIVE = "executive"
    ANALYST = "analyst"
    UNKNOWN = "unknown"


class Section(StrEnum):
    PREPARED = "prepared"
    QA = "qa"


class TranscriptError(ValueError):
    """The file cannot be read as a transcript at all (empty, binary, no speaker lines...)."""


@dataclass
class ParseWarning:
    line: int  # 1-based line number in the decoded text; 0 when the warning concerns the whole file
    message: str
    # True when the parser doubts the parse as a whole (few speaker lines for the file's size, most
    # text under one speaker, no Q&A found in a call with an operator): `--strict` fails such a file
    # and the upload preview shows these first.
    doubt: bool = False

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class Paragraph:
    text: str  # the original (English) text
    line: int  # 1-based line of the original text
    translation: str = ""  # the Traditional Chinese machine translation, when the file has one
    translation_line: int = 0  # 1-based line of the translation, 0 when none (or JSON)


@dataclass
class Turn:
    """One speaker block, in order."""

    speaker_line: str  # the speaker line exactly as written (stripped of bullets/whitespace)
    name: str  # the person's name; "Operator" for the operator; inferred where the line gives only a role
    title: str  # title as written ("President and CEO", "Analyst"), "" when none
    role: Role
    section: Section
    line: int  # 1-based line of the speaker line
    paragraphs: list[Paragraph] = field(default_factory=list)
    firm: str = ""  # the speaker's firm when known (analysts: from the operator's announcement)
    exchange: int | None = None  # index into Transcript.exchanges, None outside any Q&A exchange


@dataclass
class Exchange:
    """One questioner's Q&A slot: the question, the answers and any follow-ups."""

    questioner: str  # name the speaker line gives (or the announced name where the line gives only a role)
    introduced_as: str  # name the operator announced when it differs from `questioner`, else ""
    firm: str  # firm the operator announced, "" when none
    first_turn: int  # index into Transcript.turns, inclusive
    last_turn: int  # index into Transcript.turns, inclusive

    @property
    def turn_count(self) -> int:
        return self.last_turn - self.first_turn + 1


@dataclass
class LabelledTurn:
    """A turn as a layout reader found it, before any inference (roles, sections, exchanges).

    Readers (text, CSV, JSON, field blocks) produce these; `calls.parsing.inference` decides the rest.
    Fields a file states outright (a CSV's role column, a JSON's Q&A list) are given; otherwise None.
    """

    label: str  # the speaker label exactly as written
    name: str  # the person's name ("Operator" for the operator); for role-only labels the role
    line: int  # 1-based line of the label (0 where the format has no lines)
    paragraphs: list[Paragraph] = field(default_factory=list)
    title: str = ""
    firm: str = ""
    section: Section | None = None  # the file says which section this turn is in
    role: Role | None = None  # the file says who this is (a role column, a participants list side)
    role_only: bool = False  # "- CEO": the label gives a role, the name is inferred later
    after_qa_heading: bool = False  # a "Questions and Answers" heading came just before this turn


@dataclass
class ReadLayout:
    """What a layout reader hands to inference: turns, the header lines, and stated facts."""

    layout: str
    turns: list[LabelledTurn]
    header: list[tuple[int, str]] = field(default_factory=list)  # (line, text) outside any turn
    warnings: list[ParseWarning] = field(default_factory=list)
    # Facts the file states in fields (JSON keys, CSV columns, "Company: X" header lines), as written:
    # keys among company, ticker, year, quarter, date, title.
    fields: dict[str, str] = field(default_factory=dict)
    line_counts: dict[str, int] = field(default_factory=dict)
    # A format that wraps a transcript's page text (a JSON with a "transcript" string and no usable
    # turns): the text reader reads it, and `fields` still apply.
    embedded_text: str = ""


@dataclass
class Speaker:
    """A distinct person speaking in one transcript (derived from the turns)."""

    name: str
    title: str
    role: Role
    firm: str


@dataclass
class Transcript:
    layout: str  # "bullets", "lines", "bilingual", "roles-only", ...
    turns: list[Turn]
    exchanges: list[Exchange] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    title: str = ""  # title line as written, "" when the file has none
    company: str = ""  # company name as found ("Allot Ltd", "Infinera Corporation"), "" when not found
    ticker: str = ""
    fiscal_year: int | None = None
    fiscal_quarter: int | None = None
    held_on: datetime.date | None = None
    # Every non-blank input line, accounted for: "read" is the sum of "speech" (paragraph text),
    # "speaker" (speaker labels), "header" (titles, headings, participant lists, page furniture the
    # parser recognised) and "ignored" (each ignored line also has a warning with its number).
    line_counts: dict[str, int] = field(default_factory=dict)
    # Set when the file's sources disagree on the period (the file name says Q1 2021, the text Q1
    # 2020) or state none with certainty: the import refuses unless the person importing settles it.
    period_conflict: str = ""
    # "presentation" or "qa" when the file is one half of a call split in two files
    # ("AAPL_4Q25_presentation.txt", "AAPL_4Q25_qna.txt"); "" for a whole call.
    part: str = ""

    @property
    def paragraph_count(self) -> int:
        return sum(len(turn.paragraphs) for turn in self.turns)

    @property
    def translated_paragraph_count(self) -> int:
        return sum(1 for turn in self.turns for p in turn.paragraphs if p.translation)

    @property
    def prepared_turn_count(self) -> int:
        """Turns before the Q&A section opens (closing remarks after the Q&A do not count)."""
        return next((i for i, turn in enumerate(self.turns) if turn.section == Section.QA), len(self.turns))

    @property
    def speakers(self) -> list[Speaker]:
        """One entry per distinct person, in order of first appearance; the operator included."""
        seen: dict[str, Speaker] = {}
        for turn in self.turns:
            key = turn.name.casefold()
            if key not in seen:
                seen[key] = Speaker(name=turn.name, title=turn.title, role=turn.role, firm=turn.firm)
            else:
                known = seen[key]
                known.title = known.title or turn.title
                known.firm = known.firm or turn.firm
        return list(seen.values())
