"""Text -> raw turns: which lines are speaker lines, which are boilerplate, which are speech.

Four text layouts are known (see ../shared/seeds/README.md) plus a cheap "Name: text" one:

- "bullets":    every line is a `  • ` bullet, speaker lines included; blank lines between.
- "lines":      one sentence per line; speaker lines `Name - Title` or `Operator`.
- "bilingual":  every speaker line twice in a row; each English paragraph followed by its Chinese
                translation on the next line.
- "roles-only": speaker lines give a role only (`- CEO`, `- Analyst`); names are inferred later.
- "name-colon": `Name: text` or `Name - Title: text` on one line.

The detector only picks the layout; the same line classifier serves them all, with two switches
(doubled speaker lines and translation lines for "bilingual", inline speech for "name-colon").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Paragraph, ParseWarning, TranscriptError
from .names import NAME, NAME_WORD, name_key

_BULLET = re.compile(r"^\s*[•●▪◦·‣∙]\s*")
_OPERATOR = re.compile(r"(?:conference\s+(?:call\s+)?)?operator", re.IGNORECASE)
_ROLE_ONLY = re.compile(r"[-–—]\s*(?P<title>[^\W\d_][\w&/,.'’()\s\-]{0,70})")
_NAMED = re.compile(rf"(?P<name>{NAME})\s+[-–—]{{1,2}}\s+(?P<title>\S.{{0,119}})")
_FIRM_TITLE_SPLIT = re.compile(r"\s+[-–—]{1,2}\s+")
_BARE_NAME = re.compile(rf"{NAME_WORD}(?:\s+(?:[a-z]{{2,4}}\s+)?{NAME_WORD}){{1,5}}")
_COLON_SPEAKER = re.compile(
    rf"(?P<speaker>Operator|{NAME}(?:\s+[-–—]\s+[^:]{{1,80}})?)\s*:(?:\s+(?P<rest>\S.*))?"
)

# Words that start sentences, never names: keeps "Thanks - Operator" or "Good Morning Everyone" out.
_SENTENCE_STARTERS = (
    "a an and as at but for from good great hello hi i in it just let no not now of ok okay on our please "
    "right so sure thank thanks that the then there this to we well what when where which who why yeah yes "
    "you your"
)
_NOT_A_FIRST_NAME = frozenset(_SENTENCE_STARTERS.split())
# With a one-word name ("Ashwin - Analyst") the title must look like one.
_TITLE_WORD = re.compile(
    r"\b(?:analyst|ceo|cfo|coo|cto|cio|evp|svp|vp|ir|president|officer|director|chairman|chairwoman|chair|"
    r"manager|head|founder|partner|treasurer|controller|secretary|counsel|executive|relations|"
    r"representative|investor|associate|strategist|economist|principal|md)\b",
    re.IGNORECASE,
)
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:Inc|Co|Ltd|Corp|Jr|Sr|Bros|Intl|Dept|Assoc)|\b(?:[A-Z]\.){1,3}[A-Z]?)\.$"
)

_DISCLAIMER = "使用警語"
_BOILERPLATE_EXACT = frozenset({"完整原文"})
# "Allot Ltd (ALLT) 2013 Q1 法說會逐字稿", "Acme Widgets Inc (ACMW) Q3 2022 Earnings Call".
TITLE_LINE = re.compile(
    r"^(?P<company>.+?)\s*\((?P<ticker>[A-Z][A-Z0-9.\-]{0,9})\)\s*"
    r"(?:(?P<year>(?:19|20)\d{2})\s*Q(?P<quarter>[1-4])|Q(?P<quarter_first>[1-4])\s*(?P<year_after>(?:19|20)\d{2}))\b"
)
# Copied from PDFs or publishers' pages, never speech: copyright lines and page markers.
_PAGE_FURNITURE = re.compile(
    r"(?:copyright\b|\(c\)\s*\d{4}|©).*|.*\ball rights reserved\.?"
    r"|page\s+\d+(?:\s+of\s+\d+)?|[-–—]\s*\d{1,3}\s*[-–—]",
    re.IGNORECASE,
)
# "[00:12:34] Thank you." or "(01:05) Thank you.": the time is not part of what was said.
_TIMESTAMP = re.compile(r"^[\[(]\d{1,2}:\d{2}(?::\d{2})?[\])]\s*")

_HEADINGS = {
    "presentation": "prepared",
    "prepared remarks": "prepared",
    "management discussion section": "prepared",
    "questions and answers": "qa",
    "question and answer": "qa",
    "question and answer session": "qa",
    "questions and answers session": "qa",
    "q a": "qa",
    "q a session": "qa",
    "call participants": "participants",
    "corporate participants": "participants",
    "conference call participants": "participants",
    "participants": "participants",
}

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


@dataclass
class SpeakerLine:
    text: str  # as written, bullet and surrounding spaces removed
    name: str  # "Operator", the person's name, or for role-only lines the role ("CEO")
    title: str  # "" when none
    is_operator: bool = False
    role_only: bool = False  # "- CEO": the line gives a role, the name has to be inferred
    firm: str = ""  # "Jane Doe - Calder Partners - Analyst": the firm the line itself gives


@dataclass
class RawTurn:
    speaker: SpeakerLine
    line: int
    paragraphs: list[Paragraph] = field(default_factory=list)
    after_qa_heading: bool = False  # a "Questions and Answers" heading came just before this turn


@dataclass
class SplitText:
    layout: str
    turns: list[RawTurn]
    header: list[tuple[int, str]]  # (line, text) of boilerplate and lines before the first speaker line
    warnings: list[ParseWarning]


def is_cjk_line(text: str) -> bool:
    """Chinese translation lines. They keep English firm and product names ("下一個問題來自 Northland
    Capital Markets 的 Nehal Chokshi。"), so a tenth of CJK characters, or a handful, is enough."""
    cjk = len(_CJK.findall(text))
    return cjk >= 4 or (cjk > 0 and cjk * 10 >= sum(1 for ch in text if not ch.isspace()))


def is_boilerplate(text: str) -> bool:
    return (
        text.startswith(_DISCLAIMER)
        or text in _BOILERPLATE_EXACT
        or "逐字稿" in text
        or bool(TITLE_LINE.match(text))
        or bool(_PAGE_FURNITURE.fullmatch(text))
    )


def title_line_period(match: re.Match[str]) -> tuple[int, int]:
    """(fiscal year, quarter) of a TITLE_LINE match, whichever order the line gives them in."""
    return int(match["year"] or match["year_after"]), int(match["quarter"] or match["quarter_first"])


def heading_kind(text: str) -> str | None:
    key = re.sub(r"[^a-z]+", " ", text.casefold()).strip()
    return _HEADINGS.get(key) if len(text) < 60 else None


def parse_speaker_line(text: str, *, allow_bare_name: bool = False) -> SpeakerLine | None:
    """The speaker line `text` announces, or None when it is speech.

    Conservative on purpose: a sentence taken for a speaker line splits a turn and corrupts every
    count, while a missed speaker line only merges two turns (and usually shows up as a warning).
    """
    if len(text) > 140:
        return None
    if _OPERATOR.fullmatch(text):
        return SpeakerLine(text, "Operator", "", is_operator=True)
    role = _ROLE_ONLY.fullmatch(text)
    if role:
        title = role["title"].strip()
        if _is_title(title, max_words=8):
            return SpeakerLine(text, title, title, role_only=True)
        return None
    named = _NAMED.fullmatch(text)
    if named:
        name, title = named["name"].strip(), named["title"].strip()
        firm = ""
        # "Name - Firm - Title" / "Name -- Firm -- Analyst": the last part is the title.
        parts = _FIRM_TITLE_SPLIT.split(title)
        if len(parts) == 2 and parts[0] and parts[1]:
            firm, title = parts[0].strip(), parts[1].strip()
        if _is_name(name) and _is_title(title) and (" " in name or _TITLE_WORD.search(title)):
            return SpeakerLine(text, name, title, firm=firm)
        return None
    if allow_bare_name and _BARE_NAME.fullmatch(text) and _is_name(text):
        return SpeakerLine(text, text, "")
    return None


def _is_name(name: str) -> bool:
    first = name.split()[0].rstrip(".,").casefold()
    return first not in _NOT_A_FIRST_NAME and not name.endswith(",")


def _is_title(title: str, *, max_words: int = 16) -> bool:
    if not title or len(title.split()) > max_words or "?" in title or "!" in title or " -- " in title:
        return False
    if not (title[0].isupper() or title[0].isdigit() or _TITLE_WORD.match(title)):
        return False
    ends_like_sentence = title.endswith(".") and not _ABBREVIATION_END.search(title)
    return title[-1] not in ",;:" and not ends_like_sentence


def detect_layout(lines: list[str]) -> str:
    """Pick the layout from counts over the whole file; no flag needed."""
    content = [line for line in lines if line.strip() and not is_boilerplate(line.strip())]
    if not content:
        raise TranscriptError("the file has no text besides boilerplate")
    bullets = sum(1 for line in content if _BULLET.match(line))
    stripped = [_BULLET.sub("", line).strip() for line in content]
    cjk = sum(1 for line in stripped if is_cjk_line(line))
    role_only = named = 0
    for line in stripped:
        speaker = parse_speaker_line(line)
        if speaker and speaker.role_only:
            role_only += 1
        elif speaker:
            named += 1
    if cjk * 5 >= len(content):
        return "bilingual"
    if bullets * 2 >= len(content):
        return "bullets"
    if role_only >= 2 and role_only >= named:
        return "roles-only"
    if named >= 2:
        return "lines"
    colon = sum(1 for line in stripped if _colon_speaker(line))
    if colon >= 2:
        return "name-colon"
    if named:
        return "lines"
    raise TranscriptError(
        "no speaker lines found: expected lines such as 'Operator', 'Jane Doe - CFO', '- Analyst' "
        "or 'Jane Doe: ...'"
    )


def _colon_speaker(text: str) -> tuple[SpeakerLine, str] | None:
    match = _COLON_SPEAKER.fullmatch(text)
    if not match:
        return None
    speaker_text = match["speaker"].strip()
    speaker = parse_speaker_line(speaker_text, allow_bare_name=True)
    if speaker is None or speaker.role_only:
        return None
    return speaker, (match["rest"] or "").strip()


def split_turns(text: str) -> SplitText:
    """Classify every line and group them into turns (speaker line + paragraphs)."""
    raw_lines = text.split("\n")
    layout = detect_layout(raw_lines)
    # (1-based line, content without bullet); blank lines carry no meaning in any layout.
    entries = [(i + 1, _BULLET.sub("", line).strip()) for i, line in enumerate(raw_lines)]
    entries = [(n, line) for n, line in entries if line]
    splitter = _Splitter(layout, entries)
    splitter.run()
    if not splitter.turns:
        raise TranscriptError(f"no speaker lines found in a file that looked like the '{layout}' layout")
    return SplitText(layout, splitter.turns, splitter.header, splitter.warnings)


class _Splitter:
    def __init__(self, layout: str, entries: list[tuple[int, str]]) -> None:
        self.layout = layout
        self.entries = entries
        self.turns: list[RawTurn] = []
        self.header: list[tuple[int, str]] = []
        self.warnings: list[ParseWarning] = []
        self.pending_qa_heading = False
        self.in_participants_list = False
        # Bare names ("Kenny Green") count as speaker lines outside bilingual files only when the same
        # person also has a `Name - Title` line somewhere: a lone capitalised phrase is too ambiguous.
        self.known_names: set[str] = set()
        if layout != "bilingual":
            for _, line in entries:
                speaker = parse_speaker_line(line)
                if speaker and not speaker.role_only and not speaker.is_operator:
                    self.known_names.add(name_key(speaker.name))

    def run(self) -> None:
        i = 0
        while i < len(self.entries):
            i = self.step(i)
        for turn in self.turns:
            if not turn.paragraphs:
                self.warn(turn.line, f"speaker line '{turn.speaker.text}' has no text after it")
            elif self.layout == "bilingual":
                for paragraph in turn.paragraphs:
                    if not paragraph.translation:
                        self.warn(paragraph.line, "paragraph has no Chinese translation after it")

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(line, message))

    def step(self, i: int) -> int:
        """Handle entry i; return the index of the next entry to handle."""
        lineno, text = self.entries[i]
        if is_boilerplate(text):
            self.header.append((lineno, text))
            return i + 1
        heading = heading_kind(text)
        if heading:
            self.in_participants_list = heading == "participants"
            self.pending_qa_heading = self.pending_qa_heading or heading == "qa"
            return i + 1
        if self.layout == "bilingual":
            return self.step_bilingual(i)
        if self.layout == "name-colon":
            colon = _colon_speaker(text)
            if colon:
                speaker, rest = colon
                self.start_turn(speaker, lineno)
                if rest:
                    self.add_text(lineno, rest)
                return i + 1
            self.add_text(lineno, text)
            return i + 1
        # ...but not inside the operator's turn, where a bare name is the operator announcing someone.
        in_operator_turn = bool(self.turns) and self.turns[-1].speaker.is_operator
        bare_ok = not in_operator_turn and len(text) <= 60 and name_key(text) in self.known_names
        speaker = parse_speaker_line(text, allow_bare_name=bare_ok)
        if speaker:
            last = self.turns[-1] if self.turns else None
            if (
                last
                and not last.paragraphs
                and last.speaker.text == speaker.text
                and not self.in_participants_list
            ):
                self.warn(lineno, f"speaker line '{text}' repeated with no text in between; merged")
                return i + 1
            self.start_turn(speaker, lineno)
        else:
            self.add_text(lineno, text)
        return i + 1

    def step_bilingual(self, i: int) -> int:
        lineno, text = self.entries[i]
        repeats = 0
        while i + repeats + 1 < len(self.entries) and self.entries[i + repeats + 1][1] == text:
            repeats += 1
        speaker = parse_speaker_line(text, allow_bare_name=repeats > 0)
        if speaker is None:
            self.add_text(lineno, text)
            return i + 1
        if repeats == 0:
            self.warn(
                lineno, f"speaker line '{text}' appears once; bilingual files repeat every speaker line"
            )
        elif repeats > 1:
            self.warn(lineno, f"speaker line '{text}' appears {repeats + 1} times in a row; read as one")
        self.start_turn(speaker, lineno)
        return i + repeats + 1

    def start_turn(self, speaker: SpeakerLine, lineno: int) -> None:
        if self.in_participants_list:
            return  # "Corporate Participants" lists people, nobody speaks there
        self.turns.append(RawTurn(speaker, lineno, after_qa_heading=self.pending_qa_heading))
        self.pending_qa_heading = False

    def add_text(self, lineno: int, text: str) -> None:
        self.in_participants_list = False
        text = _TIMESTAMP.sub("", text)
        if not text:
            return
        if not self.turns:
            self.header.append((lineno, text))
            self.warn(lineno, "text before the first speaker line belongs to no turn; ignored")
            return
        paragraphs = self.turns[-1].paragraphs
        if self.layout == "bilingual" and is_cjk_line(text):
            if paragraphs and not paragraphs[-1].translation:
                paragraphs[-1].translation = text
                paragraphs[-1].translation_line = lineno
            else:
                self.warn(lineno, "Chinese line with no English paragraph before it; ignored")
            return
        paragraphs.append(Paragraph(text=text, line=lineno))
