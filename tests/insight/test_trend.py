"""The mention trend: exact counts per period and series, against the database and the search's facets."""

from collections import Counter

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from search.cache import forget_all
from tests.archive import import_archive


def direct(query: str, *columns: str) -> Counter:
    """Matching paragraphs per `columns`, by the database alone (to_tsvector on the raw text)."""
    select = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {select}, count(*) FROM calls_utterance u JOIN calls_call c ON c.id = u.call_id
            JOIN calls_company co ON co.id = c.company_id
            WHERE to_tsvector('english', u.text) @@ websearch_to_tsquery('english', %s)
            GROUP BY {select}
            """,
            [query],
        )
        return Counter({tuple(row[:-1]): row[-1] for row in cursor.fetchall()})


class TrendTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()

    def setUp(self):
        forget_all()

    def trend(self, **params):
        response = self.client.get("/api/search/trend/", params)
        self.assertEqual(response.status_code, 200)
        return response.json()

    def counts(self, data) -> Counter:
        return Counter(
            {
                (b["fiscal_year"], b["fiscal_quarter"], b["series"]): b["count"]
                for b in data["buckets"]
                if b["count"]
            }
        )

    def test_quarters_equal_a_direct_count(self):
        data = self.trend(q="revenue")
        self.assertEqual((data["by"], data["split"]), ("quarter", "none"))
        expected = direct("revenue", "c.fiscal_year", "c.fiscal_quarter")
        self.assertEqual(self.counts(data), Counter({(y, q, "all"): n for (y, q), n in expected.items()}))
        self.assertGreater(len(expected), 3)

    def test_split_by_role_and_by_year(self):
        data = self.trend(q="margin", by="year", split="role")
        expected = direct("margin", "c.fiscal_year", "u.role")
        self.assertEqual(self.counts(data), Counter({(y, None, r): n for (y, r), n in expected.items()}))
        self.assertEqual({s["value"] for s in data["series"]}, {r for (_, r) in expected})

    def test_split_by_company_keeps_five_and_folds_the_rest(self):
        data = self.trend(q="quarter", split="company")
        expected = direct("quarter", "co.slug")
        self.assertGreater(len(expected), 5)  # the archive has six companies saying it
        top = sorted(expected, key=lambda key: (-expected[key], key))[:5]
        values = [s["value"] for s in data["series"]]
        self.assertEqual(values[-1], "other")
        self.assertEqual(len(values), 6)
        by_series = Counter()
        for bucket in data["buckets"]:
            by_series[bucket["series"]] += bucket["count"]
        for (slug,) in top:
            self.assertEqual(by_series[slug], expected[slug,])
        self.assertEqual(by_series["other"], sum(n for key, n in expected.items() if key not in top))

    def test_years_and_quarters_equal_the_searchs_own_facets(self):
        for query in ("revenue", "guidance", "營收"):
            facets = self.client.get("/api/search/", {"q": query}).json()["facets"]
            years, quarters = Counter(), Counter()
            for bucket in self.trend(q=query)["buckets"]:
                years[str(bucket["fiscal_year"])] += bucket["count"]
                quarters[str(bucket["fiscal_quarter"])] += bucket["count"]
            self.assertEqual(+years, Counter({v["value"]: v["count"] for v in facets["year"]}), query)
            self.assertEqual(+quarters, Counter({v["value"]: v["count"] for v in facets["quarter"]}), query)

    def test_filters_apply_and_calls_normalise(self):
        data = self.trend(q="revenue", company="allot", per_call="1")
        expected = direct("revenue", "co.slug", "c.fiscal_year", "c.fiscal_quarter")
        allot = {(y, q): n for (slug, y, q), n in expected.items() if slug == "allot"}
        shown = {(b["fiscal_year"], b["fiscal_quarter"]): b["count"] for b in data["buckets"]}
        self.assertEqual(shown, allot)
        for bucket in data["buckets"]:
            self.assertEqual(bucket["calls"], 1)  # one Allot call per quarter
            self.assertEqual(bucket["per_call"], bucket["count"])
        together = self.trend(q="revenue", year="2013")
        (bucket,) = together["buckets"]
        self.assertEqual(bucket["calls"], 2)  # Allot and Infinera both held a Q1 2013 call
        self.assertEqual(bucket["per_call"], round(bucket["count"] / 2, 3))

    def test_one_grouped_query_and_then_the_cache(self):
        with CaptureQueriesContext(connection) as first:
            self.trend(q="revenue", split="role")
        # data version, counts, calls (and the filters' own lookups: none here)
        self.assertLessEqual(len(first), 3, [q["sql"] for q in first])
        with CaptureQueriesContext(connection) as again:
            self.trend(q="revenue", split="role")
        self.assertEqual(len(again), 1)  # the data version only

    def test_chart_is_accessible_svg_with_its_numbers_in_a_table(self):
        page = self.client.get("/search/trend/", {"q": "revenue OR <script>x</script>", "split": "role"})
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn('role="img"', html)
        self.assertIn('aria-labelledby="trend-title trend-desc"', html)
        self.assertIn('<title id="trend-title">', html)
        self.assertNotIn("<script>x", html)
        self.assertIn("format=csv", html)
        data = self.trend(q="revenue OR <script>x</script>", split="role")
        self.assertGreater(sum(b["count"] for b in data["buckets"]), 0)
        for bucket in data["buckets"]:
            if bucket["count"]:
                self.assertIn(f'<td data-series="{bucket["series"]}">{bucket["count"]}</td>', html)

    def test_csv_of_the_numbers(self):
        response = self.client.get("/api/search/trend/", {"q": "revenue", "format": "csv"})
        body = response.content.decode("utf-8")
        self.assertTrue(body.startswith("\ufeff"))
        lines = body.lstrip("\ufeff").splitlines()
        self.assertEqual(lines[0], "fiscal_year,fiscal_quarter,series,label,count,calls,per_call")
        total = sum(int(line.split(",")[4]) for line in lines[1:])
        self.assertEqual(total, self.client.get("/api/search/", {"q": "revenue"}).json()["total"])

    def test_without_a_query_every_paragraph_counts(self):
        for split, column in (("none", None), ("role", "u.role"), ("company", "co.slug")):
            data = self.trend(split=split, by="year")
            with connection.cursor() as cursor:
                group = f", {column}" if column else ""
                cursor.execute(
                    f"SELECT u.fiscal_year{group}, count(*) FROM calls_utterance u"
                    f" JOIN calls_company co ON co.id = u.company_id GROUP BY u.fiscal_year{group}"
                )
                rows = cursor.fetchall()
            if split == "none":
                expected = Counter({(year, None, "all"): n for year, n in rows})
            elif split == "role":
                expected = Counter({(year, None, role): n for year, role, n in rows})
            else:
                top = {s["value"] for s in data["series"]} - {"other"}
                expected = Counter()
                for year, slug, n in rows:
                    expected[year, None, slug if slug in top else "other"] += n
            self.assertEqual(self.counts(data), expected, split)

    def test_bad_options_are_reported_not_a_500(self):
        data = self.trend(q="revenue", by="week", split="speaker")
        self.assertEqual((data["by"], data["split"]), ("quarter", "none"))
        self.assertTrue(any(error.startswith("by:") for error in data["errors"]))
