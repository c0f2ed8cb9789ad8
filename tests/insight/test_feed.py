"""The Atom feed of a search: valid Atom, newest imports first, and a new entry when a call matches."""

import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from django.test import TestCase

from tests.archive import SAMPLES, ingest

ATOM = "{http://www.w3.org/2005/Atom}"

NEW_CALL = """Operator
Welcome to the Quillon Systems second quarter 2024 earnings call.
Jane Roe - Chief Executive Officer
Our photonic backplane orders doubled, and <script>alert(1)</script> is not markup.
Everything else was as guided.
"""


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ingest(SAMPLES)

    def feed(self, **params) -> ET.Element:
        response = self.client.get("/search/feed/", params)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        root = ET.fromstring(response.content)
        self.assertEqual(root.tag, f"{ATOM}feed")
        return root

    def entries(self, root) -> list[ET.Element]:
        return root.findall(f"{ATOM}entry")

    def test_parses_as_atom_with_the_searchs_matches(self):
        root = self.feed(q="margin", company="northwind-optical")
        self.assertIn("margin", root.find(f"{ATOM}title").text)
        self.assertTrue(root.find(f"{ATOM}id").text)
        self.assertTrue(root.find(f"{ATOM}updated").text)
        alternate = [
            link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "alternate"
        ]
        self.assertEqual(alternate, ["http://testserver/search/?q=margin&company=northwind-optical"])
        entries = self.entries(root)
        total = self.client.get("/api/search/", {"q": "margin", "company": "northwind-optical"}).json()[
            "total"
        ]
        self.assertEqual(len(entries), min(total, 50))
        for entry in entries:
            for child in ("title", "id", "updated", "summary"):
                self.assertIsNotNone(entry.find(f"{ATOM}{child}"), child)
            self.assertIn("/calls/northwind-optical/", entry.find(f"{ATOM}link").get("href"))
            self.assertIn("margin", entry.find(f"{ATOM}summary").text.lower())

    def test_gains_an_entry_when_a_matching_call_is_imported(self):
        before = self.entries(self.feed(q="photonic backplane"))
        self.assertEqual(before, [])
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "quillon-2024-q2.txt"
            path.write_text(NEW_CALL)
            (report,) = ingest(path)
        after = self.entries(self.feed(q="photonic backplane"))
        self.assertEqual(len(after), 1)
        (entry,) = after
        self.assertTrue(
            entry.find(f"{ATOM}link").get("href").startswith(f"http://testserver{report['url']}#p")
        )
        self.assertIn("Quillon Systems", entry.find(f"{ATOM}title").text)
        # The paragraph is text: its markup comes out escaped once more inside the html summary.
        self.assertIn("&lt;script&gt;", entry.find(f"{ATOM}summary").text)
        # The newest import comes first in a broader feed too.
        first = self.entries(self.feed(q="orders OR margin"))[0]
        self.assertIn("Quillon Systems", first.find(f"{ATOM}title").text)
