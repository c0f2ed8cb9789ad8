"""Remembered search results: reused for the same data, never after the data changed."""

import tempfile
from pathlib import Path
from unittest import mock

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from calls.models import Call, Speaker, Utterance
from search.cache import forget_all
from tests.archive import SAMPLES, ingest
from tests.search.test_search import direct_counts

EXTRA_CALL = """Operator
Welcome to the Quillfeather Instruments second quarter 2022 earnings call.
Mara Quill - Chief Executive Officer
Backlog grew again, and our backlog now covers three quarters of revenue.
Mara Quill - Chief Executive Officer
We expect the backlog to convert in the second half.
"""

OTHER_CALL = """Operator
Welcome to the Saltmarsh Devices fourth quarter 2021 earnings call.
Ivo Salt - Chief Financial Officer
Our backlog doubled; backlog conversion is the theme of the year.
"""


def backlog_count() -> int:
    """The database's own count of paragraphs matching "backlog", without the app's search code."""
    return sum(direct_counts("backlog", "company").values())


class SearchCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ingest(SAMPLES)

    def setUp(self):
        forget_all()
        self.folder = Path(tempfile.mkdtemp())

    def api(self, **params):
        response = self.client.get("/api/search/", params)
        self.assertEqual(response.status_code, 200)
        return response.json()

    def write(self, name: str, text: str) -> Path:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        return path

    def test_the_same_search_again_is_answered_without_counting_again(self):
        params = {"q": "backlog", "role": "executive"}
        with CaptureQueriesContext(connection) as first:
            first_data = self.api(**params)
        with CaptureQueriesContext(connection) as again:
            again_data = self.api(**params)
        self.assertEqual(again_data, first_data)
        self.assertGreater(first_data["total"], 0)
        counting = [q["sql"] for q in again.captured_queries if "GROUPING" in q["sql"]]
        self.assertEqual(counting, [])
        self.assertLess(len(again), len(first))

    def test_picking_a_facet_value_counts_only_the_other_facets_again(self):
        self.api(q="revenue")
        params = {"q": "revenue", "company": "northwind-optical"}
        with CaptureQueriesContext(connection) as refined:
            data = self.api(**params)
        # The company facet's counts ignore its own selection: they are those of the search before.
        # One pass counts the rest over the narrower set, where a fresh search needs two.
        passes = [q["sql"] for q in refined.captured_queries if "GROUPING" in q["sql"]]
        self.assertEqual(len(passes), 1)
        self.assertNotIn("company_value", passes[0])
        forget_all()
        with CaptureQueriesContext(connection) as fresh:
            self.assertEqual(self.api(**params), data)
        self.assertEqual(len([q for q in fresh.captured_queries if "GROUPING" in q["sql"]]), 2)
        self.assertTrue(all(r["company_slug"] == "northwind-optical" for r in data["results"]))

    def test_paging_counts_once_and_each_page_is_its_own(self):
        total = self.api(q="the OR revenue OR quarter")["total"]
        self.assertGreater(total, 40)
        pages = [self.api(q="the OR revenue OR quarter", page=n)["results"] for n in (1, 2, 1)]
        self.assertEqual(pages[0], pages[2])
        self.assertFalse({r["id"] for r in pages[0]} & {r["id"] for r in pages[1]})

    def test_every_page_of_a_browse_follows_one_order_across_the_remembered_blocks(self):
        first = self.api()
        self.assertGreater(first["pages"], 10)  # more than one block of ten pages
        ids = []
        for page in range(1, first["pages"] + 1):
            ids += [r["id"] for r in self.api(page=page)["results"]]
        expected = Utterance.objects.order_by("-fiscal_year", "-fiscal_quarter", "call_id", "position")
        self.assertEqual(ids, list(expected.values_list("pk", flat=True)))

    def test_relevance_pages_follow_one_ranking_across_the_remembered_blocks(self):
        query = "we OR our OR quarter OR revenue OR customers OR year OR growth"
        ids = []
        # Blocks of three pages, so that the samples' hits span several.
        with mock.patch("search.paging.PAGES_PER_BLOCK", 3):
            first = self.api(q=query)
            self.assertGreater(first["pages"], 6)
            for page in range(1, first["pages"] + 1):
                ids += [r["id"] for r in self.api(q=query, page=page)["results"]]
        search = SearchQuery(query, search_type="websearch", config="english")
        expected = (
            Utterance.objects.filter(search_en=search)
            .annotate(rank=SearchRank(F("search_en"), search))
            .order_by("-rank", "-fiscal_year", "-fiscal_quarter", "call_id", "position")
        )
        self.assertEqual(ids, list(expected.values_list("pk", flat=True)))

    def test_an_import_is_found_by_the_next_search(self):
        before = self.api(q="backlog")
        self.assertEqual(before["total"], backlog_count())
        ingest(self.write("quillfeather.txt", EXTRA_CALL))
        after = self.api(q="backlog")
        self.assertEqual(after["total"], backlog_count())
        self.assertEqual(after["total"], before["total"] + 2)
        self.assertIn("quillfeather-instruments", [v["value"] for v in after["facets"]["company"]])

    def test_a_deleted_call_leaves_the_results(self):
        ingest(self.write("quillfeather.txt", EXTRA_CALL))
        with_call = self.api(q="backlog")["total"]
        Call.objects.get(company__slug="quillfeather-instruments").delete()
        self.assertEqual(self.api(q="backlog")["total"], with_call - 2)

    def test_a_renamed_speaker_shows_the_new_name_in_the_facet(self):
        ingest(self.write("quillfeather.txt", EXTRA_CALL))
        params = {"q": "backlog", "company": "quillfeather-instruments"}
        [value] = self.api(**params)["facets"]["speaker"]
        Speaker.objects.filter(slug=value["value"]).update(name="Mara Quill-Okafor")
        [renamed] = self.api(**params)["facets"]["speaker"]
        self.assertEqual(renamed["label"], "Mara Quill-Okafor")

    def test_a_new_translation_is_found_by_the_next_search(self):
        self.assertEqual(self.api(q="積壓")["total"], 0)
        utterance = Utterance.objects.filter(text__icontains="backlog").order_by("pk").first()
        utterance.translation, utterance.cjk_terms = "訂單積壓", "订单 单积 积压 订 单 积 压"
        utterance.save(update_fields=["translation", "cjk_terms"])
        self.assertEqual([r["id"] for r in self.api(q="積壓")["results"]], [utterance.pk])

    def test_a_rolled_back_change_leaves_nothing_behind(self):
        # Inside the transaction the search sees (and remembers) data that is then rolled back; the
        # next change must not be mistaken for it, though it is the same number of changes later.
        before = self.api(q="backlog")["total"]
        with transaction.atomic():
            ingest(self.write("quillfeather.txt", EXTRA_CALL))
            self.assertEqual(self.api(q="backlog")["total"], before + 2)
            transaction.set_rollback(True)
        self.assertEqual(self.api(q="backlog")["total"], before)
        ingest(self.write("saltmarsh.txt", OTHER_CALL))
        data = self.api(q="backlog")
        self.assertEqual(data["total"], backlog_count())
        self.assertEqual(data["total"], before + 1)
        companies = [v["value"] for v in data["facets"]["company"]]
        self.assertIn("saltmarsh-devices", companies)
        self.assertNotIn("quillfeather-instruments", companies)
