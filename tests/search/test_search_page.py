"""The search page says what it is doing: chips, one box, page numbers, every facet value, calls,
the date range, tickers, and why nothing was found. Browser tests: tests/browser/test_search_page.py."""

import datetime
import re
from collections import Counter
from html import unescape
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from calls.models import Call, Company, Utterance
from calls.pages import page_numbers
from search.cache import forget_all
from search.counting import FACET_SIZE
from search.zero import query_parts, query_without
from tests.archive import import_archive

HELD = {  # a date held for each call of the archive (the samples give none)
    ("allot", 2013, 1): datetime.date(2013, 5, 2),
    ("infinera", 2013, 1): datetime.date(2013, 4, 24),
    ("juniper-networks", 2010, 1): datetime.date(2010, 4, 22),
    ("allot", 2023, 2): datetime.date(2023, 8, 1),
}


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


class SearchPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()
        for (slug, year, quarter), held in HELD.items():
            Call.objects.filter(company__slug=slug, fiscal_year=year, fiscal_quarter=quarter).update(
                held_on=held
            )

    def setUp(self):
        forget_all()

    def api(self, **params):
        response = self.client.get("/api/search/", params)
        self.assertEqual(response.status_code, 200)
        return response.json()

    # Chips and summary

    def test_active_filters_are_chips_that_each_take_one_away(self):
        response = self.client.get(
            "/search/", {"q": "margin", "section": "qa", "role": "analyst", "company": "infinera"}
        )
        chips = response.context["chips"]
        self.assertEqual(
            [(chip.title, chip.label) for chip in chips],
            [("Company", "Infinera"), ("Role", "Analyst"), ("Section", "Q&A")],
        )
        for chip in chips:
            left = query_of(chip.remove_url)
            self.assertEqual(left["q"], ["margin"])
            self.assertNotIn(chip.name, left)
            self.assertEqual(len(left), 3)  # the query and the two other filters
        self.assertEqual(query_of(response.context["clear_all_url"]), {"q": ["margin"]})
        summary = re.search(r'<p class="summary"[^>]*>(.*?)</p>', response.content.decode(), re.S).group(1)
        text = unescape(re.sub(r"<[^>]+>", "", summary))
        total = response.context["result"].total
        self.assertEqual(text, f"{total} paragraphs match “margin” · Infinera · Analyst · Q&A")
        self.assertContains(response, 'aria-label="Remove filter Role: Analyst"')

    def test_the_search_page_has_one_box_and_it_keeps_the_filters(self):
        page = self.client.get("/search/", {"q": "margin", "role": "analyst", "from": "2013-01-01"})
        self.assertNotContains(page, 'id="header-q"')
        self.assertContains(page, 'id="search-q"', count=1)
        form = re.search(r'<form class="search-form".*?</form>', page.content.decode(), re.S).group(0)
        self.assertIn('<input type="hidden" name="role" value="analyst">', form)
        self.assertIn('<input type="hidden" name="from" value="2013-01-01">', form)
        self.assertContains(self.client.get("/"), 'id="header-q"')  # other pages keep the header's box

    # Page numbers

    def test_page_numbers_show_the_first_the_last_and_a_window(self):
        self.assertEqual(page_numbers(1, 1), [1])
        self.assertEqual(page_numbers(1, 5), [1, 2, 3, 4, 5])
        self.assertEqual(page_numbers(1, 40), [1, 2, 3, None, 40])
        self.assertEqual(page_numbers(10, 40), [1, None, 8, 9, 10, 11, 12, None, 40])
        self.assertEqual(page_numbers(4, 40), [1, 2, 3, 4, 5, 6, None, 40])  # no gap of one page
        self.assertEqual(page_numbers(40, 40), [1, None, 38, 39, 40])

    def test_the_pager_links_numbered_pages(self):
        response = self.client.get("/search/", {"q": "revenue", "page": 3})
        pages = response.context["result"].pages
        self.assertGreater(pages, 6)
        links = dict(response.context["pager"].links)
        self.assertEqual([n for n in links if n is not None], [1, 2, 3, 4, 5, pages])
        self.assertEqual(query_of(links[pages]), {"q": ["revenue"], "page": [str(pages)]})
        self.assertContains(response, f'aria-label="Page {pages}"')
        self.assertContains(response, 'aria-current="page">3</a>')

    # Every value of a long facet

    def test_every_speaker_with_its_count_beyond_the_facet_s_first_values(self):
        params = {"q": "revenue", "section": "qa"}
        shown = self.client.get("/search/", params).context["result"].facets["speaker"]
        self.assertEqual(len(shown), FACET_SIZE)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/search/facet/speaker/", params)
        # The values grouped, then their names: no query per value.
        self.assertEqual(len(queries), 2)
        links = [link for _url, link in response.context["links"]]
        self.assertGreater(len(links), FACET_SIZE)
        expected = Counter(
            Utterance.objects.filter(speaker__isnull=False)
            .filter(pk__in=[hit["id"] for hit in self._all_hits(params)])
            .values_list("speaker__slug", flat=True)
        )
        self.assertEqual({link.value: link.count for link in links}, dict(expected))
        counts = [link.count for link in links]
        self.assertEqual(counts, sorted(counts, reverse=True))
        # The page's first values are the largest of them, with the same counts.
        every = {link.value: link.count for link in links}
        self.assertTrue(all(every[value.value] == value.count for value in shown))
        self.assertEqual(sorted(every.values(), reverse=True)[:FACET_SIZE], [v.count for v in shown])
        # Each value adds itself to the search, on the search page.
        url, first = response.context["links"][0]
        self.assertTrue(url.startswith("/search/?"))
        self.assertEqual(query_of(url), {"q": ["revenue"], "section": ["qa"], "speaker": [first.value]})
        fragment = self.client.get("/search/facet/speaker/", {**params, "fragment": 1})
        self.assertNotContains(fragment, "<html")
        self.assertContains(fragment, 'class="facet-values"')
        self.assertEqual(self.client.get("/search/facet/year/", params).status_code, 404)
        self.assertEqual(self.client.get("/search/facet/nosuch/").status_code, 404)
        page = self.client.get("/search/", params)
        self.assertContains(page, 'class="facet-more" href="/search/facet/speaker/?q=revenue&amp;section=qa"')
        self.assertNotContains(page, "/search/facet/company/")  # six companies: all shown already

    def test_every_value_without_a_query_counts_the_tallies(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/search/facet/speaker/", {"section": "qa"})
        self.assertEqual(len(queries), 2)
        every = {link.value: link.count for _url, link in response.context["links"]}
        expected = Counter(
            Utterance.objects.filter(section="qa", speaker__isnull=False).values_list(
                "speaker__slug", flat=True
            )
        )
        self.assertEqual(every, dict(expected))

    def _all_hits(self, params) -> list[dict]:
        hits, page = [], 1
        while True:
            data = self.api(**params, page=page)
            hits += data["results"]
            if page >= data["pages"]:
                return hits
            page += 1

    # Grouped by call

    def test_hits_grouped_by_call_with_a_count_each(self):
        params = {"q": "revenue", "role": "analyst"}
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/search/", {**params, "group": "call"})
        groups = response.context["groups"]
        expected = Counter(
            Utterance.objects.filter(pk__in=[hit["id"] for hit in self._all_hits(params)]).values_list(
                "call_id", flat=True
            )
        )
        self.assertEqual({g.call.pk: g.count for g in groups.groups}, dict(expected))
        self.assertEqual(groups.total, len(expected))
        counts = [g.count for g in groups.groups]
        self.assertEqual(counts, sorted(counts, reverse=True))  # most matches first
        total = response.context["result"].total
        self.assertEqual(
            response.context["grouped_summary"],
            f"{total} paragraphs in {len(expected)} calls match “revenue”",
        )
        self.assertContains(response, f'data-calls="{len(expected)}"')
        # The search's queries, and three for the calls: how many, one page of them, their rows.
        self.assertLessEqual(len(queries), 6 + 1 + 3)
        call = groups.groups[0].call
        self.assertContains(response, f'href="{call.get_absolute_url()}?q=revenue"')
        # Newest and oldest order the calls by period; browsing counts every paragraph per call.
        oldest = self.client.get("/search/", {**params, "group": "call", "sort": "oldest"}).context["groups"]
        periods = [(g.call.fiscal_year, g.call.fiscal_quarter) for g in oldest.groups]
        self.assertEqual(periods, sorted(periods))
        browsing = self.client.get("/search/", {"group": "call"}).context["groups"]
        self.assertEqual(browsing.total, Call.objects.count())
        self.assertEqual(sum(g.count for g in browsing.groups), Utterance.objects.count())
        # The switch back to paragraphs keeps the search.
        self.assertEqual(
            query_of(response.context["paragraphs_url"]), {"q": ["revenue"], "role": ["analyst"]}
        )

    # Date range

    def test_a_date_range_filters_on_the_date_held_in_the_page_and_the_api(self):
        in_2013 = Utterance.objects.filter(
            call__held_on__range=(datetime.date(2013, 1, 1), datetime.date(2013, 12, 31))
        )
        data = self.api(**{"from": "2013-01-01", "to": "2013-12-31"})
        self.assertEqual(data["total"], in_2013.count())
        self.assertEqual(data["errors"], [])
        self.assertEqual({v["value"] for v in data["facets"]["company"]}, {"allot", "infinera"})
        by_company = Counter(in_2013.values_list("company__slug", flat=True))
        self.assertEqual({v["value"]: v["count"] for v in data["facets"]["company"]}, dict(by_company))
        with_query = self.api(q="revenue", **{"from": "2013-05-01"})
        expected = Utterance.objects.filter(call__held_on__gte=datetime.date(2013, 5, 1), search_en="revenue")
        self.assertEqual(with_query["total"], expected.count())
        self.assertEqual({hit["held_on"] for hit in with_query["results"]}, {"2013-05-02", "2023-08-01"})
        # Calls without a date are outside any range.
        self.assertEqual(
            self.api(**{"to": "2030-01-01"})["total"],
            Utterance.objects.filter(call__held_on__isnull=False).count(),
        )
        page = self.client.get("/search/", {"q": "revenue", "from": "2013-05-01"})
        self.assertEqual(page.context["result"].total, with_query["total"])
        [chip] = page.context["chips"]
        self.assertEqual((chip.title, chip.label), ("Date held", "from 2013-05-01"))
        self.assertContains(page, 'name="from" value="2013-05-01"')

    def test_counts_differ_with_and_without_a_date_range_though_remembered(self):
        # Counts and ids are remembered per search state (search/cache.py), which must hold the range:
        # each request below is answered after the other's counts were kept (no forget_all between).
        for query in ("revenue", ""):
            with self.subTest(query=query):
                everything = self.api(q=query)
                ranged = self.api(q=query, **{"from": "2013-01-01", "to": "2013-12-31"})
                direct = Utterance.objects.filter(call__held_on__year=2013)
                if query:
                    direct = direct.filter(search_en=query)
                self.assertEqual(ranged["total"], direct.count())
                self.assertLess(ranged["total"], everything["total"])
                self.assertNotEqual(ranged["facets"]["company"], everything["facets"]["company"])
                self.assertNotEqual(ranged["results"], everything["results"])
                self.assertEqual(self.api(q=query), everything)  # and back, from the cache
                until = self.api(q=query, to="2013-04-30")  # only the end: another state again
                direct = Utterance.objects.filter(call__held_on__lte=datetime.date(2013, 4, 30))
                if query:
                    direct = direct.filter(search_en=query)
                self.assertEqual(until["total"], direct.count())
                self.assertNotEqual(until["total"], ranged["total"])

    def test_bad_dates_are_reported_and_left_out(self):
        everything = self.api(q="revenue")["total"]
        for params, field in (
            ({"from": "2013-13-01"}, "from"),
            ({"to": "yesterday"}, "to"),
            ({"from": "05/02/2013"}, "from"),
            ({"from": "2013-01-01\x00"}, "from"),
        ):
            with self.subTest(params=params):
                data = self.api(q="revenue", **params)
                self.assertEqual(data["total"], everything)
                self.assertEqual([error.split(":")[0] for error in data["errors"]], [field])
                self.assertEqual(self.client.get("/search/", {"q": "revenue", **params}).status_code, 200)
        backwards = self.api(q="revenue", **{"from": "2014-01-01", "to": "2013-01-01"})
        self.assertEqual(backwards["errors"], ["to: The end of the date range is before its start."])
        self.assertEqual(backwards["total"], self.api(q="revenue", **{"from": "2014-01-01"})["total"])

    # Tickers

    def test_a_ticker_selects_its_company_in_any_case(self):
        allot = self.api(q="revenue", company="allot")
        for ticker in ("ALLT", "allt", "Allt", "ALLOT"):
            with self.subTest(ticker=ticker):
                data = self.api(q="revenue", company=ticker)
                self.assertEqual(data["total"], allot["total"])
                self.assertEqual(data["errors"], [])
        page = self.client.get("/search/", {"q": "revenue", "company": "ALLT"})
        self.assertEqual(page.context["params"].getlist("company"), ["allot"])  # carried as the slug
        self.assertEqual([chip.label for chip in page.context["chips"]], ["Allot"])
        unknown = self.api(q="revenue", company=["ALLT", "ZZZZ"])
        self.assertEqual(unknown["total"], allot["total"])
        self.assertEqual(len(unknown["errors"]), 1)
        self.assertIn("ZZZZ", unknown["errors"][0])
        # A former ticker (a company merged into another) still finds it.
        Company.objects.filter(slug="infinera").update(aliases=["infinera-corporation", "ticker:INFN"])
        self.assertEqual(self.api(company="infn")["total"], self.api(company="infinera")["total"])

    def test_a_query_naming_a_company_offers_its_calls(self):
        for query in ("ALLT", "allt", "Allot", "Allot Ltd", "allot's"):
            with self.subTest(query=query):
                response = self.client.get("/search/", {"q": query, "role": "analyst"})
                company, url = response.context["company_suggestion"]
                self.assertEqual(company.slug, "allot")
                self.assertEqual(query_of(url), {"role": ["analyst"], "company": ["allot"]})
                self.assertContains(response, "Search within Allot’s calls")
        for params in (
            {"q": "revenue"},
            {"q": "Allot revenue"},
            {"q": '"Allot"'},
            {"q": "ALLT", "company": "infinera"},
        ):
            with self.subTest(params=params):
                self.assertNotIn("company_suggestion", self.client.get("/search/", params).context)

    # Nothing found

    def test_nothing_found_names_the_word_or_filter_that_emptied_it(self):
        response = self.client.get("/search/", {"q": "revenue xyzzyq", "role": "analyst"})
        self.assertEqual(response.context["result"].total, 0)
        [word] = response.context["culprits"]
        self.assertEqual((word.kind, word.label), ("word", "xyzzyq"))
        self.assertEqual(word.count, self.api(q="revenue", role="analyst")["total"])
        self.assertEqual(query_of(word.drop_url), {"q": ["revenue"], "role": ["analyst"]})
        self.assertContains(response, "without “xyzzyq”")
        self.assertContains(response, '<details class="syntax-help" open>')

        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/search/", {"q": "revenue", "company": "allot", "year": "2010"})
        culprits = {(c.kind, c.title, c.label): c for c in response.context["culprits"]}
        self.assertEqual(set(culprits), {("filter", "Company", "Allot"), ("filter", "Fiscal year", "2010")})
        self.assertEqual(
            culprits["filter", "Company", "Allot"].count, self.api(q="revenue", year="2010")["total"]
        )
        self.assertEqual(
            query_of(culprits["filter", "Fiscal year", "2010"].drop_url),
            {"q": ["revenue"], "company": ["allot"]},
        )
        self.assertLessEqual(len(queries), 10 + 2)  # the search's, and one per filter tried

        dated = self.client.get(
            "/search/",
            {"q": "revenue", "company": "juniper-networks", "from": "2013-01-01", "to": "2013-12-31"},
        )
        labels = {c.label for c in dated.context["culprits"]}
        self.assertIn("from 2013-01-01 until 2013-12-31", labels)  # the range, dropped whole

        nothing = self.client.get("/search/", {"q": "xyzzyq"})
        self.assertEqual(nothing.context["culprits"], [])
        self.assertContains(nothing, "No paragraph matches.")

    def test_query_parts_and_what_is_left_without_each(self):
        query = 'gross "supply chain" OR logistics -freight'
        self.assertEqual(query_parts(query), ["gross", '"supply chain"', "logistics", "-freight"])
        self.assertEqual(query_without(query, 1), "gross logistics -freight")
        self.assertEqual(query_without(query, 2), 'gross "supply chain" -freight')
        self.assertEqual(query_without("a OR b", 1), "a")
