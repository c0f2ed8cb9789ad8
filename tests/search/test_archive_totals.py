"""The archive's totals per facet value (search/migrations/0005), kept by the database as tallies
are written: always the sums a GROUP BY over the paragraphs gives, whatever changed them."""

import tempfile
from collections import Counter
from pathlib import Path

from django.db import DatabaseError, connection, transaction
from django.http import QueryDict
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext

from calls.models import Call, Company, Speaker
from search.allvalues import all_values
from search.cache import forget_all
from search.counting import FACET_SIZE
from search.filters import UtteranceFilter
from search.registry import FACETS
from tests.archive import SAMPLES, import_archive, ingest


def kept() -> dict[str, Counter]:
    """search_archive_total as {facet: Counter(value: paragraphs)}."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT facet, value, utterances FROM search_archive_total")
        rows = cursor.fetchall()
    totals: dict[str, Counter] = {}
    for facet, value, count in rows:
        totals.setdefault(facet, Counter())[value] = count
    return totals


def counted() -> dict[str, Counter]:
    """The same sums, counted from the paragraphs by PostgreSQL alone."""
    totals = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM calls_utterance")
        (total,) = cursor.fetchone()
        totals["total"] = Counter({"": total})
        for facet in FACETS:
            cursor.execute(
                f"SELECT {facet.column}::text, count(*) FROM calls_utterance"
                f" WHERE {facet.column} IS NOT NULL GROUP BY 1"
            )
            totals[facet.name] = Counter(dict(cursor.fetchall()))
    return totals


class ArchiveTotalsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()

    def test_every_facet_s_totals_are_the_paragraphs_counted(self):
        totals = kept()
        self.assertEqual(set(totals), {"total", *(facet.name for facet in FACETS)})
        self.assertGreater(totals["total"][""], 1000)
        self.assertEqual(totals, counted())

    def test_a_replaced_call_and_a_deleted_one_leave_the_sums_right(self):
        # A sample changed by one word: stored again in place of the call it was.
        sample = sorted(SAMPLES.glob("*.txt"))[0]
        with tempfile.TemporaryDirectory() as folder:
            changed = Path(folder) / sample.name
            text = sample.read_text(encoding="utf-8")
            changed.write_text(text.replace(" the ", " this ", 1), encoding="utf-8")
            (report,) = ingest(changed)
        self.assertEqual(report["status"], "replaced")
        self.assertEqual(kept(), counted())

        before = kept()
        call = Call.objects.order_by("pk").first()
        only_here = set(
            Speaker.objects.filter(turns__call=call)
            .exclude(turns__call__in=Call.objects.exclude(pk=call.pk))
            .values_list("pk", flat=True)
        )
        call.delete()
        after = kept()
        self.assertEqual(after, counted())
        self.assertLess(after["total"][""], before["total"][""])
        # A speaker heard only on the deleted call is gone from the totals, not kept at zero.
        self.assertTrue(only_here)
        self.assertFalse({str(pk) for pk in only_here} & set(after["speaker"]))

    def test_tallies_cannot_be_updated_behind_the_totals_back(self):
        with (
            self.assertRaisesMessage(DatabaseError, "never updated"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE search_utterancetally SET utterances = utterances + 1")
        self.assertEqual(kept(), counted())

    def test_browsing_shows_the_totals_from_one_short_query(self):
        forget_all()
        with CaptureQueriesContext(connection) as queries:
            data = self.client.get("/api/search/").json()
        totals = counted()
        self.assertTrue(data["total_is_exact"])
        self.assertEqual(data["total"], totals["total"][""])
        counting = [q["sql"] for q in queries.captured_queries if "search_archive_total" in q["sql"]]
        self.assertEqual(len(counting), 1)
        self.assertFalse([q for q in queries.captured_queries if "search_utterancetally" in q["sql"]])
        by_slug = {
            "company": {company.slug: str(company.pk) for company in Company.objects.all()},
            "speaker": {speaker.slug: str(speaker.pk) for speaker in Speaker.objects.all()},
        }
        for facet in FACETS:
            shown = {
                by_slug.get(facet.name, {}).get(value["value"], value["value"]): value["count"]
                for value in data["facets"][facet.name]
            }
            with self.subTest(facet=facet.name):
                expected = totals[facet.name]
                if not facet.shows_all:
                    expected = dict(expected.most_common(FACET_SIZE))
                    # Values tied at the cut may fall either way: there, only the counts must agree.
                    self.assertEqual(sorted(shown.values()), sorted(expected.values()))
                    cut = min(expected.values())
                    shown = {value: n for value, n in shown.items() if n > cut}
                    expected = {value: n for value, n in expected.items() if n > cut}
                self.assertEqual(shown, dict(expected))


class ArchiveTotalsTruncateTests(TransactionTestCase):
    def test_a_truncate_of_the_tallies_empties_the_totals(self):
        ingest(*sorted(SAMPLES.glob("*.txt"))[:2])
        self.assertEqual(kept(), counted())
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_utterancetally")
        self.assertEqual(kept(), {})


class EveryValueTests(TestCase):
    """The page of every value of a long facet reads the kept totals when nothing narrows it."""

    @classmethod
    def setUpTestData(cls):
        import_archive()

    def values(self, name: str, query_string: str = "") -> dict[str, int]:
        filterset = UtteranceFilter(QueryDict(query_string))
        filterset.form.is_valid()
        return {v.value: v.count for v in all_values(filterset, name=name, query="", langs=set())}

    def test_the_whole_archive_s_values_are_its_totals_in_two_queries(self):
        totals = counted()
        for name, model in (("speaker", Speaker), ("company", Company)):
            slugs = dict(model.objects.values_list("pk", "slug"))
            with self.subTest(facet=name), CaptureQueriesContext(connection) as queries:
                shown = self.values(name)
            self.assertEqual(shown, {slugs[int(pk)]: n for pk, n in totals[name].items()})
            self.assertEqual(len(queries), 2)
            self.assertIn("search_archive_total", queries[0]["sql"])

    def test_another_filter_counts_its_own_values(self):
        year = Call.objects.order_by("fiscal_year").values_list("fiscal_year", flat=True).first()
        shown = self.values("speaker", f"year={year}")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.slug, count(*) FROM calls_utterance u JOIN calls_speaker s ON s.id = u.speaker_id"
                " WHERE u.fiscal_year = %s GROUP BY s.slug",
                [year],
            )
            self.assertEqual(shown, dict(cursor.fetchall()))


class OneFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()

    def test_the_one_facet_in_use_counts_its_values_from_the_kept_totals(self):
        company = Company.objects.order_by("slug").first()
        forget_all()
        with CaptureQueriesContext(connection) as queries:
            data = self.client.get("/api/search/", {"company": company.slug}).json()
        sqls = [q["sql"] for q in queries.captured_queries]
        # The other facets over the company's tallies; the company facet itself over the archive.
        self.assertEqual(len([sql for sql in sqls if "search_archive_total" in sql]), 1)
        self.assertEqual(len([sql for sql in sqls if "search_utterancetally" in sql]), 1)
        slugs = dict(Company.objects.values_list("pk", "slug"))
        expected = {slugs[int(pk)]: n for pk, n in counted()["company"].items()}
        self.assertEqual({v["value"]: v["count"] for v in data["facets"]["company"]}, expected)
        self.assertEqual(data["total"], counted()["company"][str(company.pk)])
