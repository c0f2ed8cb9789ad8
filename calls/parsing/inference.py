"""What the text says about the call: where the Q&A opens, who asks, who answers, names and firms.

Everything here works on turns already split by layouts.py, so it is the same for every layout.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .model import Exchange, Paragraph, ParseWarning, Role, Section, Transcript, Turn
from .names import FIRM, HONORIFIC, NAME, TITLE, name_key, strip_possessive, title_acronyms

# --- Operator announcements -------------------------------------------------------------------------

# "Our next question is from the line of Tal Liani with Banc of America", "comes from Rod Hall with
# JPMC", "The first question is from Eric Martinuzzi of Lake Street", "we'll go to Jane Doe at UBS".
_ANNOUNCED_FROM = re.compile(
    rf"(?:(?:\bfrom|\bline\s+of|\bgo(?:es)?\s+(?:over\s+|next\s+)?to|\bmove\s+(?:on\s+|next\s+|over\s+)?to|"
    rf"\btake|\bhear\s+from|\b(?:[Nn]ext|[Ff]irst|[Ff]inal|[Ll]ast)(?:\s+up)?\s+is|\b(?:caller|questioner)\s+is|"
    rf"\b[Ww]e\s+(?:now\s+)?have)\s+"
    # "First, Sofia Marin of Eastbay Capital."
    rf"|\b(?:Next|First|Finally|Lastly),\s+"
    # "vient de/d'Élodie Roy, de Calder", "viene de Ana Ruiz, de Calder", "vem do Sr. Rui Sá, do Calder"
    rf"|\bvient\s+d(?:e\s+|['’]\s*)|\bviene\s+de\s+|\bvem\s+d[oae]\s+|\bde\s+parte\s+de\s+|\bkommt\s+von\s+)"
    rf"(?:the\s+line\s+of\s+|the\s+(?=[A-Z])|(?:Sr|Sra|Srta|Mme|Herr|Frau)\.?\s+)?"
    rf"{HONORIFIC}?(?P<name>{NAME})(?:,?\s+(?:with|of|from|at|representing|de|del|da|do|du|chez|von|bei)\s+(?P<firm>{FIRM})"
    # "is from Aisha Brown, Lakeview Capital.": a firm after a comma only where the sentence ends.
    rf"|,\s+(?P<firm_after_comma>{FIRM})(?=\s*[.;]|\s*$))?"
)
_WE_HAVE = re.compile(r"[Ww]e\s+(?:now\s+)?have\b")
# Words that open a sentence, never a caller's name.
_NOT_A_NAME_START = frozenset(
    ["from", "and", "next", "now", "our", "the", "this", "that", "it", "we", "with", "thank", "okay"]
)
# The caller named first, then given the line: "Sam Lee from Calder, your line is open.", "Sam Lee,
# Calder Partners. Please go ahead.", "Sam Lee with Calder has the next question."
_ANNOUNCED_NAME_FIRST = re.compile(
    rf"(?:^|(?<=[.!?]\s))(?:\(?[Oo]perator\s+[Ii]nstructions?\)?\s*)?(?:(?:From|And|Next|Now)\s+)?{HONORIFIC}?"
    rf"(?P<name>{NAME})"
    rf"(?:,?\s+(?:with|of|from|at|representing)\s+(?P<firm>{FIRM})|,\s+(?P<firm_after_comma>{FIRM}))"
    r"(?:\s*[,.;]\s*(?i:your\s+line\s+is\s+(?:now\s+)?(?:open|live)|please\s+(?:go\s+ahead|proceed)|"
    r"you(?:'re|’re|\s+are)\s+(?:live|on\s+the\s+line))"
    r"|\s+(?i:has|have)\s+(?i:the|a|our|your)\s+(?i:next\s+|first\s+|final\s+|last\s+)?question)"
)
_NOT_ON_THE_LINE = re.compile(
    r"\bmuted\b|not\s+(?:on\s+the\s+line|there)|withdrawn|no\s+response|\bmove\s+on\b|\bdropped\b|"
    r"lost\s+(?:the\s+)?(?:line|connection)",
    re.IGNORECASE,
)
_TRANSCRIBER_MARK = re.compile(r"\s*[\[(](?:ph|indiscernible|inaudible)[\])]", re.IGNORECASE)
# A paragraph that is just "Peter Misek, Jefferies." (optionally after "(Operator Instructions)").
_ANNOUNCED_BARE = re.compile(rf"(?P<name>{NAME}),\s+(?P<firm>{FIRM})\.?")
_OPERATOR_INSTRUCTIONS = re.compile(r"^\s*[(\[]\s*operator\s+instructions?\s*[)\]]\.?\s*", re.IGNORECASE)
_SIC = re.compile(r"\s*\(sic\)\s*\[(?P<fix>[^\]]+)\]")
_QA_CUE = re.compile(
    r"question-and-answer|question\s+and\s+answer|\bq\s*&\s*a\b|\bfirst question|\bnext question|"
    r"open\s+(?:the\s+(?:call|line|lines|floor)\s+|it\s+)?(?:up\s+)?(?:for|to)\s+questions|"
    r"\b(?:take|taking|begin|start|answer)\s+(?:your\s+|some\s+|any\s+|the\s+)?questions\b|operator\s+(?:instructions?|direction)|questions?[\s-]+r[ée]ponses?|preguntas\s+y\s+respuestas|perguntas\s+e\s+respostas|fragerunde|開放提問|开放提问|問答環節|问答环节|第一位提問|第一位提问",
    re.IGNORECASE,
)
# "第一位提問者是來自遠見證券的李大華", "下一位提問的是元大證券的李俊傑", "接下來請凱基證券的張雅婷提問":
# (來自 | 是 | 請) firm 的 name, in a sentence about a question.
_ANNOUNCED_ZH = re.compile(
    r"(?:(?:是|請|请|由)\s*(?:來自|来自)?|來自|来自)\s*(?P<firm>[^，。,、\s的]{2,20}?)\s*的\s*(?P<name>[\u4e00-\u9fff·]{2,4}?)"
    r"(?=[，。,：:\s提發发]|$)"
)
_QUESTION_ZH = re.compile(r"提問|提问|發問|发问|問題|问题|第一位|下一位")
_NO_MORE_QUESTIONS = re.compile(
    r"no\s+(?:further|more|other)\s+questions|concludes?\s+(?:the|our|today's)\s+(?:question|q\s*&\s*a)|"
    r"(?:was|is)\s+(?:our|the)\s+(?:final|last)\s+question|end\s+of\s+(?:the|our)\s+(?:question|q\s*&\s*a)|"
    r"(?:turn|hand)\s+(?:the\s+)?(?:call|conference|floor)\s+back",
    re.IGNORECASE,
)
# Titles of the company's own people: someone so titled who asks "?" is answering rhetorically.
_COMPANY_TITLE = re.compile(
    r"\b(?:chief|ceo|cfo|coo|cto|president|chair(?:man|woman)?|director|officer|head|treasurer|"
    r"controller|vp|evp|svp|vice\s+president|investor\s+relations|ir)\b",
    re.IGNORECASE,
)
_ANALYST_TITLE = re.compile(r"\banalyst\b", re.IGNORECASE)


@dataclass(frozen=True)
class Announcement:
    name: str  # "" when the operator opened a slot without naming anyone
    firm: str


# A caller who names themselves, where the label does not ("Participant 1: Kenji Mori from Hoshino
# Securities. What is...", "Analyst: Hi, this is Jane Doe with Calder."): a firm, or a "this is".
_SELF_INTRODUCED = re.compile(
    r"^(?:(?i:hi|hello|hey|yes|yeah|okay|thank\s+you|thanks|good\s+(?:morning|afternoon|evening|day))"
    r"(?:\s+(?i:everyone|all|very\s+much|for\s+taking\s+my\s+questions?))?[,.!]?\s+)*"
    r"(?:(?P<cue>(?i:this\s+is|it['’]s|i['’]m|i\s+am|my\s+name\s+is))\s+)?"
    rf"(?P<name>{NAME})(?:\s+(?:from|with|of|at)\s+(?P<firm>{FIRM})|,\s+(?P<firm2>{FIRM}))?\s*[.,;]"
)


def self_introduction(turn: Turn) -> Announcement | None:
    """The name (and firm) a speaker gives for themselves at the start of their turn, or None."""
    found = _SELF_INTRODUCED.match(turn.paragraphs[0].text if turn.paragraphs else "")
    if found is None or len(found["name"].split()) < 2:
        return None
    firm = found["firm"] or found["firm2"] or ""
    if _COMPANY_TITLE.search(firm) or not (firm or found["cue"]):
        return None  # "Jane Doe, CFO." is someone from the company; a bare name is no introduction
    return Announcement(found["name"], firm)


def turn_text(turn: Turn) -> str:
    return " ".join(p.text for p in turn.paragraphs)


def parse_announcement(turn: Turn) -> Announcement | None:
    """The questioner the operator announces in this turn, or None when it announces nobody."""
    return _announcement(tuple(paragraph.text for paragraph in turn.paragraphs))


@functools.lru_cache(maxsize=4096)
def _announcement(paragraphs: tuple[str, ...]) -> Announcement | None:
    # Cached: the Q&A start and the slots both ask about the same operator turns.
    turn = Turn("", "", "", Role.UNKNOWN, Section.QA, 0, [Paragraph(text, 0) for text in paragraphs])
    for paragraph in turn.paragraphs:
        bare = _ANNOUNCED_BARE.fullmatch(_OPERATOR_INSTRUCTIONS.sub("", paragraph.text).strip())
        if bare and len(bare["name"].split()) >= 2:
            return Announcement(bare["name"], _firm(bare, paragraph.text))
    # "Timothy [ph] from UBS": the transcriber's marks are not part of the name.
    text = _TRANSCRIBER_MARK.sub("", turn_text(turn))
    first = _ANNOUNCED_NAME_FIRST.search(text)
    if (
        first
        and len(first["name"].split()) >= 2
        and first["name"].split()[0].casefold() not in _NOT_A_NAME_START
    ):
        return Announcement(first["name"], _firm(first, text))
    found = [
        Announcement(match["name"], _firm(match, text))
        for match in _ANNOUNCED_FROM.finditer(text)
        if (len(match["name"].split()) >= 2 or match["firm"] or match["firm_after_comma"])
        # "We now have Mr. Craig Lampo on the line" brings back an executive: "we have" announces a
        # caller only with the caller's firm.
        and (match["firm"] or match["firm_after_comma"] or not _WE_HAVE.match(match.group()))
    ]
    if found:
        # "Jane Doe, your line may be muted ... we'll move on to John Roe": the last one comes on.
        return found[-1] if len(found) > 1 and _NOT_ON_THE_LINE.search(text) else found[0]
    chinese = _ANNOUNCED_ZH.search(text) if _QUESTION_ZH.search(text) else None
    if chinese:
        return Announcement(chinese["name"], chinese["firm"])
    if _QA_CUE.search(text) and not _NO_MORE_QUESTIONS.search(text):
        return Announcement("", "")
    return None


_FIRM_GOES_ON = re.compile(r"(?:,\s+[A-Z][\w'’\-]*)+\s+(?:&|and)\s+[A-Z][\w'’\-]*(?=\s*[.;]|\s*$)")


def _firm(match: re.Match[str], text: str) -> str:
    given = {name: value for name, value in match.groupdict().items() if value}
    group = next((name for name in ("firm", "firm_after_comma") if name in given), "")
    firm = given.get(group, "")
    if firm:
        # Read on from where the firm the announcement gave ends (whichever group gave it).
        end = match.end(group)
        # "Outbridge (sic) [Outerbridge]": the transcriber's correction wins.
        sic = _SIC.match(text, end)
        if sic:
            firm = sic["fix"].strip()
        else:
            # "Keefe, Bruyette & Woods.": a firm whose name holds commas runs on to the sentence's end.
            more = _FIRM_GOES_ON.match(text, end)
            if more:
                firm += more.group()
    return firm


# --- Sections ---------------------------------------------------------------------------------------


def find_qa_start(
    turns: list[Turn], heading_index: int | None, hints: list[Role | None] | None = None
) -> int:
    """Index of the first Q&A turn (len(turns) if none).

    The first operator turn after someone else has spoken that announces a questioner or the Q&A
    (the welcome usually mentions the Q&A too, hence "after someone else has spoken"); a "Questions
    and Answers" heading wins unless an operator announced a named questioner before it (some files
    head only a later part, such as a media Q&A). Failing both, the first turn of a questioner the
    file marks (a participant listed as an analyst, a "Q" mark, a title that says Analyst).
    """
    hints = hints or [None] * len(turns)
    someone_spoke = False
    cue_index: int | None = None
    named_index: int | None = None
    spoken: set[str] = set()
    for index, turn in enumerate(turns):
        if turn.name != "Operator":
            someone_spoke = True
            # A host who hands over to the questions at the end of a turn, once management has
            # spoken: "(Operator Direction.)", "we will now open the line for questions".
            if cue_index is None and len(spoken) >= 2 and turn.paragraphs:
                last = turn.paragraphs[-1].text
                if _QA_CUE.search(last) and not _NO_MORE_QUESTIONS.search(last):
                    cue_index = index + 1
            spoken.add(name_key(turn.name))
        elif someone_spoke:
            announcement = parse_announcement(turn)
            if announcement is not None:
                cue_index = index if cue_index is None else cue_index
                if announcement.name:
                    named_index = index
                    break
    if heading_index is not None:
        return min(heading_index, named_index) if named_index is not None else heading_index
    asker = next(
        (
            index
            for index, turn in enumerate(turns)
            if hints[index] == Role.ANALYST or _ANALYST_TITLE.search(turn.title)
        ),
        None,
    )
    if cue_index is not None:
        # A file that opens straight on a caller's question (no prepared remarks at all).
        if asker is not None and asker < cue_index and "?" in turn_text(turns[asker]):
            return asker
        return cue_index
    return asker if asker is not None else len(turns)


# --- Exchanges and roles ----------------------------------------------------------------------------


# A host's paragraph this short that names the next caller is the handover alone ("Thanks, Bob. Our
# next question comes from Jane Doe with Calder. Jane, go ahead."); a longer one holds an answer too.
_HANDOVER_LENGTH = 200


def assign_exchanges_and_roles(
    transcript: Transcript, qa_start: int, role_only: list[bool], hints: list[Role | None] | None = None
) -> None:
    """Set sections, exchanges, roles and analysts' names/firms on the transcript's turns.

    Roles follow behaviour: who asks after an announcement is an analyst, whatever the title says;
    what the file states (participant lists, Q/A marks, role columns) decides the rest and lets a
    file without an operator be read. Exchange.first_turn is the questioner's first turn, NOT the
    operator's announcement; an exchange runs to the last turn before the next slot opens.
    """
    turns = transcript.turns
    hints = hints or [None] * len(turns)
    identity = [_identity(turn, only) for turn, only in zip(turns, role_only, strict=True)]
    prepared = {identity[i] for i in range(qa_start) if turns[i].name != "Operator"}
    for index, turn in enumerate(turns):
        turn.section = Section.PREPARED if index < qa_start else Section.QA
    stated = _stated_sides(turns, identity, hints)
    operator_in_qa = any(turn.name == "Operator" for turn in turns[qa_start:])

    def company_side(index: int) -> bool:
        return identity[index] in prepared or stated.get(identity[index]) == Role.EXECUTIVE

    def asks(index: int) -> bool:
        side = stated.get(identity[index])
        if side == Role.ANALYST or (_ANALYST_TITLE.search(turns[index].title) and not company_side(index)):
            return True
        # No operator and nothing stated: a newcomer who asks a question opens a slot.
        return (
            not operator_in_qa
            and side is None
            and not company_side(index)
            and not _COMPANY_TITLE.search(turns[index].title)
            and "?" in turn_text(turns[index])
        )

    questioner_turns: set[int] = set()
    pending: Announcement | None = None
    current: Exchange | None = None
    current_identity = ""
    for index in range(qa_start, len(turns)):
        turn = turns[index]
        if turn.name == "Operator":
            current, pending = None, parse_announcement(turn)
            continue
        opened = False
        if role_only[index] and (pending is None or not pending.name) and not company_side(index):
            # A label that names nobody ("Participant 2", "Questioner"): the caller may name themselves.
            pending = self_introduction(turn) or pending
        if pending is not None:
            # Someone from the company right after an announcement is management adding something,
            # or the announced caller never came on the line: no slot.
            named_here = bool(pending.name) and _loosely_same(pending.name, turn.name)
            # Named by the operator and asking: a questioner, even one who spoke before (the broker
            # who hosts a call welcomes everyone, then asks the last question).
            asking = named_here and ("?" in turn_text(turn) or identity[index] not in prepared)
            if not company_side(index) or asking:
                current = _open_exchange(transcript, pending, turn, index, role_only[index])
                current_identity, opened = identity[index], True
            pending = None
        elif asks(index) and (
            identity[index] != current_identity
            # "Q:" after an answer, no operator on the line: a label that names nobody cannot say
            # it is the same caller again, and each question gets its own slot.
            or (role_only[index] and not operator_in_qa and index > 0 and company_side(index - 1))
        ):
            current = _open_exchange(transcript, Announcement("", ""), turn, index, role_only[index])
            current_identity, opened = identity[index], True
        previous_last = current.last_turn if current is not None else None
        if current is not None:
            current.last_turn = index
            turn.exchange = len(transcript.exchanges) - 1
            if identity[index] == current_identity:
                questioner_turns.add(index)
                turn.firm = turn.firm or current.firm
                # The label's own firm when the announcement gave none or only its start
                # ("Keefe" announced, "KEEFE, BRUYETTE & WOODS" on the label).
                if opened and (not current.firm or turn.firm.casefold().startswith(current.firm.casefold())):
                    current.firm = turn.firm
                if role_only[index] and current.questioner:
                    turn.name = current.questioner
        last = turn.paragraphs[-1].text if turn.paragraphs else ""
        if not opened and company_side(index) and len(last) < 600 and "question" in last.casefold():
            # A host who moderates: "our next question comes from Jane Doe with Calder".
            announcement = _announcement((last,))
            if (
                announcement is not None
                and len(announcement.name.split()) >= 2
                and name_key(announcement.name) != name_key(turn.name)
            ):
                pending = announcement
                handover_only = len(turn.paragraphs) == 1 and len(last) < _HANDOVER_LENGTH
                if current is not None and previous_last is not None and handover_only:
                    # A turn that only hands over to the next caller belongs to neither exchange,
                    # as an operator's would not: the permalink ends on the answer.
                    current.last_turn, turn.exchange = previous_last, None
                    current = None

    analysts = {identity[i] for i in questioner_turns}
    for index, turn in enumerate(turns):
        if turn.name == "Operator":
            turn.role = Role.OPERATOR
        elif identity[index] in analysts:
            turn.role = Role.ANALYST
        elif identity[index] in prepared:
            turn.role = Role.EXECUTIVE
        elif stated.get(identity[index]) is not None:
            turn.role = stated[identity[index]]
        elif _ANALYST_TITLE.search(turn.title):
            turn.role = Role.ANALYST
        else:
            turn.role = Role.EXECUTIVE


def _stated_sides(turns: list[Turn], identity: list[str], hints: list[Role | None]) -> dict[str, Role]:
    """Side each person is given by the file (lists, marks, columns); a person stated both ways is
    left to behaviour."""
    sides: dict[str, set[Role]] = {}
    for index, hint in enumerate(hints):
        if hint in (Role.ANALYST, Role.EXECUTIVE) and turns[index].name != "Operator":
            sides.setdefault(identity[index], set()).add(hint)
    return {key: next(iter(found)) for key, found in sides.items() if len(found) == 1}


def _identity(turn: Turn, role_only: bool) -> str:
    # Role-only lines: "- Analyst" and "- analyst" are the same line, whoever speaks.
    return ("role:" if role_only else "name:") + name_key(turn.name)


def _open_exchange(
    transcript: Transcript, announcement: Announcement, turn: Turn, index: int, role_only: bool
) -> Exchange:
    announced = announcement.name
    if role_only:
        questioner, introduced_as = announced, ""
    else:
        questioner = turn.name
        introduced_as = announced if announced and not _same_person(announced, questioner) else ""
    exchange = Exchange(questioner, introduced_as, announcement.firm, index, index)
    transcript.exchanges.append(exchange)
    if role_only and not announced:
        transcript.warnings.append(
            ParseWarning(
                turn.line, f"could not recover the name for '{turn.speaker_line}': the operator named nobody"
            )
        )
    return exchange


def _same_person(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


def _loosely_same(announced: str, label: str) -> bool:
    """ "Lauren Lieberman" announced, "Lauren Rae Lieberman" speaks; "Jeffrey"/"Jeff" Sprague."""
    a, b = name_key(announced).split(), name_key(label).split()
    if not a or not b or a[-1] != b[-1]:
        return False
    return a[0] == b[0] or a[0].startswith(b[0]) or b[0].startswith(a[0])


# --- Names behind role-only speaker lines -------------------------------------------------------------

_SENTENCE_END = re.compile(
    r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bMrs\.)(?<!\b[A-Z]\.)(?<=[.!?])\s+(?=[A-Z(])"
)
_INTRO_CUE = re.compile(
    r"\bintroduce\b|\bhost\b|\bhere\s+(?:today|with\s+me)\b|\bwith\s+me\b|\bjoining\s+(?:me|us|today)\b|"
    r"\bjoined\s+by\b|\bpresenting\s+(?:today|are|is|with)\b|\bon\s+the\s+call\s+(?:today\s+)?(?:are|is|with)\b|"
    r"\bturn\s+(?:the\s+)?(?:call|conference|floor|it)\s+over\s+to\b|"
    r"\b(?:hand|pass)\s+(?:the\s+(?:call|conference|floor)\s+|it\s+)?(?:over\s+)?to\b",
    re.IGNORECASE,
)
# Titles people say in lower case as often as not ("our chief financial officer, Lucy Tran"): only
# these known ones, so that "our customer, John Deere" is never read as a title.
_ONE_SPOKEN_TITLE = (
    r"(?:(?:senior|executive|group)\s+)?vice\s+president(?:\s+(?:of|for)\s+investor\s+relations)?|"
    r"chief\s+(?:\w+\s+){1,2}officer|chief\s+executive|president|"
    r"(?:head|director|manager)\s+of\s+investor\s+relations|"
    r"investor\s+relations\s+(?:director|manager|officer)|treasurer|controller|general\s+counsel|"
    r"chair(?:man|woman|person)?|ceo|cfo|coo|cto"
)
# "Chairman and CEO", "President and Chief Operating Officer".
# "President of Agilent's Life Science Group" is not the company's President: a title that goes on is
# left to the labels.
_SPOKEN_TITLE = (
    rf"(?i:(?:{_ONE_SPOKEN_TITLE})(?:\s+(?:and|&)\s+(?:{_ONE_SPOKEN_TITLE}))*)"
    r"(?![\w-]|\s+(?:of|for|at|in)\b)"
)

_NAME_THEN_TITLE = re.compile(
    rf"{HONORIFIC}?(?P<name>{NAME}),\s+(?:(?:our|the|your|its)\s+)?(?P<title>{TITLE})"
)
_TITLE_THEN_NAME = re.compile(rf"\b(?:our|the|its)\s+(?P<title>{TITLE}),\s+{HONORIFIC}?(?P<name>{NAME})")
# Without an introduction's cue: the title itself says the person is the company's.
_SPOKEN_TITLE_THEN_NAME = re.compile(
    rf"\b(?i:our|the|its|my)\s+(?P<title>{_SPOKEN_TITLE}),\s+{HONORIFIC}?(?P<name>{NAME})"
)
_NAME_THEN_SPOKEN_TITLE = re.compile(
    rf"{HONORIFIC}?(?P<name>{NAME}),\s+(?:(?i:our|the|its)\s+)?(?P<title>{_SPOKEN_TITLE})"
)


def introduced_people(texts: list[str]) -> list[tuple[str, str]]:
    """(name, title) pairs from introductions: "Here today are Kevin Johnson, Chief Executive Officer,
    and Robyn Denholm, Chief Financial Officer"; "introduce your host, Ms. Kathleen Bela, Vice President
    of Investor Relations"; "our Chief Financial Officer, Nachum Falek"."""
    people: list[tuple[str, str]] = []
    for text in texts:
        for sentence in _SENTENCE_END.split(text):
            regexes = [_SPOKEN_TITLE_THEN_NAME, _NAME_THEN_SPOKEN_TITLE]
            if _INTRO_CUE.search(sentence):
                regexes = [_NAME_THEN_TITLE, _TITLE_THEN_NAME, *regexes]
            for regex in regexes:
                found = regex.finditer(sentence)
                people.extend((m["name"], _spoken_title(m["title"])) for m in found if " " in m["name"])
    return people


# "I would like to turn the conference over to Karen Doyle", "welcome Luis Ortega": who is handed
# the floor, by full name.
_HANDED_THE_FLOOR = re.compile(
    r"(?:\bover\s+to|\b(?:hand|pass|turn)(?:\s+(?:it|things|the\s+(?:call|conference|floor|line|meeting)))?"
    r"(?:\s+(?:over|back))?\s+to|\bintroduce|\bwelcome|\bjoined\s+by|\bwith\s+me\s+(?:today\s+)?(?:is|are)?)"
    rf"\s+(?:(?:our|my)\s+[^,]{{2,60}},\s+)?{HONORIFIC}?(?P<name>{NAME})"
)


def handed_the_floor(turn: Turn) -> str:
    """The full name a turn ends by handing the floor to ("... over to Jane Doe, our CEO."), or ""."""
    last = turn.paragraphs[-1].text if turn.paragraphs else ""
    names = [match["name"] for match in _HANDED_THE_FLOOR.finditer(last[-300:])]
    return names[-1] if names and len(names[-1].split()) >= 2 else ""


def people_named_in_speech(turns: list[Turn]) -> list[str]:
    """Full names the call itself gives: the callers the operator announces, the people handed the
    floor or introduced. What a label that gives only a surname ("MS. DOYLE:") can be matched to."""
    names: list[str] = []
    texts = [turn_text(turn) for turn in turns]
    for turn, text in zip(turns, texts, strict=True):
        if turn.name == "Operator":
            announcement = parse_announcement(turn)
            if announcement is not None and announcement.name:
                names.append(announcement.name)
        names.extend(match["name"] for match in _HANDED_THE_FLOOR.finditer(text))
    names.extend(name for name, _title in introduced_people(texts))
    return [name for name in names if len(name.split()) >= 2]


def _spoken_title(title: str) -> str:
    """ "chief financial officer" -> "Chief Financial Officer"; a title written with capitals stays."""
    if not title.islower():
        return title
    return " ".join(word if word in ("of", "and", "for") else word.capitalize() for word in title.split())


def name_role_only_executives(transcript: Transcript, qa_start: int, role_only: list[bool]) -> None:
    """Give role-only executive turns ("- CEO") the names the introductions pair with that title."""
    turns = transcript.turns
    texts = [turn_text(turn) for turn in turns[: max(qa_start, 1)]]
    people = introduced_people(texts)
    by_title: dict[str, str] = {}
    unresolved: dict[str, list[int]] = {}
    for index, turn in enumerate(turns):
        if not role_only[index] or turn.role != Role.EXECUTIVE:
            if role_only[index] and turn.role == Role.ANALYST and turn.exchange is None:
                transcript.warnings.append(
                    ParseWarning(
                        turn.line,
                        f"could not recover the name for '{turn.speaker_line}': outside any Q&A slot",
                    )
                )
            continue
        if not turn.title:
            continue  # "答" names no title to look for in the introductions
        key = turn.title.casefold()
        if key not in by_title:
            by_title[key] = _match_title(turn.title, people)
        if by_title[key]:
            turn.name = by_title[key]
        else:
            unresolved.setdefault(turn.title, []).append(turn.line)
    for title, lines in unresolved.items():
        transcript.warnings.append(
            ParseWarning(
                lines[0],
                f"could not recover the name behind '- {title}' ({len(lines)} turns): "
                "no introduction pairs a name with that title",
            )
        )


def _match_title(role: str, people: list[tuple[str, str]]) -> str:
    for name, title in people:
        if title.casefold() == role.casefold():
            return name
    wanted = title_acronyms(role)
    for name, title in people:
        if wanted & title_acronyms(title):
            return name
    return ""


# --- Company and fiscal period ----------------------------------------------------------------------

_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
_YEAR = r"(?:19|20)\d{2}"
_PERIODS = [
    re.compile(
        # "first quarter 2013", "first quarter year 2013", "Fourth Quarter and Fiscal Year 2021",
        # "Fourth Quarter and Year-end 2020", "third-quarter fiscal-year 2021", "second quarter of 2021"
        rf"\b(?P<ord>{_ORD})[\s-]+(?:fiscal[\s-]+)?quarter[\s,]+(?:(?:of|and)\s+(?:the\s+)?(?:full[\s-]+)?)?"
        rf"(?:fiscal[\s-]+)?(?:year(?:[\s-]+end)?[\s-]+)?(?:FY\s*)?(?P<year>{_YEAR})\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:fiscal\s+)?(?P<year>{_YEAR})\s+(?P<ord>{_ORD})[\s-]+(?:fiscal\s+)?quarter\b", re.IGNORECASE
    ),
    re.compile(rf"\bQ(?P<q>[1-4])\s+(?:fiscal\s+)?(?:FY\s*)?(?P<year>{_YEAR})\b"),
    re.compile(rf"\b(?:fiscal\s+|FY\s*)?(?P<year>{_YEAR})\s+Q(?P<q>[1-4])\b"),
]
_COMPANY_WORD = r"[A-Z][\w&.'’\-]*"
_COMPANY_BEFORE_PERIOD = re.compile(
    rf"(?i:welcome\s+(?:everyone\s+|you\s+)?to)\s+(?:the\s+|The\s+)?(?P<company>{_COMPANY_WORD}(?:\s+{_COMPANY_WORD}){{0,5}}?)"
    rf"(?:['’]s)?\s+(?i:(?:fiscal\s+)?(?:{_YEAR}\s+)?{_ORD}\b|Q[1-4]\b|fiscal\b|{_YEAR}\b)"
)
_COMPANY_AFTER_CALL = re.compile(
    r"(?i:conference\s+call|call|results|discussion|teleconference)\s+(?i:of|for)\s+(?:the\s+)?(?P<company>[A-Z][\w&'’\-]*(?:\s+[A-Z][\w&'’\-]*){0,5})"
)


def find_period(texts: list[str]) -> tuple[int | None, int | None]:
    for text in texts:
        best: tuple[int, int, int] | None = None  # (position, year, quarter): earliest mention wins
        for regex in _PERIODS:
            match = regex.search(text)
            if match and (best is None or match.start() < best[0]):
                quarter = int(match["q"]) if "q" in regex.groupindex else _ORDINAL[match["ord"].casefold()]
                best = (match.start(), int(match["year"]), quarter)
        if best:
            return best[1], best[2]
    return None, None


# The operator's or host's welcome: "welcome to the Q3 AMETEK earnings call", "Welcome to Aon plc's
# Third Quarter", "thank you for joining Packaging Corporation of America's Third Quarter ...".
_WELCOME_CUE = re.compile(
    r"\b(?:welcome(?:\s+(?:everyone|you|all))?(?:\s+to)?|(?:joining|attending)(?:\s+us)?(?:\s+today)?"
    r"(?:\s+(?:for|to\s+discuss))?|standing\s+by\s+for)\s+",
    re.IGNORECASE,
)
_DETERMINERS = frozenset(
    {"the", "these", "today's", "todays", "this", "morning's", "afternoon's", "evening's", "your", "our"}
)
# Words that end the company's name: the period, and what kind of call it is.
_PERIOD_WORD = re.compile(
    rf"(?:q[1-4]|[1-4]q|{_YEAR}|\d{{2}}|fy\d*|{_ORD}(?:-quarter)?|quarter|fiscal|full|full-year|year|nine|six|month|"
    rf"year-end|and|of)$",
    re.IGNORECASE,
)
_PERIOD_ANCHOR = re.compile(
    rf"(?:q[1-4]|[1-4]q|{_YEAR}|fy\d*|{_ORD}-quarter|quarter|fiscal|full-year|year|month|year-end)$",
    re.IGNORECASE,
)
_CALL_WORDS = frozenset(
    {
        *("earnings", "earning", "conference", "call", "results", "quarterly", "annual", "webcast"),
        *("teleconference", "investor", "business", "merger", "hosted", "financial", "report", "reports"),
        *("announces", "discussion", "update"),
    }
)
_CONNECTORS = frozenset({"&", "and", "of", "de"})
_LOWER_SUFFIXES = frozenset({"plc", "inc", "inc.", "ltd", "ltd.", "s.a.", "n.v."})
_LEGAL_WORD = re.compile(
    r"(?:Inc|Incorporated|Corp|Corporation|Co|Company|Ltd|Limited|plc|PLC|LLC|L\.?P|N\.?V|S\.?A|AG|SE)\.?"
    r"(?:['’]s)?,?$"
)
_MAX_COMPANY_WORDS = 8


def _bare(word: str) -> str:
    return word.strip('.,;:()[]"“”')


def _is_period_or_call_word(word: str) -> bool:
    bare = _bare(word).casefold()
    return bool(_PERIOD_WORD.match(bare)) or bare in _CALL_WORDS


def _company_after_welcome(rest: str) -> str:
    """The company's name at the start of `rest` (the text after a welcome cue), or ""."""
    words = rest.split(maxsplit=_MAX_COMPANY_WORDS + 8)[: _MAX_COMPANY_WORDS + 8]
    i = 0
    while i < len(words) and words[i].casefold() in _DETERMINERS:
        i += 1
    # "the Q3 2020 Choice Hotels ...", "the Third Quarter Cabot Earnings Call" (but "First Horizon")
    if _period_run_end(words, i) > i:
        i = _period_run_end(words, i)
    while i < len(words) and words[i].casefold() in _DETERMINERS:
        i += 1
    name: list[str] = []
    while i < len(words) and len(name) < _MAX_COMPANY_WORDS:
        word = words[i]
        if _bare(word).casefold() in _CALL_WORDS or _period_run_end(words, i) > i:
            break  # "Second Quarter", "2021", "Earnings"...
        possessive = re.search(r"['’]s?$", word.rstrip(".,"))
        if possessive and word[0].isalnum():
            name.append(re.sub(r"['’]s?$", "", word.rstrip(".,")))
            return " ".join(name)
        lower = word.casefold()
        connects = lower in _CONNECTORS and i + 1 < len(words) and words[i + 1][0].isupper()
        if not (word[0].isupper() or word[0].isdigit() or (name and (lower in _LOWER_SUFFIXES or connects))):
            break
        name.append(word)
        i += 1
        if word.endswith(",") and not (i < len(words) and _LEGAL_WORD.match(words[i])):
            break  # "ManpowerGroup, Fourth Quarter"
        if word.endswith(".") and not _LEGAL_WORD.match(word) and not re.fullmatch(r"(?:[A-Z]\.)+", word):
            return ""  # the sentence ended before saying what the call is
    if not name or i >= len(words) or not _is_period_or_call_word(words[i]):
        return ""
    return " ".join(name).rstrip(",")


def _period_run_end(words: list[str], start: int) -> int:
    """End of the period phrase starting at words[start] ("Third Quarter", "Q3 2020", "fiscal year"), or
    `start` when there is none: ordinals alone ("First Horizon") are no period."""
    end = start
    while end < len(words) and _PERIOD_WORD.match(_bare(words[end])) and words[end][0].isalnum():
        end += 1
    anchored = any(_PERIOD_ANCHOR.match(_bare(word)) for word in words[start:end])
    return end if anchored else start


def plausible_company(name: str) -> bool:
    """False for what the patterns catch that is no company: "Third Quarter", "Q1", "Company"."""
    words = [_bare(word) for word in name.split()]
    if not words or words[-1].casefold() in _CALL_WORDS:
        return False
    if any(_period_run_end(words, i) > i for i in range(len(words))):
        return False
    return not (len(words) == 1 and words[0].casefold() in {"company", "corporation", "the", "our"})


def find_company(texts: list[str]) -> str:
    for text in texts:
        for cue in _WELCOME_CUE.finditer(text):
            company = _company_after_welcome(text[cue.end() :])
            if company and plausible_company(company):
                return company
        for regex in (_COMPANY_BEFORE_PERIOD, _COMPANY_AFTER_CALL):
            match = regex.search(text)
            if match:
                company = strip_possessive(match["company"].rstrip(".,"))
                if plausible_company(company):
                    return company
    return ""
