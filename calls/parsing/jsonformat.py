"""Transcript providers' JSON.

`read_json` reads any provider's JSON into a `ReadLayout`, judged from its structure rather than one
provider's key names. Turns are the lists of objects that each hold a speaker (a key such as speaker,
name, speaker_name, participant or person; a string, an object with a name, or an id into a speakers
list) and a text (speech, text, content, utterance or paragraphs; a string or a list; newlines split
paragraphs), wherever they sit in the structure. A list's section comes from its key or its parent's
name ("prepared_remarks", "presentation" / "q_and_a", "qa", "questions") or from a section key on
each entry; when every turn would be "prepared" (no Q&A list at all) it is left unset, since a
failed split is likelier than a call without questions. Titles and firms come from the entry or from
a participants list ("Jane Doe--Chief Executive Officer", "Joe Bloggs--UBS -- Analyst", or
objects); those listed as analysts get `Role.ANALYST`. Company, ticker, year, quarter, date and
title come from keys of the objects near the top. Without usable turns, the longest string field
(at least 500 characters) is taken as the page text: layout "json-text", `embedded_text` set, for
the text reader.

Line accounting, over the file's non-blank physical lines: a line holding a string that became
speech (for "json-text", the embedded text) counts as `speech`; else a line holding a speaker string
as `speaker`; every other line (braces, keys, metadata, participants, entries left out) as `header`.
A minified one-line file is therefore one line of speech. Turns and paragraphs carry the lines of
their strings.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from dataclasses import dataclass

from .blocks import (
    SPEAKER_FIELDS,
    add_field,
    clean_name,
    field_name,
    line_counts,
    norm_key,
    role_from_word,
    section_from_words,
)
from .decoding import speech_without_markup
from .labels import has_title_word, split_rest
from .model import (
    LabelledTurn,
    Paragraph,
    ParseWarning,
    ReadLayout,
    Role,
    Section,
    TranscriptError,
)
from .names import name_key


def looks_like_json(text: str) -> bool:
    """An object, or a list of objects (an API's answer: `[{"symbol": ..., "content": ...}]`); not a
    text that opens with a bracketed label ("[Operator]")."""
    head = text.lstrip()[:200]
    return (head.startswith("{") and '"' in head) or bool(_LIST_OF_OBJECTS.match(head))


_LIST_OF_OBJECTS = re.compile(r'\[\s*\{\s*"')


_MAX_DEPTH = 64  # structure deeper than this is not looked into (no transcript nests that far)
_MIN_EMBEDDED = 500  # characters of a string field taken as the page text
_STRING = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')
_COLON = re.compile(r"\s*:")
_SURROGATE = re.compile("[\ud800-\udfff]")

_SPEAKER_KEYS = (*SPEAKER_FIELDS, "speakerid")
_TEXT_KEYS = (
    "speech",
    "text",
    "content",
    "utterance",
    "utterancetext",
    "paragraphs",
    "paragraph",
    "speechtext",
    "body",
    "transcript",
    "statement",
    "remarks",
    "message",
    "sentences",
    "said",
)
_INNER_TEXT_KEYS = ("text", "content", "paragraph", "speech", "sentence", "value", "body")
_INNER_NAME_KEYS = ("name", "fullname", "displayname", "speakername", "label")
_TITLE_KEYS = ("title", "speakertitle", "jobtitle", "position", "designation", "speakerposition")
_FIRM_KEYS = (
    "firm",
    "company",
    "speakercompany",
    "speakerfirm",
    "organization",
    "organisation",
    "affiliation",
    "employer",
    "institution",
)
_ROLE_KEYS = ("role", "speakerrole", "speakertype", "type", "side", "category", "participanttype")
_SECTION_KEYS = ("section", "sectionname", "sectiontype", "part", "phase", "session")
_ID_KEYS = ("id", "speakerid", "key", "index", "number")
_OWN_SECTION_KEYS = ("section", "sectionname", "name", "heading", "type", "kind", "label")
_PARTICIPANT_KEYS = frozenset(
    {
        "participants",
        "participant",
        "callparticipants",
        "speakers",
        "attendees",
        "people",
        "executives",
        "analysts",
        "corporateparticipants",
        "companyparticipants",
        "conferencecallparticipants",
        "management",
        "speakerlist",
    }
)
_PARTICIPANT_DASH = re.compile(r"\s+[-–—]{1,2}\s+")
_OFFICER_TITLE = re.compile(
    r"\b(?:chief|officer|president|vice\s+president|chairman|chairwoman|ceo|cfo|coo|evp|svp|treasurer|"
    r"controller|general\s+counsel)\b",
    re.IGNORECASE,
)
_FIRM_SPLIT = re.compile(r"\s+-{2,}\s*|\s*-{2,}\s+")


@dataclass
class _Person:
    name: str
    title: str = ""
    firm: str = ""
    role: Role | None = None


@dataclass
class _Entry:
    label: str  # "" when the speaker is given by an id
    texts: list[str]  # the raw strings holding the speech
    speaker_id: str = ""  # an id into a speakers list ({"speaker": 3}), resolved once all is walked
    speaker_string: str = ""  # the raw speaker string, for its line
    title: str = ""
    firm: str = ""
    role: Role | None = None
    section: Section | None = None


@dataclass
class _TurnList:
    order: int
    key: str
    section: Section | None
    entries: list[_Entry | None]  # None: an element that is not a turn


def read_json(text: str, *, filename: str = "") -> ReadLayout:
    """Read any provider's JSON transcript into labelled turns, or its embedded page text."""
    del filename  # the file name is only for messages, which the caller adds
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        data = json.loads(text)
    except RecursionError:
        raise TranscriptError("the JSON nests too deeply to be a transcript") from None
    except ValueError as error:
        data = _json_lines(text)
        if data is None:
            raise TranscriptError(f"the file looks like JSON but does not parse: {error}") from None
    if not isinstance(data, dict | list):
        raise TranscriptError(
            f"expected a JSON object holding the transcript's turns or text; the file holds {_kind(data)}"
        )
    return read_structure(data, _Strings(text))


def read_structure(data: dict | list, strings: _Strings | None = None) -> ReadLayout:
    """Read a transcript's nested structure (parsed JSON, or XML as dicts and lists) into turns.

    `strings` locates the raw strings in the file's lines for the line counts; without it (XML) the
    caller counts the lines.
    """
    walk = _Walk()
    walk.run(data)
    strings = strings or _Strings("")
    fields: dict[str, str] = {}
    for *_where, name, value in sorted(walk.facts, key=lambda fact: fact[:3]):
        add_field(fields, name, value)
    turns, warnings = _turns(walk, strings)
    if turns:
        speech = {raw for turn in turns for raw in turn.texts}
        speakers = {turn.speaker_string for turn in turns if turn.speaker_string}
        return ReadLayout(
            layout="json",
            turns=[turn.turn for turn in turns],
            warnings=warnings,
            fields=fields,
            line_counts=strings.counts(speech, speakers),
        )
    embedded = _embedded(walk)
    if embedded:
        return ReadLayout(
            layout="json-text",
            turns=[],
            warnings=warnings,
            fields=fields,
            line_counts=strings.counts(set(embedded), set()),
            embedded_text=_clean("\n\n".join(part.strip("\n") for part in embedded)),
        )
    if walk.too_deep:
        raise TranscriptError(
            f"the JSON nests more than {_MAX_DEPTH} levels deep, too deep to be a transcript"
        )
    raise TranscriptError(
        f"JSON without speaker turns: expected lists of objects each with a speaker (such as 'speaker' or "
        f"'name') and a text (such as 'speech' or 'text'), or a string field holding the transcript; "
        f"the file holds {_kind(data)}"
    )


def _json_lines(text: str) -> list | None:
    """JSON Lines (one object per line, a row per paragraph) read as the list of its objects."""
    rows = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (ValueError, RecursionError):
            return None
        if not isinstance(row, dict):
            return None
        rows.append(row)
    return rows if len(rows) >= 2 else None


def _kind(data: object, *, inner: bool = False) -> str:
    """What the JSON holds, for messages: "a list of numbers", "an object with keys 'a', 'b'"."""
    if isinstance(data, bool) or data is None:
        return "true/false" if inner else f"just {json.dumps(data)}"
    if isinstance(data, int | float):
        return "number" if inner else "a number"
    if isinstance(data, str):
        return "string" if inner else "a string"
    if isinstance(data, list):
        if inner:
            return "list"
        kinds = {_kind(item, inner=True) for item in data[:50]}
        if not kinds:
            return "an empty list"
        return f"a list of {kinds.pop()}s" if len(kinds) == 1 else "a list of mixed values"
    if isinstance(data, dict):
        if inner:
            return "object"
        keys = ", ".join(f"'{key}'" for key in list(data)[:6])
        return f"an object with keys {keys}" if keys else "an empty object"
    return type(data).__name__


def _clean(text: str) -> str:
    """JSON may escape lone surrogates ("\\ud800"), which no database stores: they become U+FFFD."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def _scalar(value: object) -> str:
    """A JSON scalar as written, "" for null, booleans and non-finite or fractional numbers."""
    if isinstance(value, str):
        return _clean(value.strip())
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return str(value) if abs(value) < 10**18 else ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return ""


def _normalised(entry: dict) -> dict[str, object]:
    keys: dict[str, object] = {}
    for key, value in entry.items():
        keys.setdefault(norm_key(key), value)
    return keys


def _first(keys: dict[str, object], candidates: tuple[str, ...]) -> str:
    for candidate in candidates:
        value = keys.get(candidate)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


class _Walk:
    """One pass over the structure, without recursion: turn lists, participants, facts, long strings."""

    def __init__(self) -> None:
        self.lists: list[_TurnList] = []
        self.people: dict[str, _Person] = {}
        self.ids: dict[str, str] = {}  # a speaker id (as text) -> name
        # (depth, order, key position, field, value): the shallowest, earliest statement wins
        self.facts: list[tuple[int, int, int, str, str]] = []
        self.strings: list[tuple[int, str, str]] = []  # (order, key, value) of long strings
        self.order = 0
        self.too_deep = False

    def run(self, data: object) -> None:
        # (value, key, section hint, depth, reached through objects only)
        stack: list[tuple[object, str, Section | None, int, bool]] = [(data, "", None, 0, True)]
        while stack:
            value, key, hint, depth, plain = stack.pop()
            self.order += 1
            if depth > _MAX_DEPTH:
                self.too_deep = True
                continue
            if isinstance(value, dict):
                stack.extend(reversed(self._object(value, hint, depth, plain)))
            elif isinstance(value, list):
                entries = _turn_entries(value, self)
                if entries is not None:
                    self.lists.append(_TurnList(self.order, key, hint, entries))
                    continue
                # An API's answer of one document (`[{"symbol": ..., "content": ...}]`) states its
                # facts as the document itself would.
                alone = depth == 0 and len(value) == 1
                stack.extend(
                    reversed(
                        [
                            (item, key, hint, depth + 1, alone)
                            for item in value
                            if isinstance(item, dict | list)
                        ]
                    )
                )

    def _object(self, value: dict, hint: Section | None, depth: int, plain: bool) -> list:
        keys = _normalised(value)
        for own in _OWN_SECTION_KEYS:
            word = keys.get(own)
            if isinstance(word, str) and len(word) <= 40 and section_from_words(word):
                hint = section_from_words(word)
                break
        children = []
        for position, (key, child) in enumerate(value.items()):
            normal = norm_key(key)
            if plain and depth <= 3:
                self._fact(normal, child, depth, position)
            if normal in _PARTICIPANT_KEYS:
                self._participants(child, role_from_word(normal))
            if isinstance(child, str):
                if len(child.strip()) >= _MIN_EMBEDDED:
                    self.strings.append((self.order, key, child))
            elif isinstance(child, dict | list):
                children.append((child, key, section_from_words(key) or hint, depth + 1, plain))
        return children

    def _fact(self, key: str, value: object, depth: int, position: int) -> None:
        name = field_name(key)
        if name is None:
            return
        if isinstance(value, dict) and name == "company":
            inner = _normalised(value)
            for inner_key, inner_name in (("name", "company"), ("ticker", "ticker"), ("symbol", "ticker")):
                text = _scalar(inner.get(inner_key))
                if text:
                    self.facts.append((depth + 1, self.order, position, inner_name, text))
            return
        text = _scalar(value)
        if text:
            self.facts.append((depth, self.order, position, name, text))

    def _participants(self, value: object, role: Role | None) -> None:
        groups = [(value, role)]
        if isinstance(value, dict):  # {"executives": [...], "analysts": [...]}
            groups = [(items, role_from_word(key) or role) for key, items in value.items()]
        for items, side in groups:
            if not isinstance(items, list):
                continue
            for item in items:
                person = _person(item, side)
                if person is None:
                    continue
                self.people.setdefault(name_key(person.name), person)
                if isinstance(item, dict):
                    keys = _normalised(item)
                    for id_key in _ID_KEYS:
                        ident = _scalar(keys.get(id_key))
                        if ident:
                            self.ids.setdefault(ident, person.name)
                            break


def _split_label(text: str, side: Role | None = None) -> _Person:
    """ "Jane Doe--Chief Executive Officer", "Joe Bloggs--UBS -- Analyst", "Sam Lee - Calder - Analyst"."""
    text = " ".join(text.split())
    name, separator, rest = text.partition("--")
    if not separator:
        parts = _PARTICIPANT_DASH.split(text, maxsplit=1)
        name, rest = (parts[0], parts[1]) if len(parts) == 2 else (text, "")
    rest = rest.strip(" -")
    firm, title = "", rest
    # "UBS -- Analyst", "KBW --Analyst": a spaced double dash splits firm from title, as does a single
    # dash before "Analyst"; "Executive Vice President--Finance" is one title.
    splits = list((_FIRM_SPLIT if "--" in rest else _PARTICIPANT_DASH).finditer(rest))
    if splits and ("--" in rest or rest.casefold().endswith("analyst")):
        firm, title = rest[: splits[-1].start()].strip(" -"), rest[splits[-1].end() :].strip(" -")
        if _OFFICER_TITLE.search(firm) and not re.search(r"\b(?:analyst|investor)$", title, re.IGNORECASE):
            # "President and Chief Operating Officer -- Bedding Products": a title and its segment.
            firm, title = "", f"{firm}, {title}"
    if side is None and title.casefold().endswith("analyst"):
        side = Role.ANALYST
    return _Person(clean_name(name), title, firm, side)


def _person(item: object, side: Role | None) -> _Person | None:
    if isinstance(item, str) and item.strip():
        return _split_label(item, side)
    if not isinstance(item, dict):
        return None
    keys = _normalised(item)
    name = _first(keys, _INNER_NAME_KEYS + _SPEAKER_KEYS[:-1])
    if not name:
        return None
    title = _first(keys, _TITLE_KEYS)
    stated_role, said = _role_fields(keys)
    role = stated_role or side
    # {"role": "CEO", "type": "executive"}: a "role" that names no side is the person's title.
    title = title or said
    firm = _first(keys, _FIRM_KEYS)
    # {"name": ..., "description": "Chief Financial Officer" or "Calder Partners"}.
    described = _first(keys, ("description", "desc", "about"))
    if described and len(described) <= 120:
        analyst_word = described.casefold().endswith("analyst")
        if role == Role.ANALYST and not analyst_word:
            firm = firm or described  # an analyst is described by the firm ("Calder Partners")
        elif not title and (analyst_word or has_title_word(described)):
            title = described
        elif not firm:
            firm = described
    if role is None and title.casefold().endswith("analyst"):
        role = Role.ANALYST
    return _Person(clean_name(name), title, firm, role)


def _role_fields(keys: dict[str, object]) -> tuple[Role | None, str]:
    """What an object's role fields ("role", "type", "side"...) say: the side the first of them to
    name one names, and the first that names no side but reads as a title or firm ("CEO",
    "Head of Investor Relations", "Calder Partners")."""
    stated = [value for key in _ROLE_KEYS if (value := _scalar(keys.get(key)))]
    role = next((found for value in stated if (found := role_from_word(value))), None)
    said = next((value for value in stated if not role_from_word(value) and has_title_word(value)), "")
    return role, said


def _turn_entries(items: list, walk: _Walk) -> list[_Entry | None] | None:
    """The list's entries when it is a list of turns (most of its objects hold a speaker and a text)."""
    objects = [item for item in items if isinstance(item, dict)]
    if not objects or len(objects) * 2 < len(items):
        return None
    entries = [_entry(item, walk) if isinstance(item, dict) else None for item in items]
    found = [entry for entry in entries if entry is not None]
    if not found or len(found) * 2 < len(objects):
        return None
    if all(entry.label and section_from_words(entry.label) for entry in found):
        return None  # {"name": "Presentation", "text": ...}: sections, not speakers
    for name, value in _constant_fields(objects).items():
        # One row per paragraph, each repeating the call ({"company": ..., "ticker": ...}): what every
        # row says alike is the call's, and a "company" said alike by the operator too is no one's firm.
        walk.facts.append((_MAX_DEPTH + 1, walk.order, 0, name, value))
        if name == "company":
            for entry in found:
                if entry.firm == value:
                    entry.firm = ""
    return entries


def _constant_fields(objects: list[dict]) -> dict[str, str]:
    if len(objects) < 2:
        return {}
    first = _normalised(objects[0])
    candidates = {
        key: _scalar(value)
        for key, value in first.items()
        if field_name(key) and not isinstance(value, dict | list) and _scalar(value)
    }
    for item in objects[1:]:
        if not candidates:
            break
        keys = _normalised(item)
        candidates = {key: text for key, text in candidates.items() if _scalar(keys.get(key)) == text}
    return {field_name(key): " ".join(text.split()) for key, text in candidates.items()}


def _entry(item: dict, walk: _Walk) -> _Entry | None:
    keys = _normalised(item)
    texts: list[str] = []
    for key in _TEXT_KEYS:
        if key in keys:
            texts = _texts(keys[key])
            if texts:
                break
    label = speaker_string = speaker_id = ""
    title = firm = ""
    role: Role | None = None
    # {"speaker": "spk01", "speaker_info": {"name": "Jane Doe", "title": "CFO"}}: the object beside
    # a speaker code says who it is.
    described = next(
        (
            inner
            for key, value in keys.items()
            if isinstance(value, dict)
            and (key.startswith("speaker") or key in SPEAKER_FIELDS)
            and _first(inner := _normalised(value), _INNER_NAME_KEYS)
        ),
        None,
    )
    if described is not None:
        label = speaker_string = _first(described, _INNER_NAME_KEYS)
        title, firm = _first(described, _TITLE_KEYS), _first(described, _FIRM_KEYS)
        role = role_from_word(_first(described, _ROLE_KEYS))
    for key in () if described is not None else _SPEAKER_KEYS:
        value = keys.get(key)
        if isinstance(value, str) and value.strip():
            if key == "speakerid":
                speaker_id = value.strip()
            else:
                label = speaker_string = value
            break
        if isinstance(value, dict):
            inner = _normalised(value)
            label = _first(inner, _INNER_NAME_KEYS)
            speaker_string = label
            title, firm = _first(inner, _TITLE_KEYS), _first(inner, _FIRM_KEYS)
            role = role_from_word(_first(inner, _ROLE_KEYS))
            if label:
                break
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**9:
            speaker_id = str(value)
            break
    if not (label or speaker_id) or not texts:
        return None
    if len(keys) <= 2:  # just a speaker and a text, as most providers write turns: nothing else to read
        return _Entry(label=label, speaker_id=speaker_id, texts=texts, speaker_string=speaker_string,
                      title=title, firm=firm, role=role, section=None)  # fmt: skip
    section_word = _first(keys, _SECTION_KEYS)
    stated_role, said = _role_fields(keys)
    role = role or stated_role
    title, firm = title or _first(keys, _TITLE_KEYS), firm or _first(keys, _FIRM_KEYS)
    # {"speaker": "Jane Doe", "role": "Head of Investor Relations"} or "role": "Calder Partners": a
    # "role" that names no side says the speaker's title or firm, as a label's rest would.
    if said:
        said_firm, said_title = split_rest(said)
        title, firm = title or said_title, firm or said_firm
    return _Entry(
        label=label,
        speaker_id=speaker_id,
        texts=texts,
        speaker_string=speaker_string,
        title=title,
        firm=firm,
        role=role,
        section=section_from_words(section_word) if section_word else None,
    )


def _texts(value: object) -> list[str]:
    """The raw strings of a speech: a string, a list of strings, or a list of {"text": ...} objects."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if not isinstance(value, list):
        return []
    texts = []
    for item in value:
        if isinstance(item, str) and item.strip():
            texts.append(item)
        elif isinstance(item, dict):
            inner = _normalised(item)
            for key in _INNER_TEXT_KEYS:
                text = inner.get(key)
                if isinstance(text, str) and text.strip():
                    texts.append(text)
                    break
    return texts


@dataclass
class _Built:
    turn: LabelledTurn
    texts: list[str]
    speaker_string: str


def _turns(walk: _Walk, strings: _Strings) -> tuple[list[_Built], list[ParseWarning]]:
    warnings: list[ParseWarning] = []
    # A list that repeats turns already in a longer one ("transcript" beside "prepared" and "qa"):
    # read once, its section lent to the turns that lack one.
    kept: list[_TurnList] = []
    seen: dict[tuple[str, str], _Entry] = {}
    for turn_list in sorted(walk.lists, key=lambda item: -sum(1 for e in item.entries if e)):
        entries = [entry for entry in turn_list.entries if entry is not None]
        signatures = [(name_key(entry.label or entry.speaker_id), entry.texts[0][:200]) for entry in entries]
        if kept and sum(1 for signature in signatures if signature in seen) * 10 >= len(signatures) * 9:
            for entry, signature in zip(entries, signatures, strict=True):
                known = seen.get(signature)
                if known is not None and known.section is None:
                    known.section = entry.section or turn_list.section
            continue
        kept.append(turn_list)
        for entry, signature in zip(entries, signatures, strict=True):
            seen.setdefault(signature, entry)
    built: list[_Built] = []
    cursor = 0
    for turn_list in sorted(kept, key=lambda item: item.order):
        for number, entry in enumerate(turn_list.entries, start=1):
            where = f"entry {number} of '{turn_list.key}'" if turn_list.key else f"entry {number}"
            if entry is None:
                warnings.append(ParseWarning(0, f"{where} has no speaker or no text; ignored"))
                continue
            start = cursor
            text_lines = [strings.line_of(raw, start) for raw in entry.texts]
            label_line = strings.line_of(entry.speaker_string, start) if entry.speaker_string else 0
            cursor = max([cursor, label_line, *text_lines])
            built.append(
                _Built(
                    _labelled(entry, turn_list, walk, label_line, text_lines),
                    entry.texts,
                    entry.speaker_string,
                )
            )
    if built and all(item.turn.section == Section.PREPARED for item in built):
        # Everything under "prepared_remarks" and no Q&A list: a failed split more often than a call
        # without questions, so the section is left for inference to find.
        for item in built:
            item.turn.section = None
    return built, warnings


def _labelled(
    entry: _Entry, turn_list: _TurnList, walk: _Walk, line: int, text_lines: list[int]
) -> LabelledTurn:
    written = entry.label or entry.speaker_id
    name = clean_name(entry.label)
    if entry.speaker_id or (written in walk.ids and name_key(written) not in walk.people):
        # {"speaker": 3} or {"speaker": "B"} with a speakers list giving each id its name.
        name = clean_name(walk.ids.get(written, f"Speaker {written}"))
    if re.fullmatch(r"[A-Z]", name) and name not in walk.ids and name_key(name) not in walk.people:
        name = f"Speaker {name}"  # diarization's "A", "B": a voice, not a name
    title, firm, role = entry.title, entry.firm, entry.role
    person = walk.people.get(name_key(name))
    if person is None and ("--" in name or _PARTICIPANT_DASH.search(name)):
        person = _split_label(name)  # "Joe Bloggs--UBS -- Analyst" as the speaker itself
        name = person.name
        person = walk.people.get(name_key(name), person)
    if person is not None:
        title, firm, role = title or person.title, firm or person.firm, role or person.role
    if role is None and title.casefold().endswith("analyst"):
        role = Role.ANALYST
    paragraphs = [
        Paragraph(_clean(part.strip()), text_line)
        for raw, text_line in zip(entry.texts, text_lines, strict=True)
        for part in speech_without_markup(raw).split("\n")
        if part.strip()
    ]
    return LabelledTurn(
        label=_clean(written),
        name=_clean(name),
        line=line or (text_lines[0] if text_lines else 0),
        paragraphs=paragraphs,
        title=_clean(title),
        firm=_clean(firm),
        section=entry.section or turn_list.section,
        role=role,
    )


def _embedded(walk: _Walk) -> list[str]:
    """The longest long string, then other long section strings it does not already hold."""
    if not walk.strings:
        return []
    main = max(walk.strings, key=lambda item: len(item[2]))
    parts = [main]
    for item in walk.strings:
        if item is main or not section_from_words(item[1]):
            continue
        probe = item[2].strip()[:200]
        if all(probe not in part[2] for part in parts):
            parts.append(item)
    return [value for _order, _key, value in sorted(parts)]


class _Strings:
    """Where each string value of the JSON text sits: its physical line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.values: list[tuple[int, str]] = []  # (line, value) of every string that is not a key
        self.lines_of: dict[str, list[int]] = {}
        line, last = 1, 0
        for match in _STRING.finditer(text):
            line += text.count("\n", last, match.start())
            last = match.start()
            if _COLON.match(text, match.end()):
                continue
            raw = match.group()
            value = raw[1:-1]
            if "\\" in value:
                try:
                    value = json.loads(raw)
                except ValueError:
                    continue
            self.values.append((line, value))
            self.lines_of.setdefault(value, []).append(line)

    def line_of(self, value: str, at_least: int) -> int:
        lines = self.lines_of.get(value)
        if not lines:
            return 0
        index = bisect.bisect_left(lines, at_least)
        return lines[index] if index < len(lines) else lines[-1]

    def counts(self, speech: set[str], speakers: set[str]) -> dict[str, int]:
        kinds: dict[int, str] = {}
        for line, value in self.values:
            if value in speech:
                kinds[line] = "speech"
            elif value in speakers and kinds.get(line) != "speech":
                kinds[line] = "speaker"
        tally = Counter(
            kinds.get(number, "header")
            for number, physical in enumerate(self.text.split("\n"), start=1)
            if physical.strip()
        )
        return line_counts(
            speech=tally["speech"], speaker=tally["speaker"], header=tally["header"], ignored=0
        )
