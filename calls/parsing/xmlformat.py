"""XML transcripts (a provider's feed: `<turn speaker="..." title="...">text</turn>` in sections).

XML is read as the nested structure it is and handed to the JSON reader, which already finds turn
lists, participants, call facts and sections by their key names wherever they sit: an element's
attributes and child elements become keys, its text the "text" key.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections import Counter

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
# Elements listing the people on the call: `<participant id="3" title="CFO">Jane Doe</participant>`
# names the person in its text.
_PEOPLE_TAGS = frozenset({"participants", "speakers", "attendees", "people", "speakerlist", "participant"})
# `<speaker id="3">...</speaker>` holding speech: the id is whose it is, among the participants.
_SPEECH_BY_ID_TAGS = frozenset({"speaker", "turn", "utterance", "statement"})


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
    """The element tree as dicts and lists, without recursion (depth is the JSON reader's to bound).

    Three readings XML needs beyond its shape: a participant element's text is the person's name
    (`<participant title="CFO">Jane Doe</participant>`, where JSON would say "name"); a speech
    element's id says whose speech it is (`<speaker id="3"><p>...</p></speaker>`, JSON's
    "speakerId"); and a wrapper holding nothing but paragraphs (`<plist><p>...</p></plist>`) is
    no level of its own, its paragraphs are the speech's.
    """
    converted: dict = {}
    stack = [(root, converted, "")]
    while stack:
        element, into, parent_tag = stack.pop()
        tag = _local(element.tag).casefold()
        attributes = {_local(key): value for key, value in element.attrib.items()}
        if tag in _SPEECH_BY_ID_TAGS and len(element) and not _names_someone(attributes):
            identifier = next((key for key in attributes if key.casefold() == "id"), None)
            if identifier is not None:
                attributes["speakerId"] = attributes.pop(identifier)
        into.update(attributes)
        text = " ".join((element.text or "").split())
        text_key = "name" if parent_tag in _PEOPLE_TAGS and not len(element) else "text"
        if text and text_key not in into:
            into[text_key] = text
        children = _unwrapped(element)
        repeated = Counter(_local(child.tag) for child in children)
        for child in children:
            child_tag = _local(child.tag)
            key = _PARAGRAPH_TAGS.get(child_tag.casefold(), child_tag)
            if key == child_tag and repeated[child_tag] == 1 and not len(child) and not child.attrib:
                # `<date>2022-08-04</date>`, said once: a field, as JSON would write it.
                into.setdefault(key, " ".join((child.text or "").split()))
                continue
            child_dict: dict = {}
            if (
                key == child_tag
                and repeated[child_tag] == 1
                and not child.attrib
                and child_tag.casefold() not in _SPEECH_BY_ID_TAGS
            ):
                # `<meta>`, `<body>`: a grouping said once is an object, as JSON would write it, so
                # the call's facts in it are read as facts.
                into.setdefault(key, child_dict)
            else:
                into.setdefault(key, []).append(child_dict)
            stack.append((child, child_dict, tag))
    return converted


def _names_someone(attributes: dict[str, str]) -> bool:
    return any(key.casefold() in ("name", "speaker", "speakerid", "speakername") for key in attributes)


def _unwrapped(element: ElementTree.Element) -> list[ElementTree.Element]:
    """The element's children, with a bare wrapper of paragraphs replaced by its paragraphs."""
    children = []
    for child in element:
        paragraphs = list(child)
        if (
            paragraphs
            and not child.attrib
            and not (child.text or "").strip()
            and all(_local(p.tag).casefold() in _PARAGRAPH_TAGS for p in paragraphs)
            and _local(child.tag).casefold() not in _PARAGRAPH_TAGS
        ):
            children.extend(paragraphs)
        else:
            children.append(child)
    return children


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
