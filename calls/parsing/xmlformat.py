"""XML transcripts (a provider's feed: `<turn speaker="..." title="...">text</turn>` in sections).

XML is read as the nested structure it is and handed to the JSON reader, which already finds turn
lists, participants, call facts and sections by their key names wherever they sit: an element's
attributes and child elements become keys, its text the "text" key.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .blocks import line_counts
from .jsonformat import read_structure
from .model import ReadLayout, TranscriptError

_XML_DECLARATION = re.compile(r"^\s*<\?xml\b", re.IGNORECASE)
_ROOT = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>\s*)*<(?P<tag>[A-Za-z_][\w.\-]*)",
    re.DOTALL,
)
_MARKUP = re.compile(r"<[^>]*>")
# `<turn speaker="..."><p>...</p><p>...</p></turn>`: the paragraphs of the turn's text.
_PARAGRAPH_TAGS = {"p": "paragraphs", "para": "paragraphs", "paragraph": "paragraphs"}


def looks_like_xml(text: str) -> bool:
    """An XML document that is not an HTML page (pages are read as text, their tags removed)."""
    root = _ROOT.match(text[:4000])
    if root is None or root["tag"].casefold() in ("html", "body", "div", "p"):
        return False
    return bool(_XML_DECLARATION.match(text)) or text.rstrip().endswith(f"</{root['tag']}>")


def read_xml(text: str) -> ReadLayout:
    """Read an XML transcript into labelled turns through the structure reader."""
    try:
        root = fromstring(text)
    except DefusedXmlException:
        # Entity declarations are how XML bombs expand; no transcript needs them.
        raise TranscriptError(
            "the XML declares entities or an external DTD, which a transcript never needs; not read"
        ) from None
    except ElementTree.ParseError as error:
        raise TranscriptError(f"the file looks like XML but does not parse: {error}") from None
    read = read_structure(_structure(root))
    read.layout = f"xml-{read.layout.removeprefix('json-')}" if read.layout != "json" else "xml"
    read.line_counts = _line_counts(text)
    return read


def _structure(root: ElementTree.Element) -> dict:
    """The element tree as dicts and lists, without recursion (depth is the JSON reader's to bound)."""
    converted: dict = {}
    stack = [(root, converted)]
    while stack:
        element, into = stack.pop()
        into.update({_local(key): value for key, value in element.attrib.items()})
        text = " ".join((element.text or "").split())
        if text and "text" not in into:
            into["text"] = text
        for child in element:
            child_dict: dict = {}
            tag = _local(child.tag)
            into.setdefault(_PARAGRAPH_TAGS.get(tag.casefold(), tag), []).append(child_dict)
            stack.append((child, child_dict))
    return converted


def _local(name: str) -> str:
    return name.rpartition("}")[2]  # "{namespace}turn" -> "turn"


def _line_counts(text: str) -> dict[str, int]:
    """Lines holding text outside the markup are speech (or call facts); the rest is markup."""
    speech = markup = 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        if _MARKUP.sub("", line).strip():
            speech += 1
        else:
            markup += 1
    return line_counts(speech=speech, speaker=0, header=0, ignored=markup)
