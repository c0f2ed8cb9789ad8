"""A separate translation file lined up with a stored call's paragraphs. Plain Python, no Django.

Two layouts are accepted:
- "lines": one translated paragraph per line, in the call's paragraph order. Blank lines and the
  machine-translation disclaimer are skipped. Lines are paired by position, so one line too many or
  too few would shift every line after it onto the wrong paragraph: a count that differs from the
  call's paragraph count is an error, never stored.
- "bilingual": the bilingual transcript layout (doubled speaker lines, each English paragraph
  followed by its Chinese line). Paired by the English text, which survives paragraphs being added,
  dropped or reordered; English the call does not have, and paragraphs the file lacks, are warnings.

Each pairing is also checked for signs of a wrong pair (no Chinese at all, different percentages,
a length far from the usual English/Chinese ratio), shown as doubts in the preview.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict, deque
from dataclasses import dataclass, field

from calls.parsing import TranscriptError, parse_transcript
from calls.parsing.decoding import decode
from calls.parsing.layouts import is_boilerplate

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['.,-][A-Za-z0-9]+)*")
_SPACE = re.compile(r"\s+")
# Chinese characters per English word in machine translations of calls: about 1.5 to 2.5. Far
# outside that, the line is probably another paragraph's; short paragraphs vary too much to judge.
_RATIO_LOW, _RATIO_HIGH, _RATIO_MIN_WORDS = 0.6, 5.0, 8

# Doubts are codes; the pages say them in the interface language (uploads.views.DOUBTS).
NO_CHINESE, PERCENTAGES, SHORTER, LONGER = "no-chinese", "percentages", "shorter", "longer"


@dataclass(frozen=True)
class Note:
    line: int  # 1-based line of the translation file, 0 when the note concerns no line
    message: str

    def as_json(self) -> dict:
        return {"line": self.line, "message": self.message}


@dataclass
class Row:
    """One paragraph of the call and what the file gives it."""

    position: int  # the paragraph's number in the call (#p<n>)
    text: str
    old: str  # its translation now
    new: str  # from the file; "" when the file gives none (the paragraph is left as it is)
    line: int  # the file's line of the translation, 0 when none
    doubts: list[str] = field(default_factory=list)

    @property
    def replaces(self) -> bool:
        return bool(self.old and self.new and self.old != self.new)


@dataclass
class Alignment:
    layout: str  # "lines" or "bilingual"
    rows: list[Row]
    warnings: list[Note]
    errors: list[Note]  # any error and nothing may be stored
    fingerprint: str  # of the call's paragraphs and translations as they were read

    @property
    def translations(self) -> list[str]:
        """One entry per paragraph, in order, for calls.services.call_attach_translation."""
        return [row.new for row in self.rows]

    @property
    def translated(self) -> int:
        return sum(1 for row in self.rows if row.new)

    @property
    def replaced(self) -> int:
        return sum(1 for row in self.rows if row.replaces)

    @property
    def can_store(self) -> bool:
        return not self.errors and self.translated > 0

    def shown_rows(self, first: int = 10) -> list[Row]:
        """The first rows, and after them every doubtful row and every row whose translation is replaced."""
        return [row for index, row in enumerate(self.rows) if index < first or row.doubts or row.replaces]


def fingerprint(paragraphs: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for text, translation in paragraphs:
        digest.update(f"{text}\x1f{translation}\x1e".encode())
    return digest.hexdigest()


def align(data: bytes, paragraphs: list[tuple[str, str]]) -> Alignment:
    """Line up a translation file with a call's paragraphs, given as (English text, translation now).

    Raises TranscriptError when the file is not text at all (empty, binary).
    """
    text, _ = decode(data)
    try:
        parsed = parse_transcript(text)
    except TranscriptError:
        parsed = None  # no speaker lines: plain translation lines
    if parsed is not None and parsed.layout == "bilingual":
        alignment = _by_english(parsed, paragraphs)
    else:
        alignment = _by_position(text, paragraphs)
    for row in alignment.rows:
        if row.new:
            row.doubts = doubts(row.text, row.new)
    return alignment


def _rows(paragraphs: list[tuple[str, str]]) -> list[Row]:
    return [
        Row(position=position, text=text, old=old, new="", line=0)
        for position, (text, old) in enumerate(paragraphs, start=1)
    ]


def _by_position(text: str, paragraphs: list[tuple[str, str]]) -> Alignment:
    rows = _rows(paragraphs)
    warnings: list[Note] = []
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip()
        if not line:
            continue
        if is_boilerplate(line):
            warnings.append(Note(number, "skipped: a disclaimer or heading, not a translation"))
            continue
        lines.append((number, line))
    errors: list[Note] = []
    if len(lines) > len(rows):
        extra = lines[len(rows) :]
        errors.append(
            Note(
                extra[0][0],
                f"{len(lines)} translation lines for {len(rows)} paragraphs: "
                f"{_span('line', [number for number, _ in extra])} without a paragraph. "
                "A line too many anywhere shifts every line after it; remove it and upload the file again",
            )
        )
    elif len(lines) < len(rows):
        errors.append(
            Note(
                lines[-1][0] if lines else 0,
                f"{len(lines)} translation lines for {len(rows)} paragraphs: "
                f"{_span('paragraph', range(len(lines) + 1, len(rows) + 1))} without a line. "
                "A missing line anywhere shifts every line after it; add it and upload the file again",
            )
        )
    for row, (number, line) in zip(rows, lines, strict=False):
        row.new, row.line = line, number
    return Alignment(
        layout="lines", rows=rows, warnings=warnings, errors=errors, fingerprint=fingerprint(paragraphs)
    )


def _key(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def _by_english(parsed, paragraphs: list[tuple[str, str]]) -> Alignment:
    rows = _rows(paragraphs)
    warnings: list[Note] = []
    in_file = defaultdict(deque)  # the same English twice ("Thank you.") pairs in order of appearance
    for turn in parsed.turns:
        for paragraph in turn.paragraphs:
            in_file[_key(paragraph.text)].append(paragraph)
    for row in rows:
        found = in_file.get(_key(row.text))
        if not found:
            warnings.append(Note(0, f"paragraph {row.position} is not in the file: it is left as it is"))
            continue
        paragraph = found.popleft()
        if not paragraph.translation:
            warnings.append(
                Note(
                    paragraph.line, f"paragraph {row.position} has no translation in the file: left as it is"
                )
            )
            continue
        row.new, row.line = paragraph.translation.strip(), paragraph.translation_line
    left = sorted((p for found in in_file.values() for p in found), key=lambda p: p.line)
    for paragraph in left:
        warnings.append(
            Note(paragraph.line, "this English paragraph is not in the call: its translation is left out")
        )
    return Alignment(
        layout="bilingual", rows=rows, warnings=warnings, errors=[], fingerprint=fingerprint(paragraphs)
    )


def doubts(text: str, translation: str) -> list[str]:
    """Signs that a translation belongs to another paragraph, as codes (NO_CHINESE, PERCENTAGES, ...)."""
    found = []
    chinese = len(_CJK.findall(translation))
    if not chinese:
        found.append(NO_CHINESE)
    english_percentages = set(_PERCENT.findall(text))
    chinese_percentages = set(_PERCENT.findall(translation))
    if english_percentages != chinese_percentages:
        found.append(PERCENTAGES)
    words = len(_WORD.findall(text))
    if chinese and words >= _RATIO_MIN_WORDS:
        ratio = chinese / words
        if ratio < _RATIO_LOW:
            found.append(SHORTER)
        elif ratio > _RATIO_HIGH:
            found.append(LONGER)
    return found


def _span(what: str, numbers) -> str:
    """ "line 51" or "lines 51–53" (the numbers are consecutive)."""
    numbers = list(numbers)
    return f"{what} {numbers[0]}" if len(numbers) == 1 else f"{what}s {numbers[0]}–{numbers[-1]}"
