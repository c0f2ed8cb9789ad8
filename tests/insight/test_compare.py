"""Comparing two calls of one company: who came and went, and which terms took a larger share."""

import tempfile
from pathlib import Path

from django.test import TestCase

from calls.models import Turn
from tests.archive import SAMPLES, ingest

FIRST = """Operator
Welcome to the Quillon Systems first quarter 2020 earnings call. Today's speakers are Jane Roe and John Poe.
Jane Roe - Chief Executive Officer
Inventory was our theme this quarter: inventory levels, inventory turns and inventory write-downs.
John Poe - Chief Financial Officer
Gross margin was steady and inventory fell again.
Operator
Our first question comes from Ann Lee with Calder Partners.
Ann Lee - Calder Partners - Analyst
How do you see inventory next quarter?
Jane Roe - Chief Executive Officer
Inventory should normalise by the summer.
"""

SECOND = """Operator
Welcome to the Quillon Systems second quarter 2020 earnings call. Today's speakers are Jane Roe and Mark Moe.
Jane Roe - Chief Executive Officer
Pricing was our theme this quarter: pricing power, pricing discipline and pricing for the new photonic line.
Mark Moe - Chief Financial Officer
Gross margin was steady and pricing held again.
Operator
Our first question comes from Ann Lee with Calder Partners.
Ann Lee - Calder Partners - Analyst
How do you see pricing next quarter?
Jane Roe - Chief Executive Officer
Pricing should hold by the summer.
Operator
Our next question comes from Bob Kay with Ormond Securities.
Bob Kay - Ormond Securities - Analyst
Any photonic orders yet?
Mark Moe - Chief Financial Officer
Photonic orders started, and pricing is firm.
"""

URL = "/calls/quillon-systems/2020-q1/compare/2020-q2/"


def names(people) -> list[str]:
    return sorted(person["name"] for person in people)


class CompareTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ingest(SAMPLES)
        with tempfile.TemporaryDirectory() as folder:
            for name, text in (("quillon-2020-q1.txt", FIRST), ("quillon-2020-q2.txt", SECOND)):
                (Path(folder) / name).write_text(text)
            ingest(folder)

    def compare(self, url=URL) -> dict:
        response = self.client.get(url, {"format": "json"})
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_speakers_who_appeared_disappeared_and_stayed(self):
        speakers = self.compare()["speakers"]
        self.assertEqual(names(speakers["appeared"]), ["Bob Kay", "Mark Moe"])
        self.assertEqual(names(speakers["disappeared"]), ["John Poe"])
        self.assertEqual(names(speakers["stayed"]), ["Ann Lee", "Jane Roe"])
        # The other way round, the lists swap.
        back = self.compare("/calls/quillon-systems/2020-q2/compare/2020-q1/")["speakers"]
        self.assertEqual(names(back["appeared"]), ["John Poe"])
        self.assertEqual(names(back["disappeared"]), ["Bob Kay", "Mark Moe"])

    def test_speaker_lists_equal_the_calls_own_turns(self):
        for url in (
            "/calls/northwind-optical/2023-q3/compare/2024-q1/",
            "/calls/northwind-optical/2024-q1/compare/2023-q3/",
        ):
            first, second = url.split("/")[3], url.split("/")[5]
            data = self.compare(url)["speakers"]

            def people(period):
                year, quarter = period.split("-q")
                turns = Turn.objects.filter(
                    call__company__slug="northwind-optical",
                    call__fiscal_year=year,
                    call__fiscal_quarter=quarter,
                ).exclude(role="operator")
                return {turn.speaker.slug for turn in turns}

            a, b = people(first), people(second)
            self.assertEqual({p["slug"] for p in data["appeared"]}, b - a)
            self.assertEqual({p["slug"] for p in data["disappeared"]}, a - b)
            self.assertEqual({p["slug"] for p in data["stayed"]}, a & b)
            self.assertTrue(a - b or b - a)

    def test_each_person_links_into_both_calls(self):
        speakers = self.compare()["speakers"]
        (bob,) = [p for p in speakers["appeared"] if p["name"] == "Bob Kay"]
        self.assertEqual(bob["first_url"], "/calls/quillon-systems/2020-q1/")
        self.assertRegex(bob["second_url"], r"^/calls/quillon-systems/2020-q2/#t\d+$")
        (jane,) = [p for p in speakers["stayed"] if p["name"] == "Jane Roe"]
        self.assertRegex(jane["first_url"], r"^/calls/quillon-systems/2020-q1/#t\d+$")
        self.assertRegex(jane["second_url"], r"^/calls/quillon-systems/2020-q2/#t\d+$")
        anchor = jane["second_url"].split("#")[1]
        self.assertContains(self.client.get("/calls/quillon-systems/2020-q2/"), f'id="{anchor}"')

    def test_terms_by_their_share_of_each_calls_words(self):
        terms = self.compare()["terms"]
        appeared = {t["term"]: t for t in terms["appeared"]}
        disappeared = {t["term"]: t for t in terms["disappeared"]}
        self.assertIn("pricing", appeared)
        self.assertIn("photonic", appeared)
        self.assertIn("inventory", disappeared)
        # "margin" is said once in each: no distinctive term either way.
        self.assertNotIn("margin", appeared | disappeared)
        pricing = appeared["pricing"]
        self.assertEqual(pricing["first_count"], 0)
        self.assertEqual(
            pricing["second_share"], round(pricing["second_count"] / terms["second_words"] * 10_000, 1)
        )
        self.assertEqual(pricing["second_url"], "/calls/quillon-systems/2020-q2/?q=pricing")
        self.assertEqual(pricing["first_url"], "/calls/quillon-systems/2020-q1/?q=pricing")
        page = self.client.get(URL)
        self.assertContains(page, 'href="/calls/quillon-systems/2020-q2/?q=pricing"')
        self.assertContains(page, "Bob Kay")

    def test_unknown_calls_are_404(self):
        self.assertEqual(self.client.get("/calls/quillon-systems/2020-q1/compare/2019-q4/").status_code, 404)
        self.assertEqual(self.client.get("/calls/nosuch/2020-q1/compare/2020-q2/").status_code, 404)
