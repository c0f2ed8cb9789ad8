"""What one line could say about who speaks: the shapes of speaker labels, read without context.

A label is a name with, optionally, what the file says about the person ("Jane Doe - CFO",
"Jane Doe -- Calder Partners -- Analyst", "Jane Doe, Chief Executive Officer", "JANE DOE:",
"**Jane Doe - Acme, Investor Relations**", "Operator", "- CEO", "主持人："). This module only says what
a line *could* be; `layouts.py` decides which candidates are labels from the evidence of the whole
file (names that repeat, participant lists, the operator's announcements).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .names import NAME_WORD, name_key

# Who runs the call. "Conference Call Operator", "Moderator", "Coordinator", Chinese 主持人 / 主持.
# "Event Operator", "Telephone Operator", "Facilitator", "Operator (Operator)" too.
_OPERATOR_WORD = r"(?:operator|moderator|coordinator|host|facilitator)"
OPERATOR = re.compile(
    r"(?:(?:the\s+)?(?:conference\s+(?:call\s+)?|call\s+|event\s+|tele(?:phone|conference)\s+|phone\s+|webcast\s+)?"
    rf"{_OPERATOR_WORD}(?:\s*\(\s*{_OPERATOR_WORD}\s*\))?|主持人|主持|司儀"
    # the same in the languages of Europe's and Latin America's calls
    r"|op[ée]rat(?:eur|rice)|operador[a]?|operatore|operatorin|mod[ée]rat(?:eur|rice)|moderador[a]?|moderatore)",
    re.IGNORECASE,
)
# Speakers the file does not name, and labels that are a side, not a person (Bloomberg's "Q"/"A",
# Chinese 問/答, 分析師 "analyst"): kept as written; roles follow from them or from behaviour.
_UNNAMED_STRONG = re.compile(
    r"(?:unidentified|unknown|unnamed)(?:\s+(?:company\s+|corporate\s+)?(?:speaker|participant|analyst|"
    r"representative|person|caller|executive|male|female|man|woman|audience\s+member))?(?:\s+\d+)?",
    re.IGNORECASE,
)
_UNNAMED = re.compile(
    rf"{_UNNAMED_STRONG.pattern}|(?:participant|questioner|caller|audience\s+member|analyst|speaker)(?:\s+\d+)?",
    re.IGNORECASE,
)
_SIDE_LABELS = {
    "q": "analyst",
    "question": "analyst",
    "问": "analyst",
    "問": "analyst",
    "提问": "analyst",
    "提問": "analyst",
    "分析师": "analyst",
    "分析師": "analyst",
    "a": "executive",
    "answer": "executive",
    "réponse": "executive",
    "respuesta": "executive",
    "resposta": "executive",
    "antwort": "executive",
    "pregunta": "analyst",
    "pergunta": "analyst",
    "frage": "analyst",
    "答": "executive",
    "回答": "executive",
}
_CJK_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff·]{2,8}")
_BULLET = re.compile(r"^\s*(?:[•●▪◦·‣∙>]|\*(?!\*))\s*")
_MARKDOWN = re.compile(r"^#{1,6}\s+|\*\*|__")
# StreetEvents counts turns at the end of the label: "Operator    [1]". rev.com puts the time there.
_LABEL_TAIL = re.compile(r"\s*(?:\[\d{1,4}\]|\(\d{1,2}:\d{2}(?::\d{2})?\)|\[\d{1,2}:\d{2}(?::\d{2})?\])\s*$")
_TRAILING_TIME = re.compile(r"(?<=[A-Za-z\])])\s+\d{1,2}:\d{2}(?::\d{2})?$")
# WebVTT voice cues: "<v Jane Doe>Thanks.</v>".
_VOICE = re.compile(r"^<v(?:\.[\w.-]+)?\s+(?P<name>[^>]{1,80})>\s*(?P<speech>.*?)(?:</v>)?$")
_HONORIFIC = re.compile(r"^(?:mr|ms|mrs|miss|dr|prof|sir|madam|shri|smt)\.?\s+", re.IGNORECASE)
_BILINGUAL_LABEL = re.compile(r"(?P<english>[^/\u3400-\u9fff]{2,100}?)\s+/\s+[^/]*[\u3400-\u9fff][^/]*")
_CJK_TITLE_FIRST = re.compile(
    r"(?P<title>[\u3400-\u9fff]{2,8})\s+(?P<name>[\u3400-\u9fff·]{2,4})(?:\s*[（(](?P<firm>[^（）()]{2,30})[）)])?"
)
_CJK_NAME_FIRST = re.compile(
    r"(?P<name>[\u3400-\u9fff·]{2,4})\s+(?P<title>[\u3400-\u9fff]{2,10})(?:\s*[（(](?P<firm>[^（）()]{2,30})[）)])?"
)
_BRACKETED = re.compile(r"[\[<](?P<inner>[^\[\]<>]{2,150})[\]>]")
# A title before the name: "CEO Jane Doe", "Analyst (Calder Securities) Jane Doe", "IR Head Jane Doe".
_TITLE_FIRST = re.compile(
    r"^(?P<title>(?:(?:Chief\s+\w+\s+Officer|CEO|CFO|COO|CTO|CIO|IR|Investor\s+Relations|President|Chair(?:man|woman)?|"
    r"Head|Director|Treasurer|Analyst|Moderator|Host|VP|EVP|SVP|Vice\s+President)\s*)+)"
    r"(?:\((?P<firm>[^()]{2,60})\)\s*)?(?P<name>\S.*)$"
)
# Bloomberg's "{BIO 1234567 <GO>}" after a name.
_BLOOMBERG_BIO = re.compile(r"\s*\{BIO[^}]*\}\s*")
# Bloomberg's "Q - Jane Doe" / "A - John Roe": the side, then the name.
_SIDE_PAREN = re.compile(
    r"(?P<side>Q|A|Question|Answer|Réponse|Pregunta|Respuesta|Pergunta|Resposta|Frage|Antwort)\s*[(\[](?P<who>[^()\[\]]{3,120})[)\]]",
    re.IGNORECASE,
)
_SIDE_PREFIX = re.compile(r"^(?P<side>Q|A|Question|Answer)\s*[-–—:]\s*(?P<name>\S.*)$")
_SEPARATOR = re.compile(r"\s+[-–—‐]{1,2}\s+|(?<=\w)--(?=\w)|\s*\|\s*|(?<=[^\s,])\s{2,}(?=\S)")
# Officers' titles in Spanish, Portuguese and French.
_ROMANCE_TITLE = (
    r"directora|diretora?|directeur|directrice|presidenta?|pr[ée]sidente?|vicepresidenta?|gerente|"
    r"tesorero|contralor|consejer[oa]"
)
_TITLE_WORD = re.compile(
    r"\b(?:analyst|ceo|cfo|coo|cto|cio|cmo|evp|svp|vp|ir|president|officer|director|chairman|chairwoman|"
    r"chair|manager|head|founder|partner|treasurer|controller|secretary|counsel|executive|relations?|"
    r"representative|investor|shareholder|stockholder|owner|individual|associate|strategist|economist|principal|md|chief|general|senior|"
    r"vice|global|group|finance|financial|operating|operations|strategy|research|division|equity|"
    r"reporter|editor|correspondent|journalist|portfolio|fund|capital|securities|bank|markets|"
    r"management|advisors|partners|investments|llc|inc|ltd|plc|corp|co|company|corporation|"
    r"limited|ag|sa|nv|lp|llp|gmbh|"
    # "Directora de Finanzas", "Diretor de Relações com Investidores"
    rf"{_ROMANCE_TITLE}|finanzas|finan[çc]as|relaciones|rela[çc][õo]es|inversionistas|"
    r"investidores)\b|董事|總裁|总裁|經理|经理|主席|分析師|分析师|財務長|财务长|執行長|执行长|總監|总监|副總|副总|主任|長官|發言人|发言人|"
    r"投資人關係|投资者关系|營運長|营运长|技術長|技术长",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words of titles and firms that are nobody's name ("Bank", "Price" or "Head" can be surnames).
_NOT_A_NAME_WORD = re.compile(
    r"analyst|ceo|cfo|coo|cto|cio|cmo|evp|svp|vp|ir|president|officer|director|chairman|chairwoman|"
    r"manager|founder|treasurer|controller|secretary|counsel|executive|relations?|representative|"
    r"investor|strategist|economist|md|chief|division|securities|research|inc|llc|ltd|plc|corp|"
    r"corporation|limited|gmbh|company|holdings|capital|markets|partners|management|advisors|"
    r"equity|finance|financial|operations|senior|vice|global|investments|technologies|systems|"
    r"transcripts?|event|earnings|conference|call|results|webcast|quarter|fiscal|ag|nv|se|spa|asa|oyj|kgaa|"
    r"bv|sarl|s\.a|n\.v|a/s|pte|bhd|tbk",
    re.IGNORECASE,
)
# Words that start sentences, never names: keeps "Thanks - Operator" or "Good Morning" out.
_NOT_A_FIRST_WORD = _words(
    "a an and as at but by for from good great hello hi i if in it its just let next no not "
    "now of ok okay on or our please right so sure thank thanks that the then there these "
    "this those to we well what when where which who why yeah yes you your slide page table "
    "figure chart exhibit total net revenue sales income earnings question questions answer "
    "answers"
)
_ABBREVIATIONS = _words("inc co ltd corp jr sr bros intl dept assoc mr ms dr mrs st llc plc cie")
_FUNCTION_WORDS = _words(
    "or and the of to in for with is are was were will be that this on at by from as it a an"
)
_NAME_WORD = re.compile(NAME_WORD)
_PARTICLES = _words("de da di del della der den van von la le du dos bin al ten ter y")
# A title in parentheses after the name: "Jane Doe (Chief Financial Officer)", "王小明（財務長）".
_PAREN_REST = re.compile(r"^(?P<name>[^()（）\[\]]+?)\s*[(（\[](?P<rest>[^()（）\[\]]{1,100})[)）\]]$")


_SENTENCE_BREAK = re.compile(r"[.!?](?=\s+[A-Z])")


def ends_sentence(text: str) -> bool:
    """True when `text` ends like a sentence: "... results." but not "Acme Inc." or "J."."""
    text = text.rstrip(" \"'”’)")
    if not text or text[-1] not in ".!?":
        return False
    if text[-1] != ".":
        return True
    last = text[:-1].rsplit(None, 1)[-1] if text[:-1].strip() else ""
    bare = last.strip("(,").casefold()
    return not (bare in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", bare))


@dataclass(frozen=True)
class Label:
    """A label candidate: the name and what the label says besides ("CFO", "Acme - Analyst")."""

    text: str  # the label as written, markup removed
    name: str  # "Operator" for the operator; the name title-cased when written in capitals
    rest: str  # what follows the name, "" when the label is a bare name
    kind: str  # "operator", "person", "unnamed", "side" (Q/A), "role" (- CEO)
    side: str = ""  # "analyst"/"executive" when the label itself says so (Q/A, 問/答)

    @property
    def key(self) -> str:
        return "operator" if self.kind == "operator" else name_key(self.name)


def clean_line(text: str) -> str:
    """A line without bullets, markdown emphasis, heading marks or a turn counter."""
    voice = _VOICE.match(text.strip())
    if voice:
        return f"{voice['name'].strip()}: {voice['speech'].strip()}"
    text = _BULLET.sub("", text)
    text = _MARKDOWN.sub("", text).strip()
    text = _BLOOMBERG_BIO.sub("", text)
    return _LABEL_TAIL.sub("", text).strip()


def looks_like_name(name: str) -> bool:
    """Two to six name words ("Jane Doe", "Jean-Luc van der Berg", "J.P. Smith", "JANE DOE"), or a
    Chinese name; never a sentence's first word, a title word or a number."""
    if _CJK_NAME.fullmatch(name):
        return True
    words = name.split()
    if not 1 <= len(words) <= 6 or len(name) > 60:
        return False
    # "A. Roe" opens with an initial, not the article.
    if words[0].rstrip(".,").casefold() in _NOT_A_FIRST_WORD and not re.fullmatch(r"[A-Z]\.", words[0]):
        return False
    capitals = 0
    for word in words:
        if word.casefold() in _PARTICLES:
            continue
        if word.casefold() in _FUNCTION_WORDS:
            return False  # "SOFTWARE ERRORS OR DEFECTS"
        if not _NAME_WORD.fullmatch(word) and not (word.isupper() and word.replace("'", "").isalpha()):
            return False
        if _NOT_A_NAME_WORD.fullmatch(word.rstrip(".,")):
            return False
        capitals += 1
    return capitals >= 1


def display_name(name: str) -> str:
    """ "JANE DOE" -> "Jane Doe", "Mr. Jane Doe" -> "Jane Doe"; mixed case stays as written."""
    name = " ".join(name.split()).strip(" ,:;")
    bare = _HONORIFIC.sub("", name)
    if " " in bare:  # "Mr. Smith" alone keeps its honorific: the surname alone is no name
        name = bare
    if name.isupper() and any(ch.isalpha() for ch in name):
        return " ".join(_title_word(word) for word in name.split())
    return name


# Short words a title or firm in capitals keeps as they are ("SVP", "IR", "RBC", "UBS"), unless
# they are ordinary words.
_SHORT_WORDS = frozenset(
    {"of", "and", "the", "for", "new", "one", "bay", "sun", "oak", "top", "big", "key", "red", "co"}
)


def display_title(text: str) -> str:
    """ "DIRECTOR OF IR" -> "Director of IR", "NORTHGATE PARTNERS" -> "Northgate Partners"; mixed case
    stays as written."""
    if not text.isupper():
        return text
    words = []
    for word in text.split():
        bare = word.strip(",.;()&").casefold()
        if bare in ("of", "and", "the", "for") and words:
            words.append(word.lower())
        elif len(bare) <= 3 and bare.isalpha() and bare not in _SHORT_WORDS:
            words.append(word)
        else:
            words.append(_title_word(word))
    return " ".join(words)


def _title_word(word: str) -> str:
    # "O'BRIEN" -> "O'Brien", "MCDONALD" stays "Mcdonald" (no way to know), "J.P." stays.
    if re.fullmatch(r"(?:[A-Z]\.)+", word):
        return word
    return re.sub(r"[A-Za-z]+", lambda m: m[0].capitalize(), word.lower())


def looks_like_rest(rest: str) -> bool:
    """What may follow a name in a label: a title, a firm, or both; never a sentence."""
    if not rest or len(rest) > 150 or len(rest.split()) > 20 or "?" in rest or "!" in rest:
        return False
    if ends_sentence(rest) or any(
        ends_sentence(rest[: m.start() + 1]) for m in _SENTENCE_BREAK.finditer(rest)
    ):
        return False  # "Thanks. And one follow-up": speech, though it stops short of a full stop
    first = rest.lstrip("(")[:1]
    return bool(first) and (
        first.isupper() or first.isdigit() or bool(_TITLE_WORD.match(rest)) or ord(first) > 0x2E80
    )


def has_title_word(text: str) -> bool:
    return bool(_TITLE_WORD.search(text))


@functools.lru_cache(maxsize=65536)
def parse_label(text: str) -> Label | None:
    """The label `text` could be when it stands alone (no speech after it), or None.

    `text` is already cleaned (clean_line). A trailing colon is allowed ("JANE DOE:").
    """
    # otter.ai "Jane Doe  00:15", Zoom "[Jane Doe] 10:00:05": the time after a label is no part of it.
    text = _TRAILING_TIME.sub("", text.rstrip().rstrip(":：").rstrip()).replace("，", ", ")
    if not text or len(text) > 160 or text[0].islower():
        return None
    # Most lines are speech: a sentence of several words is never a label, whatever else it holds.
    if text.count(" ") >= 6 and ends_sentence(text):
        return None
    credentials = _CREDENTIALS_AFTER.search(text)
    if credentials and credentials.start() > 0:  # "Ann Roe, Ph.D.", "Sam Lee, CFA": the person alone
        inner = parse_label(text[: credentials.start()])
        return None if inner is None else Label(text, inner.name, inner.rest, inner.kind, inner.side)
    bracketed = _BRACKETED.fullmatch(text)
    if bracketed:  # "[Jane Doe, CFO]", "<Jane Doe>"
        inner = parse_label(bracketed["inner"].strip())
        return None if inner is None else Label(text, inner.name, inner.rest, inner.kind, inner.side)
    bilingual_label = _BILINGUAL_LABEL.fullmatch(text)
    if bilingual_label:  # "Operator / 主持人", "Jane Doe, CFO / 王小明，財務長": the English side
        inner = parse_label(bilingual_label["english"].strip())
        return None if inner is None else Label(text, inner.name, inner.rest, inner.kind, inner.side)
    chinese_titled = _CJK_TITLE_FIRST.fullmatch(text)
    named_first = _CJK_NAME_FIRST.fullmatch(text)
    if named_first and _is_title(named_first["title"]) and not _is_title(named_first["name"]):
        chinese_titled = named_first  # "赵刚 总经理", "周丽 董事会秘书": the name first, then the title
    if chinese_titled:  # "分析师 李娜（中金公司）", "首席财务官 张伟"
        side = "analyst" if chinese_titled["title"] in ("分析师", "分析師") else ""
        rest = chinese_titled["firm"] or chinese_titled["title"]
        return Label(text, chinese_titled["name"], rest, "person", side)
    titled = _TITLE_FIRST.match(text)
    if titled and not OPERATOR.fullmatch(text):
        # "CEO Jane Doe", "Analyst Jane Doe", "Analyst (Calder Securities) Jane Doe", "IR Head Jane Doe".
        name = titled["name"].strip()
        if " " in name and looks_like_name(name):
            title, firm = titled["title"].strip(), (titled["firm"] or "").strip()
            rest = f"{firm} - {title}" if firm else title
            side = "analyst" if re.search(r"\banalyst\b", title, re.IGNORECASE) else ""
            return Label(text, display_name(name), rest, "person", side)
    sided = _SIDE_PAREN.fullmatch(text)
    if sided:  # "Question (Jane Doe, Calder)", "Réponse (John Roe)"
        inner = parse_label(sided["who"].strip())
        if inner is not None and inner.kind == "person":
            return Label(text, inner.name, inner.rest, "person", _SIDE_LABELS[sided["side"].casefold()])
    prefixed = _SIDE_PREFIX.match(text)
    if prefixed:
        inner = parse_label(prefixed["name"])
        if inner is not None and inner.kind in ("person", "unnamed", "operator"):
            side = _SIDE_LABELS[prefixed["side"].casefold()]
            return Label(text, inner.name, inner.rest, inner.kind, side)
        return None
    if OPERATOR.fullmatch(text):
        return Label(text, "Operator", "", "operator")
    side = _SIDE_LABELS.get(text.casefold())
    if side:
        return Label(text, text, "", "side", side)
    if _UNNAMED.fullmatch(text):
        return Label(
            text, display_name(text), "", "unnamed", "analyst" if "analyst" in text.casefold() else ""
        )
    if text[0] in "-–—" and len(text) > 2:
        role = text.lstrip("-–— ").strip()
        if role and looks_like_rest(role) and has_title_word(role) and len(role.split()) <= 8:
            return Label(text, role, role, "role")
        return None
    paren = _PAREN_REST.match(text)
    if paren and looks_like_name(paren["name"].strip()) and looks_like_rest(paren["rest"].strip()):
        return _person(text, paren["name"], paren["rest"])
    parts = _SEPARATOR.split(text, maxsplit=1)
    if len(parts) == 2:
        name, rest = parts[0].strip(), parts[1].strip()
        tail = _SEPARATOR.split(text)[-1].strip()
        if (
            not looks_like_name(name)
            and " " in tail
            and looks_like_name(tail)
            and _is_title(text[: -len(tail)])
        ):
            # "Chief Executive Officer — Jane Doe", "Analyst, Calder Securities — Jane Doe".
            head = _SEPARATOR.split(text)[0].strip(" ,")
            side = "analyst" if re.match(r"analyst\b", head, re.IGNORECASE) else ""
            return Label(text, display_name(tail), text[: -len(tail)].strip(" -–—,"), "person", side)
        if OPERATOR.fullmatch(name):
            return Label(text, "Operator", rest, "operator") if looks_like_rest(rest) else None
        if _UNNAMED_STRONG.fullmatch(name) and looks_like_rest(rest):
            return Label(text, display_name(name), rest, "unnamed")
        # A one-word name needs a title that reads as one ("Ashwin - Analyst").
        if looks_like_name(name) and looks_like_rest(rest) and (" " in name or has_title_word(rest)):
            return _person(text, name, rest)
        if "," not in name:
            return None
    # "Jane Doe, Chief Executive Officer", "Jane Doe,  Acme Inc. - CFO" (StreetEvents).
    name, comma, rest = text.partition(",")
    if comma:
        name, rest = name.strip(), rest.strip()
        if _UNNAMED_STRONG.fullmatch(name) and looks_like_rest(rest):
            return Label(text, display_name(name), rest, "unnamed")
        chinese = bool(_CJK_NAME.fullmatch(name)) and len(rest) <= 12 and not re.search(r"[。？！]", rest)
        if (" " in name or chinese) and looks_like_name(name) and looks_like_rest(rest):
            return _person(text, name, rest)
        return None
    if looks_like_name(text) and (" " in text.strip() or _CJK_NAME.fullmatch(text)):
        return _person(text, text, "")
    if looks_like_name(text) and text.isupper() is False and text[:1].isupper():
        return _person(text, text, "")  # a one-word name: the file's evidence decides
    return None


_TITLE_LINE_REST = re.compile(
    r"\b(?:19|20)\d{2}\b|\b[QH][1-4]\b|\bF[QY]\s?\d|\b(?:earnings|transcript|conference\s+call|results)\b",
    re.IGNORECASE,
)
# "Acme Air Lines, Inc. (ACME)": a company's name with its legal form, not a person with a title.
_LEGAL_FORM_ONLY = re.compile(
    r"(?:inc|corp|corporation|co|company|ltd|limited|plc|llc|lp|sa|ag|nv|se|group|holdings)\.?"
    r"(?:\s*\([A-Z0-9.:\- ]{1,14}\))?",
    re.IGNORECASE,
)


def _person(text: str, name: str, rest: str) -> Label | None:
    rest = rest.strip(" ,")
    if _TITLE_LINE_REST.search(rest):
        return None  # "Acme Group - Third Quarter 2024 Earnings Call" is the call's title
    if _LEGAL_FORM_ONLY.fullmatch(rest) or re.search(r"[:：]\s*\S", rest):
        return None  # "Acme, Inc. (ACME)"; "JANE DOE, Calder: Thanks." has its speech after the colon
    people = [part.strip() for part in re.split(r",|\band\b|&", rest) if part.strip()]
    if len(people) >= 2 and all(looks_like_name(part) and " " in part for part in people):
        return None  # "Jane Doe, John Roe, Ann Poe": a list of who is on the call
    return Label(text, display_name(name), rest, "person")


_ROLE_ALONE = re.compile(
    r"CEO|CFO|COO|CTO|CIO|President|Chair(?:man|woman)?|Management|Executive|Treasurer|Controller|"
    r"Investor\s+Relations|IR|Company\s+Representative|Analyst|Questioner|Caller|"
    r"Chief\s+\w+\s+Officer|(?:Head|VP)\s+of\s+(?:IR|Investor\s+Relations)",
    re.IGNORECASE,
)
_FIELD_NAMES = frozenset(
    {
        *(
            "company",
            "company name",
            "bank",
            "ticker",
            "symbol",
            "exchange",
            "year",
            "fiscal year",
            "quarter",
        ),
        *("period", "reporting period", "date", "call date", "event date", "time", "duration", "title"),
        *("event", "source", "url", "location", "language", "created", "file name", "unique speakers"),
        *("utterance count", "words", "symbols", "note", "notes", "summary", "takeaways", "subject"),
        *(
            "公司",
            "公司名稱",
            "公司名称",
            "股票代碼",
            "股票代码",
            "年度",
            "年份",
            "季度",
            "日期",
            "時間",
            "时间",
        ),
        *("標題", "标题", "來源", "来源", "会议", "會議", "地点", "地點", "主题", "主題", "contents"),
    }
)
# rev.com and ASR tools: "Jane Doe (00:01:29): Thanks." - the time holds a colon of its own.
_TIMED_INLINE = re.compile(
    r"^(?P<label>[^:：()]{1,110}?)\s*[(\[]\d{1,2}:\d{2}(?::\d{2})?[)\]]\s*[:：]?\s*(?P<speech>.*)$"
)
_INLINE = re.compile(r"^(?P<label>[^:：]{0,110}?)\s*[:：]\s*(?P<speech>.*)$")
# Degrees after a name, no title or firm: "Sam Lee, CFA", "Ann Roe, Ph.D." ("Jr." is the name's).
_CREDENTIALS_AFTER = re.compile(
    r"(?:,?\s+(?:CFA|CPA|CAIA|FRM|MBA|Ph\.?\s?D\.?|Esq\.?)(?![\w.])\.?)+$", re.IGNORECASE
)
# A label may end in an abbreviation's period ("Tom Day Jr.:", "Ann Roe, Ph.D.:", "Sam Lee, Calder
# Inc.:"), never a sentence's.
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:Jr|Sr|Inc|Co|Corp|Ltd|Bros|Esq|Ph\.\s?D|L\.L\.C|L\.P|S\.A|N\.V|A\.G)|(?<![\w.])[A-Z])\.$"
)


def ends_with_time(text: str) -> bool:
    """ "Jane Doe  0:45": otter.ai's label line, the time after the name."""
    return bool(_TRAILING_TIME.search(text.rstrip()))


def is_timed_label(text: str) -> bool:
    """ "Jane Doe (05:40):" alone on its line: the time stamp marks it a label, speech or not."""
    match = _TIMED_INLINE.match(text)
    return match is not None and not match["speech"]


@functools.lru_cache(maxsize=65536)
def parse_inline_label(text: str) -> tuple[Label, str] | None:
    """(label, speech) of "Jane Doe: Thanks." / "JANE DOE:Thanks" / "Jane Doe, CFO: ..." / "主持人：..."."""
    match = _TIMED_INLINE.match(text) or _INLINE.match(text)
    if not match:
        return None
    raw = match["label"].strip()
    if not raw and match["speech"][:1].isalpha():
        # ": Hello. ..." - a turn whose label the transcriber left empty; the operator's
        # announcement may name the speaker.
        return Label("", "Unidentified Speaker", "", "unnamed"), match["speech"].strip()
    numbered = bool(_UNNAMED.fullmatch(raw))  # "Speaker 2: ..."
    if (
        not raw
        or (raw[-1] in ".!?" and not _ABBREVIATION_END.search(raw))
        or (not numbered and re.search(r"\d{1,2}$", raw) and not _LABEL_TAIL.search(raw + ")"))
    ):
        return None
    if re.search(r"https?$", raw) or (not numbered and re.search(r"\b\d+$", raw)):  # "http://", "at 10:30"
        return None
    if raw.casefold() in _FIELD_NAMES:
        return None  # "Company: Acme", "Duration: 41 minutes", "公司：..." are header fields
    if _ROLE_ALONE.fullmatch(raw):
        # "CEO: ...", "Management: ...", "Analyst: ...": a role, the name comes from the call.
        side = "analyst" if re.match(r"analyst|questioner|caller", raw, re.IGNORECASE) else ""
        return Label(raw, raw, raw, "role", side), match["speech"].strip()
    label = parse_label(clean_line(raw))
    if label is None:
        return None
    speech = match["speech"].strip()
    if label.kind == "side":
        # "Q: Jane Doe, Calder Partners: How is demand?": the mark says the side, the name follows.
        named = parse_inline_label(speech)
        if named is not None and named[0].kind == "person" and (named[0].rest or " " in named[0].name):
            person, speech = named
            return Label(f"{raw}: {person.text}", person.name, person.rest, "person", label.side), speech
    return label, speech


_ANALYST_ALONE = re.compile(r"(?:senior\s+|equity\s+|research\s+)*analyst", re.IGNORECASE)


def split_rest(rest: str) -> tuple[str, str]:
    """(firm, title) from what a label or participant entry says after the name.

    "Calder Partners - Analyst", "Acme Inc. - VP Finance, CFO", "Analyst, JPMorgan Securities LLC",
    "Citigroup Inc., Research Division - MD", "Chief Executive Officer", "Morgan Stanley".
    """
    rest = rest.strip(" ,")
    parts = [part.strip() for part in _SEPARATOR.split(rest) if part.strip()]
    if len(parts) >= 2:
        # "Firm - Title" (StreetEvents, Motley Fool): the title is the last part, unless only an
        # earlier part reads as one ("CFO - Acme Corp").
        title_index = len(parts) - 1
        if not _is_title(parts[-1]) or _is_firm(parts[-1]):
            title_index = next(
                (i for i in range(len(parts) - 1, -1, -1) if _is_title(parts[i]) and not _is_firm(parts[i])),
                title_index,
            )
        firm = " - ".join(part for i, part in enumerate(parts) if i != title_index)
        return firm, parts[title_index]
    if not parts:
        return "", ""
    rest = parts[0]
    head, at, tail = rest.partition(" at ")
    if at and _is_title(head) and tail[:1].isupper() and not _is_title(tail):
        return tail.strip(), head.strip()  # "Analyst at Calder Partners", "CFO at Acme"
    head, comma, tail = rest.partition(", ")
    if (
        comma
        and _is_title(tail)
        and "," not in tail
        and not _is_title(head)
        and (_is_firm(head) or _ANALYST_ALONE.fullmatch(tail))
    ):
        return head.strip(), tail.strip()  # "Calder Partners, Analyst", "Calder, Analyst"
    if comma and _is_title(head) and not _is_firm(head):
        if _is_title(tail) and not _is_firm(tail):
            return "", rest  # "VP, Investor Relations"
        return tail.strip(), head.strip()  # "Head of Investor Relations, Uber Technologies, Inc."
    if _is_title(rest) and not _is_firm(rest):
        return "", rest
    return rest, ""


_FIRM_WORD = re.compile(
    r"\b(?:inc|ltd|llc|plc|corp|corporation|co|company|group|securities|capital|partners|bank|research|"
    r"division|markets|management|advisors|advisers|investments|associates|holdings|lp|llp|ag|sa|nv|"
    r"gmbh|asset|equity|equities|financial|fund|funds|trust|bancorp|brokerage|sachs|stanley|morgan)\b",
    re.IGNORECASE,
)
_PURE_TITLE = re.compile(
    r"\b(?:analyst|ceo|cfo|coo|cto|cio|evp|svp|vp|president|officer|director|chairman|chair|manager|head|"
    r"founder|treasurer|controller|secretary|counsel|executive|relations?|representative|strategist|"
    r"economist|principal|md|chief|reporter|editor|correspondent|"
    # "Directora de Finanzas", "Diretor Presidente", "Directeur Financier", "Gerente de Relaciones"
    rf"{_ROMANCE_TITLE})\b",
    re.IGNORECASE,
)


_CJK_TITLE = re.compile(
    r"董事|首席|执行官|執行長|财务|財務|总裁|總裁|总经理|總經理|经理|經理|秘书|秘書|主任|处长|處長|总监|總監|副总|副總|主席|分析师|分析師"
    # the spokesperson, investor relations, and the "-長" officers: 營運長 COO, 技術長 CTO, 會計長 CAO
    r"|發言人|发言人|投資人關係|投资者关系|投資者關係|投关|投關|營運長|营运长|技術長|技术长|會計|会计|策略長|行銷長|董秘"
)
_CJK_FIRM = re.compile(r"证券|證券|银行|銀行|资本|資本|基金|研究|公司|投资|投資|资管|資管|保险|保險")


def _is_title(text: str) -> bool:
    return bool(_PURE_TITLE.search(text) or _CJK_TITLE.search(text))


def _is_firm(text: str) -> bool:
    return bool(_FIRM_WORD.search(text) or _CJK_FIRM.search(text)) and not _is_title(text)


def side_from_affiliation(title: str, firm: str) -> str:
    """ "analyst" when the title says so or the firm is a research desk; "" when it says nothing."""
    if re.search(
        r"\banalyst\b|research\s+division|\breporter\b|\bjournalist\b|\bcorrespondent\b",
        f"{title} {firm}",
        re.I,
    ):
        return "analyst"
    return ""
