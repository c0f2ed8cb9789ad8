"""Bytes -> normalised text: encodings, line ends, odd spaces, full-width punctuation.

The rest of the parser only sees clean `str` with "\\n" line ends.

Encodings, in the order they are tried: a byte-order mark (UTF-8, UTF-16), UTF-16 without one,
UTF-8, the Chinese legacy encodings (GB18030, Big5) when the decoded text reads as Chinese, and last
Windows-1252 (then latin-1, which never fails). Anything but UTF-8 is reported as a warning.
"""

from __future__ import annotations

import codecs
import html
import itertools
import re
from collections import Counter

from .documents import document_text
from .model import ParseWarning, TranscriptError

# Characters that look like a space (or nothing) or end a line without being "\n": they would defeat
# the regexes downstream. One regex finds whether any is present (most files have none), then one
# str.translate fixes them all.
_TRANSLATE = {
    **dict.fromkeys(map(ord, "\u00a0\u1680\u2007\u202f\u205f\u3000\t"), " "),
    **{code: " " for code in range(0x2000, 0x200B)},  # en quad ... hair space
    **dict.fromkeys(map(ord, "\u200b\u200e\u200f\u2060\ufeff\u00ad"), None),
    # Line and paragraph separators, NEL, and the form feeds and vertical tabs of PDF page breaks.
    **dict.fromkeys(map(ord, "\u2028\u2029\u0085\f\v"), "\n"),
}
_ODD = re.compile("[" + "".join(re.escape(chr(code)) for code in _TRANSLATE) + "]")
# Tab-separated rows (a TSV export) keep their tabs: they are the columns.
_TRANSLATE_KEEPING_TABS = {code: value for code, value in _TRANSLATE.items() if code != ord("\t")}

# Full-width ASCII (U+FF01-FF5E: "：", "（", "，", "２０２３") typed by a Chinese or Japanese input method
# into an English line. Only lines without any Chinese or Japanese are folded: in a translation line
# the full-width forms are the correct punctuation and stay as written.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3001\u3002]")
# Full-width punctuation carries its own spacing: "Jane Roe：Thanks" must read "Jane Roe: Thanks".
_FULL_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {
    **{ord(wide): narrow + " " for wide, narrow in zip("：，；！？", ":,;!?", strict=True)},
    0x3001: ", ",
    0x3002: ". ",
}
_SPACES = re.compile(r" {2,}")
_HAN_OR_KANA = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Legacy Chinese encodings. Each decodes most byte strings of the others (and of Windows-1252) into
# valid but meaningless characters, so the winner is the decoding whose Chinese reads like Chinese:
# the one where the most common characters (Traditional and Simplified forms) are most frequent.
_CHINESE_ENCODINGS = ("gb18030", "cp950", "big5hkscs")
_COMMON_HAN = frozenset(
    "的一是不了在人有我他中大上個个們们來来到時时地為为子就出要以會会可也你對对生能而那得於于著着下自之年"
    "過过發发後后作裡里用道行所然家種种事成方多經经麼么去法學学如都同現现當当沒没動动面起看定天分還还進进"
    "好小部其些主樣样理心本前開开但因只從从想實实日者意無无力與与長长把機机十民第公此已工使情明性知全三又"
    "關关點点正業业外將将兩两高間间由問问很最重並并物手應应向頭头文體体相見见被利什二等產产或新己制身果加"
    "月話话合回特代內内信表化老給给世位次度門门任常先通教原東东提立及比員员解水名真論论處处各入幾几口認认"
    "條条平系氣气題题活更別别打變变四總总何電电數数安少報报才結结反受目量再感建務务做接必場场件計计管期市"
    "直資资指許许統统區区保至形社便空決决展科司五基書书非則则界達达放強强即像難难且權权思完設设式記记品告"
    "類类求據据程邊边該该交規规萬万取格望術术領领共確确傳传觀观今切讓让識识候帶带導导改收根造言聯联持組组"
    "每濟济極极服快辦办議议往元近失轉转令準准始存未遠远單单具百需價价華华整況况請请技際际約约示復复究線线"
    "似越器容照須须增研寫写稱称企八功包片委查易早除找裝装廣广顯显首另較较注語语僅仅考選选列響响雖虽推勢势"
    "參参希構构半節节投案態态維维營营季收入潤润率毛客戶户銷销售額额謝谢您預预估股億亿美營運运獲获財财淨净"
    "損损益費费鏈链品業務問題"
)
_ENCODING_NAMES = {"gb18030": "GB18030", "cp950": "Big5 (cp950)", "big5hkscs": "Big5-HKSCS"}
_SCORE_SAMPLE = 100_000  # characters scored; decoding itself always covers the whole file
_MIN_COMMON_SHARE = 0.15  # real Chinese: ~half the characters are common ones; mojibake: a few percent


def decode(data: bytes | str) -> tuple[str, list[ParseWarning]]:
    """Return the text with "\\n" line ends and plain spaces, plus warnings about the decoding.

    Raises TranscriptError for empty or binary input: those are not transcripts at all.
    """
    warnings: list[ParseWarning] = []
    if isinstance(data, bytes):
        text = document_text(data, warnings)
        if text is None:
            text = _decode_bytes(data, warnings)
    elif isinstance(data, str):
        text = data
    else:
        raise TranscriptError(f"expected bytes or str, got {type(data).__name__}")
    if "\x00" in text:
        text = _without_nul(text, warnings)
    # Checked before the line ends are normalised: "\f" and "\v" are allowed there, other controls not.
    if _looks_binary(text):
        raise TranscriptError("the file looks binary (too many control characters), not a text transcript")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Most files are plain ASCII: then only tabs and page breaks need translating, and the
    # character-class searches (slow over a whole file) are skipped.
    ascii_only = text.isascii()
    if (ascii_only and ("\t" in text or "\f" in text or "\v" in text)) or (
        not ascii_only and _ODD.search(text)
    ):
        text = text.translate(_TRANSLATE_KEEPING_TABS if _tab_separated(text) else _TRANSLATE)
    if not ascii_only and _FULL_WIDTH.search(text):
        text = "\n".join(_fold_full_width(line) for line in text.split("\n"))
    # An XML feed may use HTML's tag names (<section>, <p>): it is read as XML, not stripped as a page;
    # a JSON document holding a page in a string keeps its structure (its page is stripped later).
    if looks_like_html(text) and not _XML_DATA.match(text) and text.lstrip()[:1] not in ("{", "["):
        text = html_as_text(text)
        warnings.append(ParseWarning(0, "the file is HTML; its tags were removed"))
    if not text.strip():
        raise TranscriptError("the file is empty")
    return text, warnings


def looks_like_html(text: str) -> bool:
    """A page of HTML blocks (<p>, <div>, <br>...), not a text that mentions a tag."""
    return len(_HTML_BLOCK.findall(text[:20000])) >= 5


_MARKUP = re.compile(
    r"</?(?:p|br|div|li|span|b|i|em|strong|u|font|h[1-6])\b[^>]*>|&(?:amp|nbsp|quot|#\d+);", re.I
)


def speech_without_markup(text: str) -> str:
    """A string field's speech with its HTML markup read ("<p>Revenue rose.</p><p>...</p>"): blocks
    become lines, entities characters. Text without markup is returned as it is."""
    if ("<" not in text and "&" not in text) or not _MARKUP.search(text):
        return text
    return html_as_text(text).strip("\n")


def _tab_separated(text: str, sample: int = 50) -> bool:
    """Most of the first lines hold the same number of tabs: a table's rows, not indented text."""
    lines = list(itertools.islice((line for line in text.split("\n", 5000) if line.strip()), sample))
    counts = Counter(line.strip().count("\t") for line in lines)  # (indentation is no column)
    if len(lines) < 3 or not counts:
        return False
    tabs, rows = counts.most_common(1)[0]
    return tabs >= 1 and rows >= 0.8 * len(lines)


# A page saved as HTML: its block tags end lines, other tags go, entities become characters.
_HTML_BLOCK = re.compile(
    r"</?(?:p|br|div|li|ul|ol|h[1-6]|tr|td|table|section|article)\b[^>]*>", re.IGNORECASE
)
_HTML_TAG = re.compile(r"<[^>]{1,500}>")
_XML_DATA = re.compile(r"\s*<\?xml\b(?![^<]*<!DOCTYPE\s+html)(?!.{0,2000}<html\b)", re.IGNORECASE | re.DOTALL)


def html_as_text(text: str) -> str:
    """The text of an HTML page, a paragraph per block, as a transcript's text is read."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.IGNORECASE | re.DOTALL)
    text = _HTML_BLOCK.sub("\n", text)
    text = html.unescape(_HTML_TAG.sub("", text))
    text = text.translate(_TRANSLATE)
    return "\n".join(line.strip() for line in text.split("\n"))


def _fold_full_width(line: str) -> str:
    if not _FULL_WIDTH.search(line) or _HAN_OR_KANA.search(line):
        return line
    return _SPACES.sub(" ", line.translate(_FULL_WIDTH_TABLE)).rstrip(" ")


def _decode_bytes(data: bytes, warnings: list[ParseWarning]) -> str:
    if not data.strip():
        raise TranscriptError("the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise TranscriptError(
                    f"the file starts with a {encoding} byte-order mark but is not valid {encoding}: {error}"
                ) from None
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                pass
            else:
                warnings.append(ParseWarning(0, f"the file has no byte-order mark; decoded as {encoding}"))
                return text
            raise TranscriptError("the file looks binary (it contains NUL bytes), not a text transcript")
        # Not UTF-16: a text with stray NULs (a bad export, a hostile file); decode() removes them.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    chinese = _decode_chinese(data)
    if chinese is not None:
        text, encoding = chinese
        encoding = _ENCODING_NAMES[encoding]
        warnings.append(ParseWarning(0, f"the file is not valid UTF-8; decoded as {encoding}"))
        return text
    # Old Windows exports: cp1252 covers the curly quotes and dashes; latin-1 never fails.
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        warnings.append(ParseWarning(0, f"the file is not valid UTF-8; decoded as {encoding}"))
        return text
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _without_nul(text: str, warnings: list[ParseWarning]) -> str:
    """The text without its NUL characters, which PostgreSQL text cannot hold; a warning says how many.

    A file a tenth or more NULs is no text at all: images and documents have that many, a text with
    stray NULs (a bad export) a handful (UTF-16 without a byte-order mark was tried before).
    """
    count = text.count("\x00")
    if count * 10 >= len(text):
        raise TranscriptError("the file looks binary (it contains NUL characters), not a text transcript")
    before = text[: text.index("\x00")]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    warnings.append(
        ParseWarning(
            line,
            f"removed {count} NUL character{'s' if count != 1 else ''} (the first on this line):"
            " a text transcript has none",
        )
    )
    return text.replace("\x00", "")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 of mostly ASCII text has a NUL in every other byte; which half tells the byte order."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _decode_chinese(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) for the Chinese encoding under which the file reads as Chinese, else None."""
    best: tuple[int, str, str] | None = None
    for encoding in _CHINESE_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:_SCORE_SAMPLE]
        han = len(_HAN_OR_KANA.findall(sample))
        common = sum(1 for ch in sample if ch in _COMMON_HAN)
        if han and common >= 2 and common >= han * _MIN_COMMON_SHARE and (best is None or common > best[0]):
            best = (common, text, encoding)
    return (best[1], best[2]) if best else None


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = len(_CONTROL.findall(sample))  # below a space, except \t \n \v \f \r
    return controls > max(8, len(sample) // 100)
