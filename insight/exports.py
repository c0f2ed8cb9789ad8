"""Every matching paragraph as CSV or JSON Lines, streamed: rows come from a server-side cursor in
chunks (`QuerySet.iterator`), one query for the whole export, and memory stays the same whatever its
size."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse

COLUMNS = [
    "company",
    "ticker",
    "fiscal_year",
    "fiscal_quarter",
    "held_on",
    "speaker",
    "title",
    "firm",
    "role",
    "section",
    "text",
    "translation",
    "permalink",
]
FIELDS = [
    "company__name",
    "company__ticker",
    "fiscal_year",
    "fiscal_quarter",
    "call__held_on",
    "turn__name",
    "turn__title",
    "turn__firm",
    "role",
    "section",
    "text",
    "translation",
    "company__slug",
    "position",
]
CHUNK_ROWS = 2000  # rows per fetch from the cursor
ROWS_PER_WRITE = 200  # rows joined into one piece of the response (fewer, larger writes)
# What a spreadsheet reads as the start of a formula (OWASP "CSV injection"): such a cell gets a
# leading apostrophe, which Excel, LibreOffice and Google Sheets show as text and do not evaluate.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # Excel reads a CSV as UTF-8 (Chinese included) only with it


def export_rows(queryset: QuerySet, *, base_url: str) -> Iterator[tuple]:
    """The export's rows as tuples of COLUMNS' values, in the queryset's order."""
    permalinks: dict[tuple, str] = {}
    for row in queryset.values_list(*FIELDS).iterator(chunk_size=CHUNK_ROWS):
        company, ticker, year, quarter, held_on, speaker, title, firm, role, section, text, translation = row[
            :12
        ]
        slug, position = row[12], row[13]
        call_url = permalinks.get((slug, year, quarter))
        if call_url is None:
            # One reverse() per call, not per row; a few thousand calls at most.
            call_url = base_url + reverse(
                "calls:call", kwargs={"company": slug, "period": f"{year}-q{quarter}"}
            )
            permalinks[slug, year, quarter] = call_url
        held = held_on.isoformat() if held_on else ""
        link = f"{call_url}#p{position}"
        yield (
            company,
            ticker,
            year,
            quarter,
            held,
            speaker,
            title,
            firm,
            role,
            section,
            text,
            translation,
            link,
        )


def neutralised(value):
    """A cell a spreadsheet shows as written: text that would start a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe_row(row: tuple) -> list:
    # Inlined neutralised() over the row: it runs for every cell of every row.
    return ["'" + cell if cell.__class__ is str and cell[:1] in _STARTS else cell for cell in row]


_STARTS = frozenset(FORMULA_STARTS)


class _Line:
    """A file-like object whose write returns what is written (Django docs: streaming large CSV)."""

    def write(self, value: str) -> str:
        return value


def csv_pieces(rows: Iterator[tuple]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield BOM + writer.writerow(COLUMNS)
    batch = []
    for row in rows:
        batch.append(writer.writerow(_safe_row(row)))
        if len(batch) >= ROWS_PER_WRITE:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def jsonl_pieces(rows: Iterator[tuple]) -> Iterator[str]:
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    batch = []
    for row in rows:
        batch.append(dumps(dict(zip(COLUMNS, row, strict=True))) + "\n")
        if len(batch) >= ROWS_PER_WRITE:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def streamed(queryset: QuerySet, *, request, kind: str, name: str) -> StreamingHttpResponse:
    """The queryset's rows as a download of `kind` ("csv" or "jsonl") called `name`.`kind`."""
    rows = export_rows(queryset, base_url=request.build_absolute_uri("/").rstrip("/"))
    if kind == "csv":
        response = StreamingHttpResponse(csv_pieces(rows), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(
            jsonl_pieces(rows), content_type="application/x-ndjson; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
