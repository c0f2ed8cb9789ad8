"""Estimated first responses over a large result set, and the exact figures behind them.

The archive of the tests is small, so the thresholds are lowered here (a few dozen matches count as
"many"); the sample indexes, the repeated-lexeme tiers and the counting passes are the real ones.
"""

import re
from collections import Counter
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from calls.models import Utterance
from calls.services import call_import
from search import counting, paging
from search.cache import forget_all
from search.textquery import REPEAT_TIERS, TextQuery, Tiers, _top_operator, repeating
from tests.archive import import_archive
from tests.calls.transcripts import loaded, prepared

# The sparser sample holds a handful of the test archive's 1,500 paragraphs: only the denser is used.
SMALL = {"EXACT_LIMIT": 40, "SAMPLE_BUDGET": 10_000, "MIN_SAMPLE_HITS": 2, "SAMPLE_RATES": (16,)}


def lowered(**overrides):
    """The counting thresholds lowered to the test archive's size."""
    values = SMALL | overrides
    return mock.patch.multiple(counting, **values)


def direct(query: str, column: str, **filters) -> Counter:
    """Matches per value of `column`, counted by PostgreSQL alone (count(*) ... GROUP BY)."""
    conditions = "".join(f" AND {name} = %s" for name in filters)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column}::text, count(*) FROM calls_utterance"
            f" WHERE search_en @@ websearch_to_tsquery('english', %s){conditions} GROUP BY 1",
            [query, *filters.values()],
        )
        return Counter(dict(cursor.fetchall()))


class EstimateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()

    def setUp(self):
        forget_all()

    def api(self, **params):
        response = self.client.get("/api/search/", params)
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_a_large_result_set_is_estimated_and_labelled_in_the_api(self):
        exact_total = sum(direct("revenue", "role").values())
        self.assertGreater(exact_total, SMALL["EXACT_LIMIT"])
        with lowered():
            data = self.api(q="revenue")
        self.assertFalse(data["total_is_exact"])
        self.assertTrue(data["counts_are_exact"])  # every facet says whether it is exact
        self.assertFalse(any(data["counts_are_exact"].values()))
        # The estimate is the sampled matches times the rate, never a silent exact-looking figure.
        sampled = Utterance.objects.filter(TextQuery.parse("revenue").condition(set()))
        rate = 16
        self.assertEqual(data["total"], sampled.filter(counting.InSample(rate)).count() * rate)

    def test_a_page_past_the_last_when_the_estimate_overshot_shows_the_real_last_page(self):
        # A word whose sample says more than it matches (sampling noise; the archive is fixed).
        words = ["revenue", "margin", "quarter", "growth", "customers", "cash", "market", "demand"]
        with lowered():
            estimates = {word: self.api(q=word)["total"] for word in words}
        exact = {word: sum(direct(word, "role").values()) for word in words}
        over = [w for w in words if -(-estimates[w] // paging.PAGE_SIZE) > -(-exact[w] // paging.PAGE_SIZE)]
        self.assertTrue(over, "no word of the list is overestimated by a page: choose others")
        word = over[0]
        last_page = -(-exact[word] // paging.PAGE_SIZE)
        forget_all()
        with lowered():
            data = self.api(q=word, page=str(-(-estimates[word] // paging.PAGE_SIZE)))
        self.assertTrue(data["total_is_exact"])
        self.assertEqual(data["total"], exact[word])
        self.assertEqual(data["page"], last_page)
        self.assertEqual(len(data["results"]), exact[word] - (last_page - 1) * paging.PAGE_SIZE)

    def test_exact_1_waits_for_exact_counts_equal_to_a_direct_count_per_facet(self):
        with lowered():
            data = self.api(q="revenue", exact="1")
        self.assertTrue(data["total_is_exact"])
        self.assertTrue(all(data["counts_are_exact"].values()))
        by_role = direct("revenue", "role")
        self.assertEqual(data["total"], sum(by_role.values()))
        self.assertEqual({v["value"]: v["count"] for v in data["facets"]["role"]}, dict(by_role))
        by_year = direct("revenue", "fiscal_year")
        self.assertEqual({v["value"]: v["count"] for v in data["facets"]["year"]}, dict(by_year))
        by_company = direct("revenue", "company_id")
        shown = {v["value"]: v["count"] for v in data["facets"]["company"]}
        slugs = dict(Utterance.objects.values_list("company_id", "company__slug").distinct())
        self.assertEqual(shown, {slugs[int(pk)]: n for pk, n in by_company.items()})

    def test_exact_counts_once_fetched_serve_the_next_visitor(self):
        with lowered():
            self.api(q="revenue", exact="1")
            data = self.api(q="revenue")
        self.assertTrue(data["total_is_exact"])
        self.assertEqual(data["total"], sum(direct("revenue", "role").values()))

    def test_estimates_are_remembered_as_estimates_not_as_exact(self):
        with lowered():
            first = self.api(q="revenue")
            with CaptureQueriesContext(connection) as again_queries:
                again = self.api(q="revenue")
        self.assertFalse(first["total_is_exact"])
        self.assertFalse(again["total_is_exact"])
        self.assertEqual(again["total"], first["total"])
        self.assertEqual(again["facets"], first["facets"])
        # Nothing counted again: the data version, the page's ids (remembered), rows, marks.
        self.assertFalse(any("GROUPING" in q["sql"] for q in again_queries.captured_queries))

    def test_a_facet_in_use_is_counted_on_its_own_terms(self):
        # The analysts' few matches are counted exactly; the role facet, which counts every role's
        # matches, is estimated on its own.
        matches = Utterance.objects.filter(TextQuery.parse("revenue").condition(set()))

        def largest_estimate(queryset) -> int:
            return queryset.filter(counting.InSample(16)).count() * 16

        analysts = matches.filter(role="analyst")
        limit = max(largest_estimate(analysts), analysts.count())
        self.assertGreater(min(matches.filter(counting.InSample(16)).count() * 16, matches.count()), limit)
        with lowered(EXACT_LIMIT=limit):
            data = self.api(q="revenue", role="analyst")
        self.assertEqual(data["total"], sum(direct("revenue", "role", role="analyst").values()))
        self.assertTrue(data["total_is_exact"])
        self.assertFalse(data["counts_are_exact"]["role"])
        self.assertTrue(data["counts_are_exact"]["company"])

    def test_values_the_sample_cannot_support_wait_for_the_exact_counts(self):
        with lowered(MIN_SAMPLE_HITS=10**6):
            data = self.api(q="revenue")
        self.assertFalse(data["total_is_exact"])
        self.assertEqual(data["facets"]["company"], [])
        self.assertGreater(data["total"], 0)

    def test_the_values_shown_estimated_are_those_enough_sampled_matches_support(self):
        # Left out by PostgreSQL (HAVING), not after: the same values, none more, the total kept.
        sampled = Utterance.objects.filter(TextQuery.parse("revenue").condition(set()))
        sampled = sampled.filter(counting.InSample(16))
        by_role = Counter(sampled.values_list("role", flat=True))
        by_year = Counter(str(year) for year in sampled.values_list("fiscal_year", flat=True))
        counts = sorted(set(by_role.values()) | set(by_year.values()))
        self.assertGreater(len(counts), 2, "too few distinct sampled counts to choose a threshold")
        at_least = counts[len(counts) // 2]
        with lowered(MIN_SAMPLE_HITS=at_least):
            data = self.api(q="revenue")
        self.assertFalse(data["total_is_exact"])
        self.assertEqual(data["total"], sampled.count() * 16)
        left_out = 0
        for name, sampled_counts in (("role", by_role), ("year", by_year)):
            expected = {str(v): n * 16 for v, n in sampled_counts.items() if n >= at_least}
            left_out += len(sampled_counts) - len(expected)
            self.assertEqual({str(v["value"]): v["count"] for v in data["facets"][name]}, expected, name)
        self.assertGreater(left_out, 0)

    def test_a_selected_value_the_sample_barely_holds_is_counted_among_its_own_matches(self):
        # The year facet's own pass groups every year's matches from the sample; the year picked
        # has too few sampled matches there, and is counted again among its own (exactly here).
        matches = Utterance.objects.filter(TextQuery.parse("revenue").condition(set()))
        sampled = matches.filter(counting.InSample(16))
        years = Counter(str(year) for year in sampled.values_list("fiscal_year", flat=True))
        year, thin = years.most_common(1)[0]
        exact = matches.filter(fiscal_year=int(year)).count()
        self.assertNotEqual(exact, thin * 16, "the sampled estimate happens to be exact")
        in_year = thin * 16  # what the main pass's one count over the sample says
        self.assertGreater(sampled.count() * 16, in_year, "every match is of one year")
        with lowered(EXACT_LIMIT=in_year, MIN_SAMPLE_HITS=thin + 1):
            data = self.api(q="revenue", year=year)
        self.assertFalse(data["counts_are_exact"]["year"])
        shown = {v["value"]: v["count"] for v in data["facets"]["year"]}
        self.assertEqual(shown[year], exact)
        self.assertEqual(data["total"], exact)

    def test_small_result_sets_stay_exact(self):
        with lowered():
            data = self.api(q="cryptocurrency OR penang")
        self.assertTrue(data["total_is_exact"])
        self.assertTrue(all(data["counts_are_exact"].values()))

    def test_the_sample_is_chosen_from_one_count_over_the_sparsest(self):
        matches = Utterance.objects.all()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FILTER (WHERE mod(id, 256) = 0) * 256 FROM calls_utterance")
            (about,) = cursor.fetchone()
        self.assertGreater(about, 160)  # enough to be estimated below, from either sample
        cases = [
            ({"EXACT_LIMIT": about}, None),  # about as many as may be counted: counted
            ({"SAMPLE_BUDGET": about // 16}, 16),  # the denser sample fits the budget
            ({"SAMPLE_BUDGET": about // 16 - 1}, 256),  # it would not: the sparser
        ]
        for overrides, rate in cases:
            with self.subTest(**overrides):
                with (
                    lowered(**({"SAMPLE_RATES": (16, 256), "EXACT_LIMIT": 10} | overrides)),
                    CaptureQueriesContext(connection) as queries,
                ):
                    self.assertEqual(counting.sample_rate(matches), rate)
                self.assertEqual(len(queries), 1)
                self.assertIn('mod("calls_utterance"."id", 256) = 0', queries[0]["sql"])

    def test_the_sample_predicate_is_the_partial_indexes_word_for_word(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'utterance_sample_%%'"
            )
            indexes = dict(cursor.fetchall())
        for rate in counting.SAMPLE_RATES:
            for suffix in ("en", "zh"):
                definition = indexes[f"utterance_sample_{rate}_{suffix}"]
                self.assertIn(f"WHERE (mod(id, ({rate})::bigint) = 0)", definition)
        with self.assertRaises(ValueError):
            counting.InSample(7)


class BoundedRankingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()

    def test_repeated_lexemes_are_tiered_by_how_often_a_paragraph_says_them(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT callvault_repeated_lexemes(to_tsvector('english', %s))::text",
                ["Margin, margins and margin again; the margin. Revenue revenue. Cost."],
            )
            tiers = cursor.fetchone()[0]
        self.assertEqual(tiers, "'margin~2' 'margin~4' 'revenu~2'")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT callvault_repeated_lexemes(to_tsvector('english', %s))::text", ["Cost " * 16]
            )
            self.assertEqual(cursor.fetchone()[0], "'cost~16' 'cost~2' 'cost~4' 'cost~8'")

    def test_one_word_ranked_from_the_tiers_is_the_exact_order(self):
        # For a single word ts_rank grows with its occurrences: the tiers' top is the true top.
        text_query = TextQuery.parse("revenue")
        matches = Utterance.objects.filter(text_query.condition(set()))
        every = paging.ranked_ids(matches, text_query, start=0, end=paging.PAGE_SIZE)
        # The tiers really are used: the paragraphs saying "revenue" twice fill the first page.
        self.assertGreaterEqual(Utterance.objects.filter(repeating(text_query, 2)).count(), paging.PAGE_SIZE)
        bounded = paging._block_ids(
            matches, text_query, sort="relevance", block=0, per_block=1, bounded=Utterance.objects.all()
        )
        self.assertEqual(bounded, every)

    def test_the_first_page_through_the_api_is_ranked_from_the_tiers(self):
        text_query = TextQuery.parse("revenue")
        matches = Utterance.objects.filter(text_query.condition(set()))
        every = paging.ranked_ids(matches, text_query, start=0, end=paging.PAGE_SIZE)
        forget_all()
        with mock.patch.object(paging, "RANK_LIMIT", 10), mock.patch("search.queries.RANK_LIMIT", 10):
            data = self.client.get("/api/search/", {"q": "revenue"}).json()
        self.assertEqual([hit["id"] for hit in data["results"]], every)

    def test_tiers_ask_for_every_positive_word_in_either_index(self):
        def tsqueries(condition) -> list[str]:
            """The tsquery texts of each index's part of a tier's condition."""
            return [
                Utterance.objects.filter(part).query.sql_with_params()[1][-1] for part in condition.children
            ]

        self.assertIsNone(repeating(TextQuery.parse("-revenue"), 2))
        self.assertEqual(tsqueries(repeating(TextQuery.parse("margin -gross"), 4)), ["'margin~4'"])
        self.assertEqual(
            tsqueries(repeating(TextQuery.parse('"gross margin" OR pricing'), 2)),
            ["'gross~2' & 'margin~2' & 'price~2'"],
        )
        self.assertEqual(tsqueries(repeating(TextQuery.parse("營收"), 8))[1:], ["'营收~8'"])
        with self.assertRaises(ValueError):
            repeating(TextQuery.parse("margin"), 3)


class TierBoundTests(TestCase):
    """A query ts_rank scores word by word takes a tier's page only when nothing outside can outrank it."""

    def said(self, first: int, second: int) -> str:
        return " ".join(["Flumox"] * first + ["drevity"] * second) + "."

    def test_an_or_query_goes_down_the_tiers_until_its_page_is_certainly_the_top(self):
        # Two paragraphs say both words 4 times (tier 4); one says the first 9 times and the second
        # only 3, which ranks it above them: tier 4's page alone would leave the best match out.
        paragraphs = [self.said(4, 4), self.said(4, 4), self.said(9, 3), self.said(2, 1)]
        call_import(loaded=loaded(company="Flumox Works", turns=prepared(*paragraphs)))
        text_query = TextQuery.parse("flumox OR drevity")
        matches = Utterance.objects.filter(text_query.condition(set()))
        with mock.patch.object(paging, "PAGE_SIZE", 2):
            every = paging.ranked_ids(matches, text_query, start=0, end=2)
            in_tier_4 = set(Utterance.objects.filter(repeating(text_query, 4)).values_list("pk", flat=True))
            self.assertEqual(len(in_tier_4), 2)
            self.assertFalse(set(every) <= in_tier_4)  # the case this test is about
            bounded = paging._block_ids(
                matches, text_query, sort="relevance", block=0, per_block=1, bounded=Utterance.objects.all()
            )
        self.assertEqual(bounded, every)

    def test_a_lower_tier_ranked_from_its_first_ones_keeps_the_higher_tiers_page(self):
        # Tier 4's best (both words 4 times) does not fill a page certainly (one word 9 times and
        # the other 3 outranks it from outside), and tier 2 is ranked from its first candidate
        # only, a weak one (both words twice): tier 4's page is ranked beside it, not lost.
        weak = [self.said(2, 2)] * 20
        call_import(
            loaded=loaded(company="Flumox Works", turns=prepared(*weak, self.said(4, 4), self.said(9, 3)))
        )
        text_query = TextQuery.parse("flumox OR drevity")
        matches = Utterance.objects.filter(text_query.condition(set()))
        with mock.patch.object(paging, "PAGE_SIZE", 1), mock.patch.object(paging, "CANDIDATES", 1):
            tier_2 = Utterance.objects.filter(repeating(text_query, 2))
            # The first candidate as the ranking reads it (unordered: the table's order).
            first = tier_2.order_by().values_list("pk", flat=True)[:1].get()
            self.assertIn(Utterance.objects.get(pk=first).text, weak)  # the case this test is about
            bounded = paging._block_ids(
                matches, text_query, sort="relevance", block=0, per_block=1, bounded=Utterance.objects.all()
            )
        (tier_4_best,) = Utterance.objects.filter(repeating(text_query, 4)).values_list("pk", flat=True)
        ranked = dict(paging._ranked(matches, text_query, start=0, end=len(weak) + 2))
        self.assertGreaterEqual(ranked[bounded[0]], ranked[tier_4_best])

    def test_a_higher_tier_too_small_for_the_page_is_kept_when_the_next_is_cut_to_its_first_ones(self):
        # "flumox" 9 times in one paragraph (tier 8, too few for a page of 2), 4 times in twenty
        # (tier 4, ranked from its first 2 only): the 9-times paragraph still heads the page.
        call_import(
            loaded=loaded(company="Flumox Works", turns=prepared(*[self.said(4, 0)] * 20, self.said(9, 0)))
        )
        text_query = TextQuery.parse("flumox")
        matches = Utterance.objects.filter(text_query.condition(set()))
        (best,) = Utterance.objects.filter(repeating(text_query, 8)).values_list("pk", flat=True)
        with mock.patch.object(paging, "PAGE_SIZE", 2), mock.patch.object(paging, "CANDIDATES", 2):
            first = (
                Utterance.objects.filter(repeating(text_query, 4)).order_by().values_list("pk", flat=True)[:2]
            )
            self.assertNotIn(best, list(first))  # the case this test is about
            every = paging.ranked_ids(matches, text_query, start=0, end=2)
            bounded = paging._block_ids(
                matches, text_query, sort="relevance", block=0, per_block=1, bounded=Utterance.objects.all()
            )
            second_page = paging._block_ids(
                matches, text_query, sort="relevance", block=1, per_block=1, bounded=Utterance.objects.all()
            )
        self.assertEqual(bounded[0], best)
        self.assertEqual(every[0], best)
        # The rest tie (4 times each): any of them ranks as well as the one ranking all would show.
        ranked = dict(paging._ranked(matches, text_query, start=0, end=21))
        self.assertEqual(ranked[bounded[1]], ranked[every[1]])
        # Page 2 counts the 9-times paragraph before it, and so does not show it again.
        self.assertNotIn(best, second_page)
        self.assertEqual(len(second_page), 2)

    def test_the_bound_is_ts_ranks_score_of_the_best_paragraph_outside_the_tier(self):
        # At best, outside tier T: every word but one said as often as a vector holds (256), the
        # last T - 1 times. PostgreSQL's own ts_rank of that paragraph sits just under the bound.
        for query, lexemes in (("margin", ["margin"]), ("pricing OR inflation", ["price", "inflat"])):
            tiers = Tiers(TextQuery.parse(query))
            for tier in REPEAT_TIERS:
                counts = [256] * (len(lexemes) - 1) + [tier - 1]
                vector, position = [], 1
                for lexeme, count in zip(lexemes, counts, strict=True):
                    if count:
                        vector.append(f"{lexeme}:" + ",".join(map(str, range(position, position + count))))
                    position += count
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT ts_rank(%s::tsvector,"
                        " querytree(websearch_to_tsquery('english', %s))::tsquery)",
                        [" ".join(vector) or "nothing", query],
                    )
                    best_outside = cursor.fetchone()[0]
                with self.subTest(query=query, tier=tier):
                    bound = tiers.rank_bound(tier)
                    self.assertLessEqual(best_outside, bound * (1 + paging.RANK_SLACK))
                    self.assertLess(bound - best_outside, 0.001)

    def test_only_queries_ranked_word_by_word_have_a_bound(self):
        self.assertIsNotNone(Tiers(TextQuery.parse("margin")).rank_bound(2))
        self.assertIsNotNone(Tiers(TextQuery.parse('"gross margin" OR pricing')).rank_bound(2))
        self.assertIsNotNone(Tiers(TextQuery.parse("margin margin")).rank_bound(2))  # one lexeme
        # AND and phrases are ranked by how close their words are; Chinese beside English.
        self.assertIsNone(Tiers(TextQuery.parse("supply chain")).rank_bound(2))
        self.assertIsNone(Tiers(TextQuery.parse('"gross margin"')).rank_bound(2))
        # A tree with parentheses: its top is read past them.
        self.assertEqual(_top_operator("( 'price' | 'inflat' ) & 'margin'"), "&")
        self.assertEqual(_top_operator("'gross' <-> 'margin' | 'price'"), "|")
        self.assertEqual(_top_operator("'gross' <-> 'margin'"), "<")
        self.assertEqual(_top_operator("'it''s' & '|'"), "&")
        self.assertIsNone(Tiers(TextQuery.parse("營收")).rank_bound(2))


class EstimatedPageTests(TestCase):
    """The search page labels estimates and links to the exact counts (search.js fetches them)."""

    @classmethod
    def setUpTestData(cls):
        import_archive()

    def setUp(self):
        forget_all()

    def test_estimates_are_labelled_on_the_page_and_the_exact_page_is_not(self):
        with lowered():
            estimated = self.client.get("/search/", {"q": "revenue", "role": "executive"})
            result = estimated.context["result"]
            page = estimated.content.decode()
            self.assertFalse(result.total_is_exact)
            self.assertIn(f"About {result.shown_total} paragraphs match “revenue”", page)
            self.assertIn('data-total-exact="false"', page)
            self.assertRegex(page, r'<span class="count" title="An estimate[^"]*">~\d+</span>')
            self.assertIn("estimated from a sample", page)
            exact_url = estimated.context["exact_url"]
            self.assertIn("exact=1", exact_url)
            self.assertIn("role=executive", exact_url)

            exact = self.client.get("/search/" + exact_url)
        page = exact.content.decode()
        self.assertTrue(exact.context["result"].total_is_exact)
        self.assertNotIn("~", "".join(re.findall(r'<span class="count"[^>]*>[^<]*</span>', page)))
        self.assertNotIn("estimate-note", page)
        self.assertIn('data-total-exact="true"', page)
        executives = sum(direct("revenue", "role", role="executive").values())
        self.assertEqual(exact.context["result"].total, executives)

    def test_facets_the_sample_cannot_support_say_they_are_being_counted(self):
        with lowered(MIN_SAMPLE_HITS=10**6):
            page = self.client.get("/search/", {"q": "revenue"}).content.decode()
        self.assertRegex(page, r'data-facet="company" data-estimated>\s*<h2>Company</h2>\s*<p[^>]*>Counting…')

    def test_an_estimate_is_written_to_two_significant_figures(self):
        from search.results import SearchResult

        result = SearchResult(query="q", total=279_856, page=1, pages=1, hits=[], total_is_exact=False)
        self.assertEqual(result.shown_total, 280_000)
        self.assertEqual(
            SearchResult(query="q", total=279_856, page=1, pages=1, hits=[]).shown_total, 279_856
        )
