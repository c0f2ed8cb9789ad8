"""Keyword in context: the windows around each occurrence, their alignment, order and links."""

import re
import tempfile
from pathlib import Path

from django.test import TestCase

from calls.models import Utterance
from tests.archive import SAMPLES, ingest

KWIC = """Operator
Welcome to the Kwic Example Corp first quarter 2022 earnings call.
Jane Roe - Chief Executive Officer
one two three four five six seven eight nine ten backlog alpha beta gamma delta epsilon zeta eta theta.
Backlog grew. The backlogs of zebra orders rose, and apple backlog fell.
"""


class ConcordanceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ingest(SAMPLES)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "kwic-2022-q1.txt"
            path.write_text(KWIC)
            ingest(path)

    def lines(self, **params) -> list[dict]:
        response = self.client.get("/search/concordance/", {**params, "format": "json"})
        self.assertEqual(response.status_code, 200)
        return response.json()["lines"]

    def test_fixed_window_of_words_each_side(self):
        lines = self.lines(q="backlog", company="kwic-example", width="3", sort="newest")
        self.assertEqual(
            [(line["left"], line["keyword"], line["right"]) for line in lines],
            [
                ("eight nine ten ", "backlog", " alpha beta gamma"),
                ("", "Backlog", " grew. The backlogs"),
                ("Backlog grew. The ", "backlogs", " of zebra orders"),
                ("rose, and apple ", "backlog", " fell"),
            ],
        )
        default = self.lines(q="backlog", company="kwic-example", sort="newest")
        self.assertEqual(default[0]["left"], "three four five six seven eight nine ten ")
        self.assertEqual(default[0]["right"], " alpha beta gamma delta epsilon zeta eta theta")

    def test_sorted_by_the_word_left_or_right(self):
        left = [
            line["left"].split()[-1:]
            for line in self.lines(q="backlog", company="kwic-example", order="left")
        ]
        self.assertEqual(left, [[], ["apple"], ["ten"], ["The"]])
        right = [
            line["right"].split()[0]
            for line in self.lines(q="backlog", company="kwic-example", order="right")
        ]
        self.assertEqual(right, ["alpha", "fell", "grew.", "of"])

    def test_every_occurrence_of_the_search_links_to_its_paragraph(self):
        lines = self.lines(q="margin", company="northwind-optical")
        matches = Utterance.objects.filter(company__slug="northwind-optical", text__iregex=r"\mmargins?\M")
        occurrences = sum(len(re.findall(r"(?i)\bmargins?\b", u.text)) for u in matches)
        self.assertEqual(len(lines), occurrences)
        for line in lines:
            self.assertIn(line["keyword"].lower(), {"margin", "margins"})
            path, position = line["url"].split("/calls/northwind-optical/")[1].split("/#p")
            year, quarter = path.split("-q")
            paragraph = Utterance.objects.get(
                company__slug="northwind-optical", fiscal_year=year, fiscal_quarter=quarter, position=position
            )
            self.assertIn(line["left"] + line["keyword"] + line["right"], paragraph.text)

    def test_page_aligns_the_matches_in_one_column_and_escapes(self):
        page = self.client.get("/search/concordance/", {"q": "backlog", "company": "kwic-example"})
        html = page.content.decode()
        self.assertEqual(html.count('<td class="kwic-key">'), 4)
        self.assertIn("<mark>backlog</mark>", html)
        hostile = self.client.get("/search/concordance/", {"q": "<script>alert(1)</script>"})
        self.assertNotIn("<script>alert(1)", hostile.content.decode())
        self.assertEqual(self.lines(q=""), [])
