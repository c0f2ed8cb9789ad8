"""Plain text -> labelled turns, reading each file's own speaker-label convention from its evidence.

No list of publishers: every line is first read for what it *could* be (labels.py: a label alone on a
line, a label before a colon, an affiliation line under a name, a heading, page furniture), then the
whole file decides which candidates are labels:

- a name that recurs as a label, a participant list that lists it, or an operator who announces it
  ("our next question comes from Jane Doe with Calder") confirms it;
- a bare name alone on a line is a label only when confirmed, or when the line under it reads as
  its affiliation ("Analyst, Calder Partners", "Acme Inc. - CFO");
- `Name - Title` lines are labels on their own shape, as are the operator and "Unidentified ...";
- `Name: text` lines are labels when the file uses that shape for confirmed names.

Seed layouts keep their switches: bilingual files double every label and follow each English
paragraph with its Chinese line; bullet files put every line, labels included, in a bullet.
Hard-wrapped text (PDF conversions) is joined back into paragraphs.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections import Counter
from dataclasses import dataclass

from .labels import (
    OPERATOR,
    Label,
    clean_line,
    display_name,
    display_title,
    ends_sentence,
    ends_with_time,
    has_title_word,
    is_timed_label,
    looks_like_name,
    looks_like_rest,
    parse_inline_label,
    parse_label,
    side_from_affiliation,
    split_rest,
)
from .model import LabelledTurn, Paragraph, ParseWarning, ReadLayout, Role, TranscriptError
from .names import honorific_surname, name_key

# What machine translations make of "Operator".
_OPERATOR_ZH = re.compile(
    r"(?:會議|会议|電話會議|电话会议)?(?:營運商|营运商|運營商|运营商|操作員|操作员|接線員|接线员|話務員|话务员|"
    r"主持人|主持|司儀|司仪)[：:]?"
)
_BULLET = re.compile(r"^\s*[•●▪◦·‣∙]\s*")
_DISCLAIMER = "使用警語"
_BOILERPLATE_EXACT = frozenset({"完整原文"})
# "Allot Ltd (ALLT) 2013 Q1 法說會逐字稿", "Acme Widgets Inc (ACMW) Q3 2022 Earnings Call".
TITLE_LINE = re.compile(
    r"^(?P<company>.+?)\s*\((?P<ticker>[A-Z][A-Z0-9.\-]{0,9})\)\s*"
    r"(?:(?P<year>(?:19|20)\d{2})\s*Q(?P<quarter>[1-4])|Q(?P<quarter_first>[1-4])\s*(?P<year_after>(?:19|20)\d{2}))\b"
)
# Copied from PDFs or publishers' pages, never speech: copyright lines, page markers, rules, links.
_PAGE_FURNITURE = re.compile(
    r"(?:copyright\b|\(c\)\s*\d{4}|©).*|.*\ball rights reserved\.?.*"
    r"|page\s+\d+(?:\s+of\s+\d+)?|.{0,200}\s{2,}page\s+\d+(?:\s+of\s+\d+)?"
    r"|[-–—]\s*\d{1,3}\s*[-–—]|\d{1,4}|[-=_.…·*~ ]{3,}"
    r"|(?:https?://|www\.)\S*.*|\S+\.(?:com|net|org)(?:/\S*)?(?:\s+\d{1,4})?"
    r"|total\s+pages?\s*:?\s*\d+|\d{1,3}\s*/\s*\d{1,3}|corrected\s+transcript|edited\s+transcript"
    r"|e\s*d\s*i\s*t\s*e\s*d\s+v\s*e\s*r\s*s\s*i\s*o\s*n|\[?(?:slide|page)\s+\d+\]?[^.]{0,80}"
    r"|image\s+source:.*|\[operator\s+signoff\]"
    r"|>+|webvtt.*|\d{1,2}:\d{2}(?::\d{2})?[.,]\d{3}\s*-->.*",  # WebVTT's header and cue times
    re.IGNORECASE,
)
# "[00:12:34] Thank you." or "(01:05) Thank you.": the time is not part of what was said.
_TIMESTAMP = re.compile(r"^(?:[\[(]\d{1,2}:\d{2}(?::\d{2})?[\])]\s*|\d{1,2}:\d{2}(?::\d{2})?\s+(?=[A-Z\[(]))")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Page headers repeat with the company, the period or a date: a line seen three times or more that
# carries a digit, a ticker in parentheses or a transcript word is furniture, never a label.
_HEADER_WORDS = re.compile(
    r"\d|\btranscripts?\b|\bearnings\b|\bconference\s+call\b|\bcallstreet\b|\bfactset\b", re.IGNORECASE
)
_TICKER_IN_PARENS = re.compile(r"\([A-Z]{1,6}\)")

# What a title page states: the call, the period, the date, a ticker, "Field: value" lines.
_HEADER_LINE = re.compile(
    r"\d|\([A-Z][A-Z0-9.:\- ]{0,14}\)|^[\w /\[\]]{1,30}:\s*\S|^\[.*\]$|"
    r"\b(?:earnings|call|conference|transcripts?|results|quarter|fiscal|webcast|presentation|participants|"
    r"event|brief|edited|version|streetevents|thomson|reuters|refinitiv|factset|s&p|date|time)\b|"
    r"[\u3400-\u9fff]",
    re.IGNORECASE,
)

_HEADINGS = {
    "presentation": "prepared",
    "prepared remarks": "prepared",
    "prepared remarks section": "prepared",
    "management discussion section": "prepared",
    "management discussion": "prepared",
    "opening remarks": "prepared",
    "full conference call transcript": "prepared",
    "transcript": "prepared",
    "questions and answers": "qa",
    "question and answer": "qa",
    "question and answer session": "qa",
    "questions and answers session": "qa",
    "question and answer section": "qa",
    "questions and answer section": "qa",
    "q a": "qa",
    "q a session": "qa",
    "q and a": "qa",
    "q and a session": "qa",
    "qa": "qa",
    "qna": "qa",
    "問答": "qa",
    "问答": "qa",
    "問答環節": "qa",
    "问答环节": "qa",
    "call participants": "participants",
    "corporate participants": "participants:executive",
    "company participants": "participants:executive",
    "company representatives": "participants:executive",
    "executives": "participants:executive",
    "management": "participants:executive",
    "conference call participants": "participants:analyst",
    "conference call participiants": "participants:analyst",
    "other participants": "participants:analyst",
    "analysts": "participants:analyst",
    "attendees": "participants:analyst",
    "participants": "participants",
    "speakers": "participants",
    "presenters": "participants:executive",
    "presenter": "participants:executive",
    "management team": "participants:executive",
    "company speakers": "participants:executive",
    "speaker legend": "participants",
}
_QA_HEADING = re.compile(
    r"(?:(?:analyst|analysts|investor|live)\s+)?(?:q and a|questions? and answers?|questions)"
    r"(?:\s+(?:session|section|period|portion|part))?(?:\s+(?:with|from|by)\s+(?:the\s+)?\w+)?"
)
_PREPARED_HEADING = re.compile(
    r"(?:(?:opening|prepared|management|managements|formal|introductory)\s+)+(?:remarks|presentation|statements?)"
    r"(?:\s+(?:section|session))?(?:\s+(?:by|from)\s+(?:the\s+)?\w+)?"
)
_SPACED = re.compile(r"^(?:\S ){3,}\S(?:\s+(?:\S ){1,}\S)*$")
_COMPANYISH = re.compile(
    r"\b(?:group|bancorp|bank|holdings|industries|international|brands|energy|foods|financial|insurance|"
    r"retail|pharma|pharmaceuticals|motors|airlines|semiconductor|software|systems|technologies|utilities)\b"
)
_DASH_INLINE = re.compile(r"^(?P<label>[^-–—:]{2,80}?)\s+[-–—]{1,2}\s+(?P<speech>\S.*)$")
_LIST_SIDES = {
    **dict.fromkeys(("corporate", "company", "management", "executives", "hosts", "speakers"), "executive"),
    **dict.fromkeys(("analysts", "investors", "other", "callers", "media", "press"), "analyst"),
}
_LEGEND = re.compile(
    r"^(?P<key>(?:speaker|participant|spk)\s*\d{1,3})\s*(?:=|:|–|—|-)\s*(?P<who>[^=]{2,150})$", re.I
)
_INLINE_HEADING = re.compile(r"^(?P<head>[A-Za-z][A-Za-z &]{2,40})\s*:\s*(?P<rest>\S.*)$")
_SPEECH_START = re.compile(
    r"(?:hi|hello|hey|thanks|thank|yes|yeah|no|okay|ok|good|great|sure|well|so|and|but|i|we|you|my|our)\b",
    re.IGNORECASE,
)
_TWO_SENTENCES = re.compile(r"[a-z]{3,}[.!?]\s+[A-Z]")
# A label broken over two lines: "Jane Doe, Calder, Research Division - MD of Rails &" / "Analyst".
_DANGLING = re.compile(r"(?:[&,\-–]|\band|\bof|\bfor)$", re.IGNORECASE)
# Words that begin what someone says, ending the title of a label run into its speech.
_RUN_ON_SPEECH_WORDS = (
    "thank thanks good hello hi yes yeah okay ok so well i we our my you sure great right "
    "and but let now first this that it"
)
_RUN_ON_SPEECH = frozenset(_RUN_ON_SPEECH_WORDS.split())
_PAGE_NUMBER = re.compile(r"\bpage\s+\d+\b", re.IGNORECASE)
_PERIOD_OR_CALL = re.compile(
    r"\b(?:19|20)\d{2}\b|\b[QH][1-4]\b|\bF[QY]\d|\b(?:earnings|transcript|conference\s+call)\b", re.IGNORECASE
)
_FACTSET_MARK = re.compile(r"^(?P<affiliation>.+?)\s+(?P<mark>[QA])$")
_HYPHEN_WRAP = re.compile(r"[a-z]{2}-$")
_WRAP_END = re.compile(r"[.!?:;\"”’)\]…。！？」』]$")

# The operator's announcements that confirm a name as a speaker: "our next question comes from Jane
# Doe with Calder", "the first question is from the line of Jane Doe of Calder".
_ANNOUNCED = re.compile(
    r"(?:\bfrom|\bline\s+of|\bgo(?:es)?\s+(?:over\s+)?to|\bmove\s+(?:on\s+)?to|\bcomes?\s+from|\bis)\s+"
    r"(?:the\s+line\s+of\s+)?(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?(?P<name>[A-Z][\w'’.\-]+(?:\s+[A-Z][\w'’.\-]+){1,3})"
)


def is_cjk_line(text: str) -> bool:
    """Chinese translation lines. They keep English firm and product names ("下一個問題來自 Northland
    Capital Markets 的 Nehal Chokshi。"), so a tenth of CJK characters, or a handful, is enough."""
    cjk = len(_CJK.findall(text))
    return cjk >= 4 or (cjk > 0 and cjk * 10 >= sum(1 for ch in text if not ch.isspace()))


def is_boilerplate(text: str) -> bool:
    """Lines that are never speech: the seeds' disclaimer and title, copyright and page markers."""
    return (
        text.startswith(_DISCLAIMER)
        or text in _BOILERPLATE_EXACT
        or "逐字稿" in text
        or bool(TITLE_LINE.match(text))
        or (len(text) < 300 and bool(_PAGE_FURNITURE.fullmatch(text)))
    )


def heading_kind(text: str) -> str | None:
    """ "prepared", "qa", "participants", "participants:executive", "participants:analyst" or None."""
    if len(text) > 70:
        return None
    if _SPACED.match(text):  # "Q U E S T I O N S  A N D  A N S W E R S"
        text = "  ".join(part.replace(" ", "") for part in re.split(r"\s{2,}", text))
        text = re.sub(r"(?<=[a-z])(?=and[A-Z])|(?<=[A-Z])(?=AND[A-Z])", " ", text)
        text = text.replace("AND", " AND ")
    text = re.sub(r"^(?:slide\s+\d+\s*[,:.\-–]\s*)", "", text, flags=re.IGNORECASE)
    if re.search(r"\.{4,}\s*\d*$", text):
        return None  # "Question and Answer ........ 7": a table of contents' line
    key = re.sub(r"[^a-z\u4e00-\u9fff]+", " ", text.casefold().replace("&", " and ")).strip()
    found = _HEADINGS.get(key)
    if found is None and len(key.split()) <= 6:
        # "Analyst Q&A Session", "Questions from Analysts", "Opening Remarks by Management"
        if _QA_HEADING.fullmatch(key):
            return "qa"
        if _PREPARED_HEADING.fullmatch(key):
            return "prepared"
    return found


def parse_speaker_line(text: str, *, allow_bare_name: bool = False) -> Label | None:
    """The label a line alone could be (kept for callers that test one line)."""
    label = parse_label(clean_line(text))
    if label and label.kind == "person" and not label.rest and not allow_bare_name:
        return None
    return label


@dataclass
class _Entry:
    line: int
    text: str  # cleaned: no bullet, markdown, turn counter
    gap_before: bool  # a blank line came before it
    bullet: bool
    kind: str = "text"  # text, furniture, heading, roster, label, inline, affiliation
    label: Label | None = None
    speech: str = ""
    affiliation: str = ""  # title/firm text of the affiliation line(s) under a label
    mark: str = ""  # FactSet's Q/A mark on the affiliation line


@dataclass
class _RosterEntry:
    name: str
    title: str
    firm: str
    side: str  # "executive", "analyst" or ""


def read_text(text: str) -> ReadLayout:
    """Read a plain-text transcript into labelled turns; TranscriptError when it has no labels."""
    return _Reader(text).read()


class _Reader:
    def __init__(self, text: str) -> None:
        self.entries: list[_Entry] = []
        gap = False
        for number, raw in enumerate(text.split("\n"), start=1):
            if not raw.strip():
                gap = True
                continue
            bullet = bool(_BULLET.match(raw))
            cleaned = _TIMESTAMP.sub("", clean_line(raw)) if len(raw) < 100_000 else raw.strip()
            self.entries.append(_Entry(number, cleaned or raw.strip(), gap, bullet))
            gap = False
        self.warnings: list[ParseWarning] = []
        self.roster: dict[str, _RosterEntry] = {}
        self.roster_lines: list[tuple[str, str]] = []  # (text, side) for names joined to firms
        self.legend: dict[str, Label] = {}  # "speaker2" -> who that numbered label is
        self.layout = "text"

    # --- the whole pass ------------------------------------------------------------------------------

    def read(self) -> ReadLayout:
        if not self.entries:
            raise TranscriptError("the file is empty")
        self._mark_furniture()
        content = [e for e in self.entries if e.kind == "text"]
        if not content:
            raise TranscriptError("the file has no text besides boilerplate")
        # Bilingual: English paragraphs, each followed by its Chinese line. A transcript written in
        # Chinese throughout is not: its Chinese lines are the original text.
        chinese = sum(1 for e in content if is_cjk_line(e.text))
        self.bilingual = chinese * 5 >= len(content) and (len(content) - chinese) * 4 >= len(content)
        self.bullets = sum(1 for e in content if e.bullet) * 2 >= len(content)
        self._mark_roster()
        self._choose_labels()
        if sum(1 for e in self.entries if e.kind in ("label", "inline")) < 2:
            self._choose_run_on_labels()
        turns, header, counts = self._assemble()
        if not turns:
            raise TranscriptError(
                "no speaker lines found: expected lines such as 'Operator', 'Jane Doe - CFO', "
                "'Jane Doe' above her affiliation, '- Analyst' or 'Jane Doe: ...'"
            )
        self._resolve_affiliations(turns)
        return ReadLayout(
            layout=self.layout, turns=turns, header=header, warnings=self.warnings, line_counts=counts
        )

    # --- furniture, headings, participant lists --------------------------------------------------------

    def _mark_furniture(self) -> None:
        repeats = Counter(e.text for e in self.entries if len(e.text) < 200)
        for entry in self.entries:
            text = entry.text
            # A ticker alone does not make a page header of a label: "Jane Doe - Acme (USA) LLC".
            page_header = repeats[text] >= 3 and (
                _HEADER_WORDS.search(text) or (_TICKER_IN_PARENS.search(text) and parse_label(text) is None)
            )
            if is_boilerplate(text) or (page_header and not parse_inline_label(text)):
                entry.kind = "furniture"
            elif heading_kind(text):
                entry.kind = "heading"
        # The running header printed under a page's footer ("Page 2 of 3" / "Acme plc - Q4 2023
        # Results Call - 29 February 2024") is furniture too, however few pages there are.
        for before, entry in itertools.pairwise(self.entries):
            if (
                before.kind == "furniture"
                and _PAGE_NUMBER.search(before.text)
                and entry.kind == "text"
                and len(entry.text) < 200
                and _PERIOD_OR_CALL.search(entry.text)
                and not ends_sentence(entry.text)
                and parse_inline_label(entry.text) is None
            ):
                entry.kind = "furniture"

    def _mark_roster(self) -> None:
        """Lines under a participants heading list people; nobody speaks there."""
        side = ""
        inside = False
        for index, entry in enumerate(self.entries):
            if entry.kind == "heading":
                kind = heading_kind(entry.text) or ""
                inside = kind.startswith("participants")
                side = kind.partition(":")[2] if inside else ""
                continue
            if entry.kind != "text":
                continue
            text = entry.text
            legend = _LEGEND.match(text)
            if legend:
                # "Speaker 2 = Jane Doe, VP Investor Relations": who the numbered labels are.
                who = parse_label(legend["who"].strip())
                if who is not None and who.kind in ("person", "operator"):
                    self.legend[legend["key"].casefold().replace(" ", "")] = who
                    entry.kind = "roster"
                    continue
            headed = _INLINE_HEADING.match(text)
            if headed and (heading_kind(headed["head"]) or "").startswith("participants"):
                # "MANAGEMENT: MR. JANE DOE - CHIEF FINANCIAL OFFICER": a list that starts on its heading.
                kind = heading_kind(headed["head"]) or ""
                inside, side = True, kind.partition(":")[2]
                text = headed["rest"].strip()
            elif headed and inside and headed["head"].casefold() in _LIST_SIDES:
                # "Corporate: Jane Doe, CFO; John Roe, CEO" inside a participants block.
                side, text = _LIST_SIDES[headed["head"].casefold()], headed["rest"].strip()
            if not inside:
                continue
            label = parse_label(text)
            if (
                (label and label.kind == "operator")
                or len(entry.text) > 160
                or (ends_sentence(entry.text) and len(entry.text.split()) > 8)
            ):
                inside = False
                continue
            entry.kind = "roster"
            self.roster_lines.append((text, side))
            names = [part.strip() for part in text.split(",")]
            if len(names) >= 3 and all(part == "Operator" or looks_like_name(part) for part in names):
                for name in names:  # "Operator, Jane Doe, John Roe, Ann Poe": who speaks
                    if name != "Operator":
                        self._add_roster(name, "", "", side)
                continue
            parts = [part.strip() for part in text.split(";")]
            fields = len(parts) in (2, 3) and not any(map(looks_like_name, parts[1:]))
            if fields and looks_like_name(parts[0]):
                # "Jane Doe;Calder Partners;Analyst": one person, the fields apart.
                firm, title = split_rest(" - ".join(parts[1:]))
                self._add_roster(display_name(parts[0]), title, firm, side)
                continue
            if ";" in text:  # "Jane Doe (Calder); John Roe (Vantage)": several people on one line
                for part in text.split(";"):
                    person = parse_label(part.strip())
                    if person is not None and person.kind == "person":
                        firm, title = split_rest(person.rest)
                        self._add_roster(person.name, title, firm, side)
                continue
            if label and label.kind == "person":
                firm, title = split_rest(label.rest)
                if not label.rest:
                    following = self._next_of_kind(index, "text")
                    if following is not None and self._affiliation(following) is not None:
                        firm, title = split_rest(self._affiliation(following)[0])
                self._add_roster(label.name, title, firm, side)

    def _add_roster(self, name: str, title: str, firm: str, side: str) -> None:
        # What the entry says ("Research Division", "Analyst") beats the list it sits in: two-column
        # PDF text often runs one list's heading into the other's names.
        side = side_from_affiliation(title, firm) or side
        self.roster.setdefault(name_key(name), _RosterEntry(name, title, firm, side))

    def _listed_surname(self, key: str) -> _RosterEntry | None:
        """The one person of the participant lists whose surname `key` is ("tanaka" for "Hiroshi
        Tanaka"), or None when none or several are."""
        if not key or " " in key:
            return None
        listed = [
            entry
            for listed_key, entry in self.roster.items()
            if len(words := listed_key.split()) >= 2 and words[-1] == key
        ]
        return listed[0] if len(listed) == 1 else None

    def _next_of_kind(self, index: int, kind: str) -> _Entry | None:
        following = self._next_text_index(index, kinds=(kind,))
        return None if following is None else self.entries[following]

    def _affiliation(self, entry: _Entry) -> tuple[str, str] | None:
        """(affiliation, Q/A mark) when `entry` reads as the line under a name, else None."""
        text = entry.text
        if is_cjk_line(text) and (self.bilingual or len(text) < 3):
            return None  # the translation of the line above, or a word alone
        mark = ""
        factset = _FACTSET_MARK.match(text)
        if factset and looks_like_rest(factset["affiliation"]):
            text, mark = factset["affiliation"], factset["mark"]
        if len(text) > 140 or len(text.split()) > 18 or ends_sentence(text) or not looks_like_rest(text):
            return None
        if sum(ch.isalpha() for ch in text) < 3 or text.endswith(","):
            return None  # "A," is a fragment
        if not text[:1].isalpha() or _PERIOD_OR_CALL.search(text):
            return None  # "126,000" is an answer, "Q3 2021 Acme Earnings Call" a title, not a firm
        if _SPEECH_START.match(text) or _TWO_SENTENCES.search(text) or text.endswith(("…", "...")):
            return None  # "Hi, good morning. Maybe..." is speech, however short
        own = parse_label(text)
        if own is not None and own.kind == "operator":
            return None
        if own is not None and own.kind == "person" and not own.rest and name_key(own.name) in self.roster:
            return None  # the next person of a list, not this one's title
        if not (mark or has_title_word(text) or " - " in text or "," in text):
            return None
        return text, mark

    # --- which candidates are labels --------------------------------------------------------------------

    def _choose_labels(self) -> None:
        own: dict[int, Label] = {}
        inline: dict[int, tuple[Label, str]] = {}
        counts: Counter[str] = Counter()
        for index, entry in enumerate(self.entries):
            if entry.kind != "text":
                continue
            label = parse_label(entry.text)
            if label is not None:
                own[index] = label
                counts[label.key] += 1
                continue
            found = parse_inline_label(entry.text)
            if found is not None:
                inline[index] = found
                counts[found[0].key] += 1
        announced = self._announced_names()
        roster_loose = {_loose(key) for key in self.roster}

        spoken = "\n".join(e.text for e in self.entries if e.kind == "text" and len(e.text) < 5000).casefold()

        def confirmed(label: Label, *, times: int = 2) -> bool:
            key = label.key
            return (
                counts[key] >= times
                or key in self.roster
                or _loose(key) in roster_loose
                or key in announced
                or _loose(key) in announced
                or mentioned(label)
                or self._listed_surname(key) is not None
            )

        def mentioned(label: Label) -> bool:
            # Named in someone's speech besides the label itself: "I'll hand over to Lars Berg"
            # (but "welcome to Acme Retail Group's call" names the company, not a speaker).
            name = label.name.casefold()
            if label.kind != "person" or (" " not in name and not _is_cjk_name(label.name)):
                return False
            if _COMPANYISH.search(name):
                return False
            return spoken.count(name) > counts[label.key]

        with_rest = sum(1 for label in own.values() if label.kind == "person" and label.rest)
        # otter.ai's "Jane Doe  0:45" lines: a file whose labels carry their times.
        timed = {index for index in own if ends_with_time(self.entries[index].text)}
        timed_labels = len(timed) >= 3
        role_labels = sum(1 for label in own.values() if label.kind == "role")
        side_labels = sum(1 for label in own.values() if label.kind == "side")
        accepted_own: set[int] = set()
        for index, label in own.items():
            entry = self.entries[index]
            ok = False
            if label.kind == "operator":
                ok = True
            elif label.kind == "unnamed":
                # "Unidentified Analyst" is a label wherever it stands; a bare "Analyst" once is
                # more likely a title wrapped onto its own line.
                ok = (
                    label.name.casefold().startswith(("unidentified", "unknown", "unnamed"))
                    or counts[label.key] >= 2
                )
            elif label.kind == "role":
                ok = role_labels >= 2
            elif label.kind == "side":
                ok = side_labels >= 4
            elif label.rest:
                ok = confirmed(label) or has_title_word(label.rest) or with_rest >= 3
            elif self.bilingual:
                ok = self._doubled(index) and " " in label.name
            elif " " in label.name or _is_cjk_name(label.name):
                following = self._next_of_kind(index, "text")
                ok = (
                    confirmed(label)
                    or (timed_labels and index in timed)
                    or (following is not None and self._affiliation(following) is not None)
                )
            else:
                ok = (counts[label.key] >= 3 and (label.key in self.roster or label.key in announced)) or (
                    self._listed_surname(label.key) is not None
                )
            if ok:
                accepted_own.add(index)
                entry.kind, entry.label = "label", label
        inline_ok = [
            i for i, (label, _) in inline.items() if label.kind in ("operator", "unnamed") or confirmed(label)
        ]
        # "JANE DOE, Calder Partners: How is demand?" in a file whose other labels stand alone.
        if len(accepted_own) + len(inline_ok) >= 2:
            inline_ok += [
                i
                for i, (label, _) in inline.items()
                if i not in inline_ok and label.kind == "person" and label.rest and _full_name(label)
            ]
            inline_ok.sort()
        use_inline = len(inline_ok) >= 2 or (inline_ok and not accepted_own)
        if use_inline and len(inline_ok) >= 3:
            # The file speaks in "Name: text" lines: a caller heard once is a label too, when the
            # name has two words and what follows reads as speech, not a figure ("Gross Margin: 45%"),
            # or the label stands alone with its time stamp ("Jane Doe (05:40):", speech below).
            for index, (label, speech) in inline.items():
                if (
                    index not in inline_ok
                    and label.kind == "person"
                    and _full_name(label)
                    and (speech[:1].isalpha() or is_timed_label(self.entries[index].text))
                ):
                    inline_ok.append(index)
            inline_ok.sort()
        if use_inline:
            for index in inline_ok:
                label, speech = inline[index]
                one_word = label.kind == "person" and " " not in label.name and not _is_cjk_name(label.name)
                if one_word and counts[label.key] < 3 and self._listed_surname(label.key) is None:
                    continue
                entry = self.entries[index]
                entry.kind, entry.label, entry.speech = "inline", label, speech
        for index in sorted(accepted_own):
            entry = self.entries[index]
            if entry.kind == "label" and entry.label.rest and _DANGLING.search(entry.label.rest):
                following_index = self._next_text_index(index, kinds=("text", "label"))
                if following_index is not None and len(self.entries[following_index].text.split()) <= 6:
                    following = self.entries[following_index]
                    following.kind, following.label = "affiliation", None
                    entry.affiliation = following.text
        # "Jane Doe - Thank you, operator.": the label and the speech joined by a dash, in a file
        # that does it for confirmed names again and again.
        dashed: dict[int, tuple[Label, str]] = {}
        for index, entry in enumerate(self.entries):
            match = _DASH_INLINE.match(entry.text) if entry.kind == "text" else None
            if match and len(match["speech"].split()) >= 2:
                label = parse_label(match["label"].strip())
                if label is not None and (
                    label.kind == "operator" or (label.kind == "person" and not label.rest)
                ):
                    dashed[index] = _title_peeled(label, entry.text, match["speech"].strip())
        dash_counts = Counter(label.key for label, _ in dashed.values())
        dash_ok = [
            index
            for index, (label, _) in dashed.items()
            if label.kind == "operator" or confirmed(label) or dash_counts[label.key] >= 2
        ]
        if len(dash_ok) >= 3:
            for index in dash_ok:
                entry = self.entries[index]
                entry.kind, (entry.label, entry.speech) = "inline", dashed[index]
        # The line under a bare label is its affiliation ("Analyst, Calder Partners Q"), even when
        # it could be read as a label itself ("Morgan Stanley, Research Division"): a speaker
        # does not hand over before saying anything.
        # (Bilingual files double each label and put the translation under it, never an affiliation.)
        for index in sorted(accepted_own) if not self.bilingual else ():
            entry = self.entries[index]
            if entry.kind != "label" or entry.label.rest or entry.label.kind != "person":
                continue
            following_index = self._next_text_index(index, kinds=("text", "label"))
            if following_index is None:
                continue
            following = self.entries[following_index]
            if following.kind == "label" and (following.label.kind != "person" or not following.label.rest):
                continue
            found = self._affiliation(following)
            if found is None:
                continue
            following.kind, following.label = "affiliation", None
            entry.affiliation, entry.mark = found
            # A firm wrapped onto a second short line: "JPMorgan Chase & Co, Research" / "Division".
            after_index = self._next_text_index(following_index)
            if after_index is not None:
                after = self.entries[after_index]
                if (
                    (
                        len(after.text.split()) <= 3
                        and has_title_word(after.text)
                        and not ends_sentence(after.text)
                    )
                    and after.text[:1].isupper()
                    and parse_label(after.text) is None
                ):
                    after.kind = "affiliation"
                    entry.affiliation = f"{entry.affiliation} {after.text}"

    def _choose_run_on_labels(self) -> None:
        """Turns written as one line each with no delimiter: "Jane Doe Director of Investor Relations
        Thank you, John. ..." The names are the ones that open many lines."""
        heads: dict[int, tuple[str, ...]] = {}
        counts: Counter[str] = Counter()
        for index, entry in enumerate(self.entries):
            if entry.kind != "text":
                continue
            words = entry.text.split()
            if len(words) < 3:
                continue
            if OPERATOR.fullmatch(words[0]):
                heads[index] = ("Operator",)
                counts["Operator"] += 1
                continue
            options = tuple(
                " ".join(words[:length])
                for length in (2, 3)
                if len(words) > length
                and looks_like_name(" ".join(words[:length]))
                and all(word[:1].isupper() for word in words[:length])
            )
            if options:
                heads[index] = options
                counts.update(options)
        announced = self._announced_names()
        names: set[str] = set()
        for options in heads.values():
            for name in options:
                if counts[name] >= 2 or name_key(name) in announced:
                    names.add(name)
        people = {name for name in names if name != "Operator"}
        if len(people) < 2:
            return
        for index, options in heads.items():
            # The longest name that recurs as often as its shorter form: "Jane van Doe" over "Jane van".
            chosen = ""
            for name in options:
                if name in names and (not chosen or counts[name] >= counts[chosen]):
                    if chosen and name_key(chosen) in announced:
                        continue  # the operator said "Mina Sato", so "Mina Sato Calder" is no name
                    chosen = name
            if not chosen:
                continue
            entry = self.entries[index]
            words = entry.text.split()[len(chosen.split()) :]
            title_words: list[str] = []
            for position, word in enumerate(words):
                bare = word.strip(",;")
                connector = bare.casefold() in ("of", "and", "&", "the", "for") and position + 1 < len(words)
                if connector and words[position + 1][:1].isupper():
                    title_words.append(word)
                    continue
                if (
                    not bare[:1].isupper()
                    or bare.casefold() in _RUN_ON_SPEECH
                    or bare.endswith((".", "?", "!"))
                ):
                    break
                title_words.append(word)
            # A title ends on a word of titles or firms: "Chief Financial Officer Demand is..."
            while title_words and not has_title_word(title_words[-1]):
                title_words.pop()
            if len(title_words) == len(words) or chosen == "Operator":
                title_words = []  # the whole line is capitalised words: no speech to tell it apart
            speech = " ".join(words[len(title_words) :])
            title = " ".join(title_words).strip(" ,")
            if not speech:
                continue
            label_text = " ".join([chosen, title]).strip()
            kind = "operator" if chosen == "Operator" else "person"
            entry.kind = "inline"
            entry.label = Label(label_text, chosen, title, kind)
            entry.speech = speech

    def _next_text_index(self, index: int, kinds: tuple[str, ...] = ("text",)) -> int | None:
        for offset, entry in enumerate(self.entries[index + 1 : index + 6], start=index + 1):
            if entry.kind == "furniture":
                continue
            return offset if entry.kind in kinds else None
        return None

    def _doubled(self, index: int) -> bool:
        entries = self.entries
        return (index + 1 < len(entries) and entries[index + 1].text == entries[index].text) or (
            index > 0 and entries[index - 1].text == entries[index].text
        )

    def _announced_names(self) -> set[str]:
        names: set[str] = set()
        for entry in self.entries:
            if entry.kind != "text" or len(entry.text) > 5000:
                continue
            for match in _ANNOUNCED.finditer(entry.text):
                key = name_key(match["name"])
                names.add(key)
                names.add(_loose(key))
        return names

    # --- turns ----------------------------------------------------------------------------------------

    def _assemble(self) -> tuple[list[LabelledTurn], list[tuple[int, str]], dict[str, int]]:
        turns: list[LabelledTurn] = []
        header: list[tuple[int, str]] = []
        counts = Counter({"speech": 0, "speaker": 0, "header": 0, "ignored": 0})
        pending_qa = False
        page_break = False
        double_spaced = self._double_spaced()
        wrapped = self._hard_wrapped()
        previous: _Entry | None = None
        entries = self.entries
        index = 0
        while index < len(entries):
            entry = entries[index]
            index += 1
            if entry.kind in ("furniture", "heading", "roster"):
                counts["header"] += 1
                if entry.kind != "roster":  # who is on the call says nothing of the call itself
                    header.append((entry.line, entry.text))
                if (
                    entry.kind == "heading"
                    and heading_kind(entry.text) == "qa"
                    and not self._in_contents(index - 1)
                ):
                    pending_qa = True
                page_break = page_break or entry.kind == "furniture"
                continue
            if entry.kind == "affiliation":
                counts["speaker"] += 1
                continue
            if (
                self.bilingual
                and entry.kind == "inline"
                and entry.speech
                and is_cjk_line(entry.speech)
                and previous is not None
                and previous.kind == "inline"
                and turns
                and turns[-1].paragraphs
                and not turns[-1].paragraphs[-1].translation
            ):
                # "Jane Doe -- 首席執行官：謝謝。" under "Jane Doe -- CEO: Thanks.": the translation,
                # its label translated too; no new turn.
                turns[-1].paragraphs[-1].translation = entry.speech
                turns[-1].paragraphs[-1].translation_line = entry.line
                counts["speech"] += 1
                previous = None
                continue
            if entry.kind in ("label", "inline"):
                label = entry.label
                # A line is counted once: "Jane Doe: Thanks." is speech, "Jane Doe" alone a label.
                counts["speech" if entry.kind == "inline" and entry.speech else "speaker"] += 1
                if self.bilingual:
                    while index < len(entries) and entries[index].text == entry.text:
                        counts["speaker"] += 1
                        index += 1
                    # "Jane Doe - CEO" over "Jane Doe - 執行長", "Operator" over "營運商": the label and
                    # its translation.
                    while index < len(entries) and self._translated_label(entry, entries, index):
                        counts["speaker"] += 1
                        index += 1
                last = turns[-1] if turns else None
                same = last is not None and last.label == label.text
                # "Jane Doe: ..." on each of her paragraphs: one turn, as a label over them would be.
                run_on = same and entry.kind == "inline" and bool(entry.speech)
                if same and (not last.paragraphs or page_break) and entry.kind == "label":
                    # A label repeated after a page break, or twice with nothing between: one turn.
                    if entry.affiliation and not (last.title or last.firm):
                        last.firm, last.title = split_rest(f"{label.rest} {entry.affiliation}".strip())
                    if not last.paragraphs:
                        self._warn(
                            entry.line,
                            f"speaker line '{entry.text}' repeated with no text in between; merged",
                        )
                elif not run_on:
                    turns.append(self._turn(entry, after_qa_heading=pending_qa))
                    pending_qa = False
                page_break = False
                previous = None
                if entry.kind == "inline" and entry.speech:
                    # "Jane Doe: [00:00:02] Thanks." (Sonix): the time is not part of what was said.
                    speech = _TIMESTAMP.sub("", entry.speech) or entry.speech
                    turns[-1].paragraphs.append(Paragraph(speech, entry.line))
                    previous = entry
                continue
            # Speech.
            if not turns:
                if _HEADER_LINE.search(entry.text) or (entry.text.isupper() and len(entry.text) < 120):
                    counts["header"] += 1
                else:
                    counts["ignored"] += 1
                    self._warn(entry.line, "text before the first speaker line belongs to no turn; ignored")
                header.append((entry.line, entry.text))
                continue
            counts["speech"] += 1
            paragraphs = turns[-1].paragraphs
            if self.bilingual and is_cjk_line(entry.text):
                if paragraphs and not paragraphs[-1].translation:
                    paragraphs[-1].translation = entry.text
                    paragraphs[-1].translation_line = entry.line
                else:
                    self._warn(entry.line, "Chinese line with no English paragraph before it; ignored")
                previous = None
                continue
            broken_word = (
                bool(paragraphs) and _HYPHEN_WRAP.search(paragraphs[-1].text) and entry.text[:1].islower()
            )
            joins = (
                (wrapped or broken_word)
                and previous is not None
                and paragraphs
                and (double_spaced or not entry.gap_before or page_break)
                and not _WRAP_END.search(paragraphs[-1].text)
            )
            if joins and _HYPHEN_WRAP.search(paragraphs[-1].text) and entry.text[:1].islower():
                paragraphs[-1].text = f"{paragraphs[-1].text[:-1]}{entry.text}"  # "applica-" / "tion"
            elif joins:
                paragraphs[-1].text = f"{paragraphs[-1].text} {entry.text}"
            else:
                paragraphs.append(Paragraph(entry.text, entry.line))
            previous = entry
            page_break = False
        counts["read"] = len(entries)
        for turn in turns:
            if not turn.paragraphs:
                self._warn(turn.line, f"speaker line '{turn.label}' has no text after it")
            elif self.bilingual:
                for paragraph in turn.paragraphs:
                    if not paragraph.translation:
                        self._warn(paragraph.line, "paragraph has no Chinese translation after it")
        if self.bilingual:
            self.layout = "bilingual"
        elif self.bullets:
            self.layout = "bullets"
        elif sum(1 for e in entries if e.label is not None and e.label.kind == "role") * 2 >= len(turns):
            self.layout = "roles-only"
        elif any(e.kind == "inline" for e in entries):
            self.layout = "name-colon"
        elif any(e.kind == "affiliation" for e in entries):
            self.layout = "name-over-affiliation"
        else:
            self.layout = "lines"
        return turns, header, dict(counts)

    def _translated_label(self, label_entry: _Entry, entries: list[_Entry], index: int) -> bool:
        following = entries[index]
        if label_entry.kind != "label" or not is_cjk_line(following.text) or len(following.text) > 40:
            return False
        if following.kind == "label" and following.label is not None:
            return name_key(following.label.name) == name_key(label_entry.label.name)
        # The operator's title in Chinese, or the same name with a Chinese title ("Jane Doe - 執行長").
        if label_entry.label.kind == "operator":
            return bool(_OPERATOR_ZH.fullmatch(following.text.strip()))
        name = label_entry.label.name
        return bool(name) and following.text.startswith(name) and not ends_sentence(following.text)

    def _turn(self, entry: _Entry, *, after_qa_heading: bool) -> LabelledTurn:
        label = entry.label
        firm, title = split_rest(f"{label.rest} {entry.affiliation}".strip())
        role: Role | None = None
        if label.kind == "operator":
            name = "Operator"
        elif label.kind == "role":
            name, title, firm = label.name, label.name, ""
        elif (label.kind == "unnamed" and label.name.casefold().replace(" ", "") in self.legend) or (
            label.kind == "unnamed" and label.name.casefold().replace(" ", "") in self.legend
        ):
            known = self.legend[label.name.casefold().replace(" ", "")]
            name = "Operator" if known.kind == "operator" else known.name
            firm, title = split_rest(known.rest)
        elif label.kind == "side":
            # "Q"/"A", 問/答, 分析師: a side, not a person; the operator's announcement may name them.
            name = "Unidentified Analyst" if label.side == "analyst" else "Unidentified Executive"
        else:
            name = label.name
        if entry.mark:
            role = Role.ANALYST if entry.mark == "Q" else Role.EXECUTIVE
        elif label.side:
            role = Role(label.side)
        return LabelledTurn(
            label=label.text,
            name=name,
            line=entry.line,
            title=title,
            firm=firm,
            role=role,
            role_only=label.kind in ("role", "side") or not label.text,
            after_qa_heading=after_qa_heading,
        )

    def _resolve_affiliations(self, turns: list[LabelledTurn]) -> None:
        """Titles, firms and sides from the participant lists, for labels that give none."""
        names = {name_key(turn.name) for turn in turns}
        # "MR. LEE:" and "MS. LEE:" are two people: neither is matched by the surname alone.
        surnames = Counter(_surname_alone(name) for name in {turn.name for turn in turns})
        for text, side in self.roster_lines:
            # "Jane Doe Calder Partners - Analyst": a list that runs the name into the firm.
            words = text.split()
            for length in (2, 3, 4):
                name = " ".join(words[:length])
                key = name_key(name)
                if key in names and key not in self.roster and len(words) > length:
                    firm, title = split_rest(" ".join(words[length:]))
                    self._add_roster(name, title, firm, side)
        by_loose = {_loose(key): entry for key, entry in self.roster.items()}
        for turn in turns:
            if turn.name == "Operator":
                continue
            key = name_key(turn.name)
            entry = self.roster.get(key) or by_loose.get(_loose(key))
            if entry is None and key:
                # A label typed wrong ("Nigel Ashdwon" for the listed "Nigel Ashdown"): the list's
                # spelling, when exactly one listed name is that close and shares the first name.
                near = [
                    listed
                    for listed_key, listed in self.roster.items()
                    if listed_key.split()[:1] == key.split()[:1]
                    and difflib.SequenceMatcher(None, listed_key, key).ratio() >= 0.88
                ]
                if len(near) == 1:
                    entry = near[0]
                    turn.name = entry.name
            surname = _surname_alone(turn.name)
            if entry is None and surname and surnames[surname] == 1:
                # "MS. DOYLE:" or "Tanaka:" on the label, "Karen Doyle, Chief Executive Officer" and
                # "Hiroshi Tanaka, President" in the list.
                entry = self._listed_surname(surname)
                if entry is not None:
                    turn.name = entry.name
            if entry is None:
                if turn.label.isupper():  # "JANE DOE, ANALYST, CALDER PARTNERS:"
                    turn.title, turn.firm = display_title(turn.title), display_title(turn.firm)
                if turn.role is None and side_from_affiliation(turn.title, turn.firm):
                    turn.role = Role.ANALYST
                continue
            # "JANE DOE, CFO, ACME CORP:" in capitals, the list's "Jane Doe;Acme Corp;CFO" as written.
            if turn.title.isupper() and turn.title.casefold() == entry.title.casefold():
                turn.title = entry.title
            if turn.firm.isupper() and turn.firm.casefold() == entry.firm.casefold():
                turn.firm = entry.firm
            turn.title = turn.title or entry.title
            turn.firm = turn.firm or entry.firm
            if turn.label.isupper():
                turn.title, turn.firm = display_title(turn.title), display_title(turn.firm)
            if turn.role is None and entry.side:
                turn.role = Role(entry.side)
            if turn.role is None and side_from_affiliation(turn.title, turn.firm):
                turn.role = Role.ANALYST

    def _in_contents(self, index: int) -> bool:
        """A heading in a table of contents: another heading next to it, and no text between."""
        around = [e for e in self.entries[max(index - 1, 0) : index + 2] if e is not self.entries[index]]
        return any(e.kind == "heading" for e in around)

    def _double_spaced(self) -> bool:
        text_entries = [e for e in self.entries if e.kind == "text"]
        return (
            len(text_entries) > 20 and sum(e.gap_before for e in text_entries) * 10 >= len(text_entries) * 8
        )

    def _hard_wrapped(self) -> bool:
        """PDF text: lines broken mid-sentence, the next line going on in lower case."""
        text_entries = [e for e in self.entries if e.kind == "text"]
        breaks = sum(
            1
            for a, b in itertools.pairwise(text_entries)
            if not _WRAP_END.search(a.text) and b.text[:1].islower()
        )
        return breaks >= 2 and breaks * 25 >= len(text_entries)

    def _warn(self, line: int, message: str) -> None:
        self.warnings.append(ParseWarning(line, message))


def _surname_alone(name: str) -> str:
    """The key of a label that gives a surname only, with an honorific ("Ms. Doyle") or without
    ("Tanaka"); "" for a fuller name."""
    key = name_key(name)
    return honorific_surname(name) or (key if " " not in key else "")


def _loose(key: str) -> str:
    """First and last word of a name key: "michael brian nathanson" and "michael nathanson" agree."""
    words = key.split()
    return f"{words[0]} {words[-1]}" if len(words) >= 2 else key


_DASH_SEPARATOR = re.compile(r"\s+[-–—]{1,2}\s+")


def _title_peeled(label: Label, line: str, speech: str) -> tuple[Label, str]:
    """ "Jane Doe -- Chief Executive Officer -- Thank you.": a Motley Fool label line joined to its
    speech; what stands between the dashes is the label's title (and firm), not speech."""
    if label.kind != "person":
        return label, speech
    separators = list(itertools.islice(_DASH_SEPARATOR.finditer(speech), 2))
    for separator in reversed(separators):
        rest, said = speech[: separator.start()], speech[separator.end() :]
        if len(said.split()) < 2 or not (looks_like_rest(rest) and has_title_word(rest)):
            continue
        written = line[: len(line) - len(speech) + separator.start()]
        fuller = parse_label(clean_line(written))
        if fuller is not None and fuller.kind == "person" and fuller.rest and fuller.key == label.key:
            return fuller, said
    return label, speech


def _full_name(label: Label) -> bool:
    """A given name and a family name: two words, or a Chinese name (written without a space) with
    the title or firm a label adds ("王芳（首席財務官）"), since a short Chinese word before a colon
    may be a field ("備註：")."""
    return " " in label.name or (_is_cjk_name(label.name) and bool(label.rest))


def _is_cjk_name(name: str) -> bool:
    return bool(re.fullmatch(r"[\u3400-\u4dbf\u4e00-\u9fff·]{2,8}", name))


__all__ = [
    "TITLE_LINE",
    "heading_kind",
    "is_boilerplate",
    "is_cjk_line",
    "looks_like_name",
    "parse_speaker_line",
    "read_text",
]
