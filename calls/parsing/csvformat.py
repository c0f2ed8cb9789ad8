"""CSV transcripts: one row per turn or per segment, with a speaker column.

Headered or headerless; comma, semicolon, tab or pipe delimited (the delimiter that gives the most
consistent number of fields wins). Columns are found from their header names when there is a header
("Speaker Name", "Text", "Section", "Speaker Role"...) and otherwise from their values: the speaker
column holds short name-like strings that repeat (the operator among them), the text column the
longest values, a section column words such as "qna" or "presentation", a role column words such as
"analyst" or "company".

Consecutive rows of the same speaker (and section) are one turn, each row a paragraph. A file whose
company, call title, date or call id columns hold several calls is refused: one file is one call.

Line numbers are the 1-based physical lines where rows start (a quoted text may span lines).
Accounting: the non-blank physical lines of a row that gives a paragraph count as `speech`, the
header row as `header`, rows that give nothing as `ignored` (each with a warning).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .blocks import (
    SPEAKER_FIELDS,
    add_field,
    clean_name,
    field_name,
    line_counts,
    name_score,
    norm_key,
    role_from_word,
    section_from_words,
)
from .labels import side_from_affiliation, split_rest
from .model import LabelledTurn, Paragraph, ParseWarning, ReadLayout, Role, Section, TranscriptError

_DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_ROWS = 200
_NUMERIC = re.compile(r"[-+]?(?:\d+(?:[.,:]\d+)*|\d*\.\d+)(?:e[-+]?\d+)?%?|[A-Za-z]{0,3}[-_]?\d{2,}", re.I)
_LEADING_DASHES = re.compile(r"^\s*(?:-{2,}|[–—])\s*")

_SPEAKER_HEADERS = SPEAKER_FIELDS
_TEXT_HEADERS = (
    "text",
    "speech",
    "content",
    "utterance",
    "utterancetext",
    "transcript",
    "body",
    "paragraph",
    "sentence",
    "segmenttext",
    "turntext",
    "speechtext",
    "statement",
    "remarks",
    "message",
    "words",
)
_SECTION_HEADERS = (
    "section",
    "sectionname",
    "sectiontype",
    "callsection",
    "part",
    "phase",
    "portion",
    "session",
)
_TITLE_HEADERS = ("speakertitle", "jobtitle", "position", "designation", "speakerposition", "title")
_ROLE_HEADERS = ("speakerrole", "role", "speakertype", "participanttype", "type", "side", "category", "party")
_FIRM_HEADERS = (
    "speakerfirm",
    "speakercompany",
    "firm",
    "organization",
    "organisation",
    "affiliation",
    "speakeraffiliation",
    "employer",
    "institution",
    "company",
)
# Columns that name the call a row belongs to: several values mean several calls in one file.
_CALL_HEADERS = frozenset(
    {
        "company",
        "companyname",
        "issuer",
        "ticker",
        "symbol",
        "calltitle",
        "title",
        "eventtitle",
        "event",
        "eventname",
        "call",
        "callid",
        "callname",
        "transcriptid",
        "eventid",
        "date",
        "calldate",
        "eventdate",
        "publicationdate",
        "publisheddate",
        "published",
        "quarterenddate",
        "periodenddate",
        "period",
        "fiscalperiod",
        "quarter",
        "fiscalquarter",
        "year",
        "fiscalyear",
        "url",
        "sourceurl",
    }
)
_CALL_NAME_HEADERS = ("calltitle", "eventtitle", "eventname", "callname", "title", "event")
_KNOWN_HEADERS = (
    frozenset(_SPEAKER_HEADERS + _TEXT_HEADERS + _SECTION_HEADERS + _TITLE_HEADERS + _ROLE_HEADERS)
    | frozenset(_FIRM_HEADERS)
    | _CALL_HEADERS
)
_FIELD_HEADERS = {"publicationdate": "date", "publisheddate": "date", "published": "date"}


@dataclass
class _Row:
    start: int  # 1-based physical line where the row starts
    end: int  # last physical line of the row
    cells: list[str]


@dataclass
class _Columns:
    speaker: int
    text: int
    section: int | None = None
    title: int | None = None
    role: int | None = None
    firm: int | None = None
    call: tuple[int, ...] = ()  # columns naming the call (company, title, date...)


def looks_like_csv(text: str) -> bool:
    """True when the text reads as delimited rows with a speaker column and a text column."""
    try:
        _delimiter, rows = _rows(text, limit=_SAMPLE_ROWS)
        header, data = _split_header(rows)
        _columns(header, data)
    except TranscriptError:
        return False
    return len(data) >= (1 if header else 2)


_TABLE_ROW = re.compile(r"^\s*\|(?P<cells>.*)\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")
_PIPE = re.compile(r"(?<!\\)\|")
_EMPHASIS = re.compile(r"^(\*\*|__)(.+)\1$")


def read_markdown_table(text: str) -> ReadLayout | None:
    """A Markdown table of speaker rows ("| Speaker | Role | Remarks |" under a "|---|" rule), read as
    the CSV it is; the lines around the table (a title, a date) are its header. None when the text
    holds no such table."""
    lines = re.split(r"\r\n|\r|\n", text)
    rules = [number for number, line in enumerate(lines) if _TABLE_RULE.match(line)]
    rows = sum(1 for line in lines if _TABLE_ROW.match(line))
    if not rules or rows < 3:
        return None
    table: list[str] = []
    outside: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        row = _TABLE_ROW.match(line)
        if row and not _TABLE_RULE.match(line):
            cells = [_table_cell(cell) for cell in _PIPE.split(row["cells"])]
            table.append("\t".join(cells))
            continue
        table.append("")  # keeps every row on its own line number
        if line.strip() and not _TABLE_RULE.match(line):
            outside.append((number, line.strip().lstrip("#").strip()))
    table_text = "\n".join(table)
    if not looks_like_csv(table_text):
        return None
    read = read_csv(table_text)
    read.layout = "markdown-table"
    read.header[:0] = outside
    counts = read.line_counts
    read.line_counts = line_counts(
        speech=counts["speech"],
        speaker=counts["speaker"],
        header=counts["header"] + len(outside),
        ignored=counts["ignored"] + len(rules),
    )
    return read


def _table_cell(cell: str) -> str:
    cell = " ".join(cell.replace("\\|", "|").split())
    emphasis = _EMPHASIS.match(cell)
    return emphasis[2].strip() if emphasis else cell


def read_csv(text: str, *, filename: str = "") -> ReadLayout:
    """Read a CSV transcript into labelled turns (one turn per run of rows of the same speaker)."""
    del filename  # the file name is only for messages, which the caller adds
    delimiter, rows = _rows(text)
    header, data = _split_header(rows)
    columns = _columns(header, data)
    _refuse_several_calls(header, data, columns)
    warnings: list[ParseWarning] = []
    width = max(len(header.cells) if header else 0, _consistency(data)[1])
    lines = re.split(r"\r\n|\r|\n", text)
    kinds: dict[int, str] = {}  # physical line -> what it was counted as

    def count(row: _Row, kind: str) -> None:
        for number in range(row.start, row.end + 1):
            kinds[number] = kind

    turns: list[LabelledTurn] = []
    header_lines: list[tuple[int, str]] = []
    if header:
        header_lines.append((header.start, " ".join(lines[header.start - 1 : header.end]).strip()))
        count(header, "header")
    for row in data:
        cells = _fit(row, width, columns.text, delimiter, warnings)
        label = cells[columns.speaker]
        name = clean_name(label)
        paragraph = _LEADING_DASHES.sub("", cells[columns.text]).strip()
        section = _section(cells, columns)
        if not paragraph:
            count(row, "ignored")
            warnings.append(ParseWarning(row.start, "row without text; ignored"))
            continue
        if not name:
            if not turns:
                count(row, "ignored")
                warnings.append(ParseWarning(row.start, "row without a speaker before any turn; ignored"))
                continue
            warnings.append(
                ParseWarning(
                    row.start, f"row without a speaker; its text is added to {turns[-1].name}'s turn"
                )
            )
            turns[-1].paragraphs.append(Paragraph(paragraph, row.start))
            count(row, "speech")
            continue
        last = turns[-1] if turns else None
        if last is None or last.name.casefold() != name.casefold() or (section and last.section != section):
            last = LabelledTurn(label=label, name=name, line=row.start, section=section)
            turns.append(last)
        _fill(last, cells, columns)
        last.paragraphs.append(Paragraph(paragraph, row.start))
        count(row, "speech")
    tally = Counter[str]()
    for number, line in enumerate(lines, start=1):
        if line.strip():
            kind = kinds.get(number)
            if kind is None:  # a row of empty fields
                kind = "ignored"
                warnings.append(ParseWarning(number, "row without any value; ignored"))
            tally[kind] += 1
    if not turns:
        raise TranscriptError("the CSV has a speaker column but no row with both a speaker and a text")
    return ReadLayout(
        layout="csv",
        turns=turns,
        header=header_lines,
        warnings=warnings,
        fields=_fields(header, data, columns),
        line_counts=line_counts(
            speech=tally["speech"], speaker=0, header=tally["header"], ignored=tally["ignored"]
        ),
    )


# --- rows ------------------------------------------------------------------------------------------------


def _parse(text: str, delimiter: str, limit: int | None) -> list[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[_Row] = []
    previous = 0
    try:
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                rows.append(_Row(start, previous, cells))
                if limit is not None and len(rows) >= limit:
                    break
    except csv.Error as error:
        raise TranscriptError(f"line {previous + 1}: the CSV does not parse ({error})") from None
    return rows


def _consistency(rows: list[_Row]) -> tuple[float, int]:
    """(share of rows with the commonest field count, that count)."""
    if not rows:
        return 0.0, 0
    width, count = Counter(len(row.cells) for row in rows).most_common(1)[0]
    return count / len(rows), width


def _rows(text: str, limit: int | None = None) -> tuple[str, list[_Row]]:
    """The delimiter whose rows agree best on their field count, and the rows it gives."""
    best: tuple[float, int, str] | None = None
    for delimiter in _DELIMITERS:
        try:
            sample = _parse(text, delimiter, _SAMPLE_ROWS)
        except TranscriptError:
            continue
        share, width = _consistency(sample)
        if width >= 2 and share >= 0.8 and len(sample) >= 2:
            score = (round(share, 1), width, delimiter)
            if best is None or score[:2] > best[:2]:
                best = score
    if best is None:
        raise TranscriptError(
            "not a CSV transcript: expected rows of delimited fields (comma, semicolon or tab) with the "
            "same number of fields, one of them the speaker"
        )
    delimiter = best[2]
    return delimiter, _parse(text, delimiter, limit)


def _split_header(rows: list[_Row]) -> tuple[_Row | None, list[_Row]]:
    first, rest = rows[0], rows[1:]
    headers = [norm_key(cell) for cell in first.cells]
    if all(len(cell) <= 60 for cell in first.cells):
        known = [key for key in headers if key in _KNOWN_HEADERS]
        # One known name is enough when it names the speaker or the text; "company" alone may be a value.
        if len(known) >= 2 or any(key in _SPEAKER_HEADERS or key in _TEXT_HEADERS for key in known):
            return first, rest
    # No known header name: a header still has short, non-numeric cells where the data has long ones.
    if rest and all(
        cell.strip() and len(cell) <= 40 and not _NUMERIC.fullmatch(cell.strip()) for cell in first.cells
    ):
        table = _Table(rest)
        longest = max(range(len(first.cells)), key=table.mean_length)
        if table.mean_length(longest) > 4 * max(1, len(first.cells[longest])):
            return first, rest
    return None, rows


def _fit(row: _Row, width: int, text_column: int, delimiter: str, warnings: list[ParseWarning]) -> list[str]:
    """The row's cells padded to the file's width; extra fields (an unquoted delimiter) joined to the text."""
    cells = list(row.cells)
    if len(cells) > width:
        extra = len(cells) - width
        cells[text_column : text_column + extra + 1] = [
            delimiter.join(cells[text_column : text_column + extra + 1])
        ]
        warnings.append(
            ParseWarning(row.start, f"row has {width + extra} fields, not {width}; extra joined to the text")
        )
    return cells + [""] * (width - len(cells))


# --- columns ---------------------------------------------------------------------------------------------


class _Table:
    """The data rows by column, each column's values stripped and counted once."""

    def __init__(self, rows: list[_Row]) -> None:
        self.rows = rows
        self.width = max(len(row.cells) for row in rows)
        self._values: dict[int, list[str]] = {}
        self._counts: dict[int, Counter[str]] = {}

    def values(self, column: int) -> list[str]:
        if column not in self._values:
            self._values[column] = [
                row.cells[column].strip() if column < len(row.cells) else "" for row in self.rows
            ]
        return self._values[column]

    def counts(self, column: int) -> Counter[str]:
        """Non-empty values and how often each occurs."""
        if column not in self._counts:
            self._counts[column] = Counter(value for value in self.values(column) if value)
        return self._counts[column]

    def mean_length(self, column: int) -> float:
        counts = self.counts(column)
        return sum(len(value) * count for value, count in counts.items()) / max(1, counts.total())

    def share(self, column: int, test: Callable[[str], object]) -> float:
        """Share of the column's non-empty values that pass `test`."""
        counts = self.counts(column)
        return sum(count for value, count in counts.items() if test(value)) / max(1, counts.total())


def _runs(values: list[str]) -> int:
    return sum(1 for index, value in enumerate(values) if index == 0 or value != values[index - 1])


def _is_call_column(values: list[str]) -> bool:
    """Each value in one contiguous block: the column names the call, not the speaker."""
    present = {value for value in values if value}
    return bool(present) and _runs(values) == len(set(values)) and len(present) <= max(1, len(values) // 5)


def _columns(header: _Row | None, data: list[_Row]) -> _Columns:
    if not data:
        raise TranscriptError("the CSV has a header but no rows")
    table = _Table(data)
    width = table.width
    names = [norm_key(cell) for cell in header.cells] if header else []
    taken: set[int] = set()

    def by_name(candidates: tuple[str, ...]) -> int | None:
        for candidate in candidates:
            for index, name in enumerate(names):
                if name == candidate and index not in taken and index < width:
                    taken.add(index)
                    return index
        return None

    call: list[int] = []
    for index, name in enumerate(names):
        # "Company" and "Title" name the call when constant in blocks, the speaker's firm or title otherwise.
        ambiguous = name in {"company", "title"}
        if name in _CALL_HEADERS and (not ambiguous or _is_call_column(table.values(index))):
            call.append(index)
            taken.add(index)
    speaker = by_name(_SPEAKER_HEADERS)
    text = by_name(_TEXT_HEADERS)
    section = by_name(_SECTION_HEADERS)
    if section is None:
        section = _column_of_words(table, taken, section_from_words, longest=40)
    role = by_name(_ROLE_HEADERS)
    if role is None:
        role = _column_of_words(table, taken, role_from_word, longest=20)
    title = by_name(_TITLE_HEADERS)
    firm = by_name(_FIRM_HEADERS)
    if speaker is None:
        speaker = _speaker_from_values(table, taken)
        taken.add(speaker)
    if text is None:
        free = [i for i in range(width) if i not in taken and table.share(i, _NUMERIC.fullmatch) <= 0.5]
        if not free:
            raise TranscriptError("the CSV has a speaker column but no column of text")
        text = max(free, key=table.mean_length)
    if table.mean_length(text) < 15 or table.mean_length(text) <= table.mean_length(speaker):
        raise TranscriptError("the CSV has no column of text: every column holds short values")
    return _Columns(speaker, text, section, title, role, firm, tuple(sorted(call)))


def _column_of_words(
    table: _Table, taken: set[int], reads: Callable[[str], object], *, longest: int
) -> int | None:
    """A column of a few distinct words that `reads` understands (section names, roles)."""
    for index in range(table.width):
        counts = table.counts(index)
        if index in taken or not counts or len(counts) > 6 or max(map(len, counts)) > longest:
            continue
        if table.share(index, reads) >= 0.9:
            taken.add(index)
            return index
    return None


def _speaker_from_values(table: _Table, taken: set[int]) -> int:
    """The column of short name-like values that repeat: full names score above single words."""
    best: tuple[float, int] | None = None
    for index in range(table.width):
        counts = table.counts(index)
        if index in taken or not counts or max(map(len, counts)) > 80:
            continue
        total = counts.total()
        distinct = {" ".join(value.split()).casefold() for value in counts}
        if total >= 4 and len(distinct) * 10 > total * 7:
            continue  # nearly all different: ids or texts, not speakers
        score = sum(name_score(value) * count for value, count in counts.items()) / total
        if score >= 1.2 and (best is None or score > best[0]):
            best = (score, index)
    if best is None:
        raise TranscriptError(
            "the CSV has no speaker column: expected a column named 'speaker' or 'name', or one of short "
            "names that repeat (such as 'Operator')"
        )
    return best[1]


def _section(cells: list[str], columns: _Columns) -> Section | None:
    return section_from_words(cells[columns.section]) if columns.section is not None else None


def _fill(turn: LabelledTurn, cells: list[str], columns: _Columns) -> None:
    if columns.title is not None and not turn.title:
        turn.title = " ".join(cells[columns.title].split())
    if columns.firm is not None and not turn.firm:
        turn.firm = " ".join(cells[columns.firm].split())
    if columns.role is not None and turn.role is None:
        value = " ".join(cells[columns.role].split())
        turn.role = role_from_word(value)
        if turn.role is None and value and columns.title is None:
            # A "Role" column that holds titles and firms ("Chief Executive Officer", "Analyst, Calder").
            firm, title = split_rest(value)
            turn.title = turn.title or title
            turn.firm = turn.firm or firm
            side = side_from_affiliation(title, firm)
            turn.role = Role(side) if side else None


# --- the call --------------------------------------------------------------------------------------------


def _refuse_several_calls(header: _Row | None, data: list[_Row], columns: _Columns) -> None:
    if not columns.call or header is None:
        return
    names = [norm_key(cell) for cell in header.cells]
    calls: dict[tuple[str, ...], None] = {}
    for row in data:
        key = tuple(" ".join(row.cells[i].split()) if i < len(row.cells) else "" for i in columns.call)
        if any(key):
            calls.setdefault(key, None)
    if len(calls) <= 1:
        return
    naming = next(
        (columns.call.index(i) for n in _CALL_NAME_HEADERS for i in columns.call if names[i] == n), None
    )
    labels = [key[naming] if naming is not None else " / ".join(v for v in key if v) for key in calls]
    shown = "; ".join(f"'{label}'" for label in labels[:3]) + ("; ..." if len(labels) > 3 else "")
    split_by = header.cells[columns.call[naming if naming is not None else 0]].strip()
    raise TranscriptError(
        f"this CSV holds {len(calls)} calls ({shown}), not one: split it into one file per call "
        f"(by its '{split_by}' column) and import each file"
    )


def _fields(header: _Row | None, data: list[_Row], columns: _Columns) -> dict[str, str]:
    fields: dict[str, str] = {}
    if header is None:
        return fields
    # A column named for the fact ("Date") before a stand-in ("Publication Date").
    for names in (field_name, _FIELD_HEADERS.get):
        for index in columns.call:
            name = names(norm_key(header.cells[index]))
            values = {row.cells[index].strip() for row in data if index < len(row.cells)} - {""}
            if name and len(values) == 1:
                add_field(fields, name, values.pop())
    return fields
