"""Word processors' files, known by their first bytes: Word (.docx) and RTF are read as the text
they hold; a PDF is refused with what to do instead. Standard library, and defusedxml
for the Word document's XML.

A transcript saved from a word processor is the same text in a container: paragraphs in order,
one per line, are all the readers need. A PDF's text is laid out by position on the page, and
getting it back in reading order takes a PDF library's layout analysis (pdftotext -layout does it
well), so the importer says so rather than guess at the order.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .model import ParseWarning, TranscriptError

_WORD_NAMESPACE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A .docx of a few hundred pages holds a few MB of XML; a zip that inflates far beyond is not one.
_MAX_DOCUMENT_XML = 64 * 1024 * 1024


def document_text(data: bytes, warnings: list[ParseWarning]) -> str | None:
    """The text of a Word or RTF file, None for any other bytes; raises TranscriptError for a PDF
    or a damaged document."""
    if data.startswith(b"%PDF-"):
        raise TranscriptError(
            "the file is a PDF: save it as text first (for example `pdftotext -layout call.pdf`), then "
            "import the .txt"
        )
    if data.startswith(b"PK\x03\x04"):
        return _word_text(data, warnings)
    if data.lstrip()[:5] == b"{\\rtf":
        warnings.append(ParseWarning(0, "the file is RTF; its text was read without the formatting"))
        return rtf_text(data.decode("latin-1"))
    return None


def _word_text(data: bytes, warnings: list[ParseWarning]) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        info = archive.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError):
        return None  # another kind of zip: the binary check refuses it
    if info.file_size > _MAX_DOCUMENT_XML:
        raise TranscriptError("the Word document is too large to be a transcript")
    try:
        # defusedxml: a document's XML is the uploader's, and may hold entity bombs.
        root = fromstring(archive.read(info))
    except (ParseError, DefusedXmlException, zipfile.BadZipFile, OSError) as error:
        raise TranscriptError(f"the Word document cannot be read: {error}") from None
    lines = []
    for paragraph in root.iter(f"{_WORD_NAMESPACE}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{_WORD_NAMESPACE}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_WORD_NAMESPACE}tab":
                parts.append("\t")
            elif node.tag in (f"{_WORD_NAMESPACE}br", f"{_WORD_NAMESPACE}cr"):
                parts.append("\n")
        lines.append("".join(parts))
    warnings.append(ParseWarning(0, "the file is a Word document; its text was read without the formatting"))
    return "\n".join(lines)


# Groups that hold no text of the document: fonts, colours, styles, metadata, pictures.
_SKIPPED_GROUPS = frozenset(
    {"fonttbl", "colortbl", "stylesheet", "info", "pict", "header", "footer", "object", "themedata"}
)
_RTF_TOKEN = re.compile(
    r"\\([a-z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-f]{2})|\\(.)|([{}])|([^\\{}]+)", re.I | re.S
)
_RTF_BREAKS = {"par": "\n", "line": "\n", "sect": "\n", "page": "\n", "row": "\n", "tab": "\t", "cell": "\t"}


def rtf_text(rtf: str) -> str:
    """The text of an RTF document: paragraphs as lines, escapes decoded, formatting dropped."""
    out: list[str] = []
    skipping: list[bool] = [False]  # per open group: is its text left out?
    unicode_skip = 0  # characters after \uN that stand in for it in older readers
    for word, number, hexa, symbol, brace, text in _RTF_TOKEN.findall(rtf):
        if brace == "{":
            skipping.append(skipping[-1])
            continue
        if brace == "}":
            if len(skipping) > 1:
                skipping.pop()
            continue
        if skipping[-1]:
            continue
        if word:
            word = word.lower()
            if word in _SKIPPED_GROUPS:
                skipping[-1] = True
            elif word in _RTF_BREAKS:
                out.append(_RTF_BREAKS[word])
            elif word == "u" and number:
                code = int(number) % 65536
                out.append(chr(code))
                unicode_skip = 1
            continue
        if symbol:
            if symbol == "*":
                skipping[-1] = True  # an optional destination no reader needs
            elif symbol in "\\{}":
                out.append(symbol)
            elif symbol == "~":
                out.append(" ")
            continue
        if hexa:
            if unicode_skip:
                unicode_skip -= 1
                continue
            out.append(bytes([int(hexa, 16)]).decode("cp1252", errors="replace"))
            continue
        if text:
            if unicode_skip:
                text, unicode_skip = text[unicode_skip:], 0
            out.append(text.replace("\r", "").replace("\n", ""))
    return "".join(out)
