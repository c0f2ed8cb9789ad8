"""Marker lexemes (calls/markers.py): a role, company or year filter narrows the index lookup itself,
finds exactly what the filter's own column condition finds, and no typed word reaches one."""

from collections import Counter

from django.db import connection
from django.http import QueryDict
from django.test import SimpleTestCase, TestCase

from calls.markers import marker_query
from calls.models import Company, Utterance
from calls.text import query_terms
from search.cache import forget_all
from search.counting import InSample
from search.filters import UtteranceFilter
from search.textquery import TextQuery, repeating
from tests.archive import import_archive

MARKERS = "ARRAY['role analyst', 'company 7', 'year 2020']"


def scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def scalars(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def direct_ids(query: str, **columns) -> set[int]:
    """The ids PostgreSQL finds with the plain vector and plain column conditions (no markers)."""
    conditions = "".join(f" AND {column} = ANY(%s)" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM calls_utterance"
            f" WHERE search_en @@ websearch_to_tsquery('english', %s){conditions}",
            [query, *columns.values()],
        )
        return {row[0] for row in cursor.fetchall()}


class MarkerQueryTests(SimpleTestCase):
    def test_one_columns_values_are_ored_and_the_columns_anded(self):
        self.assertEqual(
            marker_query({"role": ["analyst"], "company_id": [40, 12, 12], "fiscal_year": []}),
            "('role analyst') & ('company 12' | 'company 40')",
        )
        self.assertEqual(marker_query({}), "")
        self.assertEqual(marker_query({"role": []}), "")


class MarkerLexemeTests(TestCase):
    """What PostgreSQL makes of the markers and of words typed to look like them."""

    def test_quotes_and_backslashes_in_a_value_match_only_that_value(self):
        odd = "o'brien\\x"
        marked = "callvault_marked(''::tsvector, %s, 1, 2020::smallint)"
        asked = marker_query({"role": [odd]})
        self.assertTrue(scalar(f"SELECT {marked} @@ %s::tsquery", [odd, asked]))
        self.assertFalse(scalar(f"SELECT {marked} @@ %s::tsquery", ["o'brien", asked]))

    def test_no_typed_words_match_a_marker(self):
        typed = ["role analyst", '"role analyst"', "'role analyst'", "role", "company 7", "year 2020"]
        for text in typed:
            with self.subTest(text=text):
                self.assertFalse(
                    scalar(
                        f"SELECT array_to_tsvector({MARKERS}) @@ websearch_to_tsquery('english', %s)",
                        [text],
                    )
                )
                # The Chinese index's query: a raw to_tsquery of the query's terms (calls.text).
                terms = query_terms(text)
                chinese = f"SELECT array_to_tsvector({MARKERS}) @@ to_tsquery('simple', %s)"
                self.assertFalse(terms and scalar(chinese, [terms]))

    def test_repeated_lexemes_are_marked_only_where_a_word_repeats(self):
        repeats = "callvault_repeated_lexemes(to_tsvector('english', %s))"
        marked = f"callvault_marked_repeats({repeats}, 'analyst', 7, 2020::smallint)"
        self.assertEqual(scalar(f"SELECT {marked}::text", ["Margin rose."]), "")
        # Elsewhere the same markers as callvault_marked's (the function writes them out again).
        everywhere = f"callvault_marked({repeats}, 'analyst', 7, 2020::smallint)"
        self.assertTrue(scalar(f"SELECT {marked} = {everywhere}", ["Margin, margin.", "Margin, margin."]))
        self.assertTrue(
            scalar(f"SELECT {marked} @@ %s::tsquery", ["Margin, margin.", "'margin~2' & 'role analyst'"])
        )

    def test_markers_have_no_positions_so_phrases_read_as_before(self):
        plain = "to_tsvector('english', 'gross margin rose')"
        marked = f"callvault_marked({plain}, 'analyst', 7, 2020::smallint)"
        for query in ['"gross margin"', '"margin gross"', "gross -margin", "rose"]:
            with self.subTest(query=query):
                tsquery = "websearch_to_tsquery('english', %s)"
                self.assertEqual(
                    scalar(f"SELECT {marked} @@ {tsquery}", [query]),
                    scalar(f"SELECT {plain} @@ {tsquery}", [query]),
                )


class MarkedFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()
        cls.companies = dict(Company.objects.values_list("slug", "pk"))
        # The period most paragraphs are of, so that a year and quarter filter finds something.
        periods = Counter(Utterance.objects.values_list("fiscal_year", "fiscal_quarter"))
        (cls.year, cls.quarter), _ = periods.most_common(1)[0]

    def setUp(self):
        forget_all()

    def matching_ids(self, query_string: str, *, skip: str = "") -> set[int]:
        filterset = UtteranceFilter(QueryDict(query_string))
        text_query = TextQuery.parse(filterset.form.data.get("q", ""))
        return set(filterset.matching(text_query, set(), skip=skip).values_list("pk", flat=True))

    def test_filtered_matches_equal_the_plain_column_conditions(self):
        allot, infinera = self.companies["allot"], self.companies["infinera"]
        cases = [
            ("q=revenue&role=analyst", "revenue", {"role": ["analyst"]}),
            ("q=margin&role=analyst&role=executive", "margin", {"role": ["analyst", "executive"]}),
            ("q=quarter&section=qa", "quarter", {"section": ["qa"]}),
            ("q=revenue&company=allot&company=infinera", "revenue", {"company_id": [allot, infinera]}),
            (
                "q=growth -revenue&company=allot&role=executive&section=prepared",
                "growth -revenue",
                {"company_id": [allot], "role": ["executive"], "section": ["prepared"]},
            ),
            (
                f"q=revenue&year={self.year}&year={self.year - 1}&quarter={self.quarter}",
                "revenue",
                {"fiscal_year": [self.year, self.year - 1], "fiscal_quarter": [self.quarter]},
            ),
        ]
        for query_string, query, columns in cases:
            with self.subTest(query_string):
                expected = direct_ids(query, **columns)
                self.assertTrue(expected)
                self.assertEqual(self.matching_ids(query_string), expected)

    def test_the_row_condition_finds_what_the_index_condition_finds(self):
        # Rows tested one by one (a call page's, a tier's candidates) use the plain vectors.
        for query, langs in [
            ("revenue", set()),
            ('"gross margin"', set()),
            ("growth -revenue", {"en"}),
            ("backlog OR inventory", set()),
            ("營收", set()),
            ("營收", {"zh"}),
            ("margin", {"zh"}),
        ]:
            with self.subTest(query=query, langs=langs):
                text_query = TextQuery.parse(query, translations="zh" in langs)
                indexed = Utterance.objects.filter(text_query.condition(langs)).values_list("pk", flat=True)
                rows = Utterance.objects.filter(text_query.row_condition(langs)).values_list("pk", flat=True)
                self.assertEqual(set(rows), set(indexed))
                self.assertTrue(set(rows) or query == "margin")

    def test_a_skipped_facet_leaves_its_markers_out(self):
        # A facet's own counts ignore its selection: skipping it must widen the index lookup too.
        self.assertEqual(
            self.matching_ids("q=revenue&role=analyst&section=qa", skip="role"),
            direct_ids("revenue", section=["qa"]),
        )

    def test_api_totals_and_facets_under_a_role_filter_equal_a_direct_count(self):
        data = self.client.get("/api/search/", {"q": "revenue", "role": "analyst"}).json()
        self.assertEqual(data["total"], len(direct_ids("revenue", role=["analyst"])))
        sections = {v["value"]: v["count"] for v in data["facets"]["section"]}
        for section, count in sections.items():
            self.assertEqual(count, len(direct_ids("revenue", role=["analyst"], section=[section])))
        # The role facet counts every role, its own selection aside.
        roles = {v["value"]: v["count"] for v in data["facets"]["role"]}
        self.assertEqual(roles["executive"], len(direct_ids("revenue", role=["executive"])))

    def plan(self, queryset) -> str:
        """EXPLAIN of `queryset`'s ids, unordered (no join), with the statistics of the archive
        and sequential scans priced out, as on a large archive."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE calls_utterance")
            cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.order_by().values("pk").explain()

    def marked_lookup(self, plan: str) -> str:
        """The Index Cond of the plan's marked-vector index scan."""
        return next(line for line in plan.splitlines() if "Index Cond" in line and "callvault_marked" in line)

    def test_a_role_filter_is_an_index_condition_of_the_text_lookup(self):
        filterset = UtteranceFilter(QueryDict("q=revenue&role=analyst"))
        plan = self.plan(filterset.matching(TextQuery.parse("revenue"), set()))
        index_condition = self.marked_lookup(plan)
        self.assertIn("utterance_marked_en", plan)
        self.assertIn("role analyst", index_condition)
        self.assertIn("revenu", index_condition)

    def test_without_a_marked_filter_the_plain_indexes_are_read(self):
        # A phrase is re-checked on every row the index gives: against the plain vector, which
        # needs no markers concatenated first.
        filterset = UtteranceFilter(QueryDict('q="gross margin"&lang=en'))
        plan = self.plan(filterset.matching(TextQuery.parse('"gross margin"'), {"en"}))
        self.assertIn("utterance_search_en", plan)
        self.assertNotIn("callvault_marked", plan)

    def test_a_ranking_tier_without_a_filter_reads_the_marked_index_without_markers(self):
        # One repeated-lexeme index per language (search/migrations/0009): the markers are
        # lexemes of their own, so asking for the repeated word alone finds the same paragraphs.
        tier = repeating(TextQuery.parse("revenue"), 2)
        plan = self.plan(Utterance.objects.filter(tier))
        self.assertIn("utterance_marked_repeated_en", plan)
        self.assertNotIn("role ", self.marked_lookup(plan))
        direct = {
            row[0]
            for row in scalars(
                "SELECT id FROM calls_utterance WHERE callvault_repeated_lexemes(search_en) @@ 'revenu~2'"
            )
        }
        self.assertTrue(direct)
        self.assertEqual(set(Utterance.objects.filter(tier).values_list("pk", flat=True)), direct)

    def test_a_chinese_tier_reads_the_partial_index_of_the_translated_paragraphs(self):
        tier = repeating(TextQuery.parse("營收"), 2)
        chinese = Utterance.objects.filter(tier)
        plan = self.plan(chinese)
        self.assertIn("utterance_marked_repeated_zh", plan)
        self.assertNotIn("Seq Scan", plan)
        direct = {
            row[0]
            for row in scalars(
                "SELECT id FROM calls_utterance WHERE callvault_repeated_lexemes(search_zh) @@ '营收~2'"
            )
        }
        self.assertTrue(direct)
        self.assertEqual(set(chinese.values_list("pk", flat=True)), direct)
        # The predicate keeps out only paragraphs no Chinese tier can match.
        self.assertEqual(
            scalar(
                "SELECT count(*) FROM calls_utterance"
                " WHERE cjk_terms = '' AND length(callvault_repeated_lexemes(search_zh)) > 0"
            ),
            0,
        )

    def test_a_ranking_tier_reads_its_marked_index_with_the_filter(self):
        markers = marker_query({"role": ["analyst"]})
        tier = repeating(TextQuery.parse("revenue"), 2, markers=markers)
        plan = self.plan(UtteranceFilter(QueryDict("")).qs.filter(tier))
        self.assertIn("utterance_marked_repeated_en", plan)
        index_condition = self.marked_lookup(plan)
        self.assertIn("role analyst", index_condition)

    def test_the_markers_asked_for_are_the_valid_values_of_every_marked_facet(self):
        allot = self.companies["allot"]
        filterset = UtteranceFilter(
            QueryDict(f"q=revenue&company=allot&company=nosuch&year={self.year}&quarter=9&speaker=x")
        )
        # The unknown company matches nothing and is reported; quarter 9 is refused; the speaker is
        # not a marked column.
        self.assertEqual(filterset.markers(), f"('company {allot}') & ('year {self.year}')")
        self.assertEqual(filterset.markers(skip="year"), f"('company {allot}')")

    def test_a_sampled_estimate_reads_its_marked_partial_index_with_the_filter(self):
        filterset = UtteranceFilter(QueryDict("q=revenue&role=executive"))
        sampled = filterset.matching(TextQuery.parse("revenue"), set()).filter(InSample(16))
        plan = self.plan(sampled)
        self.assertIn("utterance_marked_sample_16_en", plan)
        index_condition = self.marked_lookup(plan)
        self.assertIn("role executive", index_condition)
