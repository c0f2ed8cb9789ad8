"""The companies and speakers lists: filters, pagination and a bounded number of queries."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from calls import views
from calls.models import Call, Company, Role, Speaker, Turn
from tests.archive import import_archive

LIST_QUERIES = 4  # the count, the page, and at most a company lookup; never one per row


class ListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()

    def get(self, url, status=200, max_queries=LIST_QUERIES):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, status, url)
        self.assertLessEqual(len(queries), max_queries, url)
        return response

    def rows(self, response) -> list[str]:
        return [item.name for item in response.context["page"]]

    def test_speakers_list_shows_name_firm_roles_and_number_of_calls(self):
        response = self.get("/speakers/")
        henderson = next(s for s in response.context["page"] if s.name == "Alex Henderson")
        self.assertEqual(henderson.firm, "Needham")
        self.assertEqual(henderson.role_labels, ["Analyst"])
        self.assertEqual(
            henderson.call_count, Call.objects.filter(turns__speaker=henderson).distinct().count()
        )
        self.assertEqual(henderson.call_count, 2)
        self.assertContains(
            response,
            f'<tr><td><a href="/speakers/{henderson.slug}/">Alex Henderson</a></td><td>Needham</td>'
            "<td>Analyst</td><td>2</td></tr>",
            html=True,
        )
        self.assertEqual(response.context["page"].paginator.count, Speaker.objects.count())

    def test_speakers_filter_by_role_keeps_every_role_and_call_of_those_shown(self):
        response = self.get("/speakers/?role=executive")
        names = self.rows(response)
        executives = set(
            Turn.objects.filter(role="executive", speaker__isnull=False).values_list(
                "speaker__name", flat=True
            )
        )
        self.assertEqual(set(names), executives)
        self.assertNotIn("Alex Henderson", names)
        for speaker in response.context["page"]:
            self.assertIn("Executive", speaker.role_labels)

    def test_speakers_filter_by_name_firm_or_family_name_prefix(self):
        self.assertIn("Alex Henderson", self.rows(self.get("/speakers/?name=alex")))
        self.assertIn("Alex Henderson", self.rows(self.get("/speakers/?name=Hender")))
        self.assertIn("Alex Henderson", self.rows(self.get("/speakers/?name=needh")))
        self.assertNotIn("Alex Henderson", self.rows(self.get("/speakers/?name=lex")))
        self.assertEqual(self.rows(self.get("/speakers/?name=zzzz")), [])
        self.assertContains(self.get("/speakers/?name=zzzz"), "No speaker matches.")
        # Each word typed starts a word of the name or firm, in any order; punctuation splits words.
        self.assertIn("Alex Henderson", self.rows(self.get("/speakers/?name=hend+al")))
        self.assertNotIn("Alex Henderson", self.rows(self.get("/speakers/?name=alex+zz")))
        Speaker.objects.create(name="Seán O'Brien", firm="Liffey & Co", slug="sean-obrien", key="x|1")
        Speaker.objects.create(name="周丽", firm="远见证券", slug="周丽", key="x|2")
        self.assertIn("Seán O'Brien", self.rows(self.get("/speakers/?name=o%27bri")))
        self.assertIn("Seán O'Brien", self.rows(self.get("/speakers/?name=LIFF")))
        self.assertIn("周丽", self.rows(self.get("/speakers/?name=周")))
        self.assertEqual(
            self.rows(self.get("/speakers/?name=%27%22%3A%2A%26%21")), self.rows(self.get("/speakers/"))
        )

    def test_the_name_filters_are_index_lookups(self):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        self.assertIn("speaker_name_words", Speaker.objects.named_like("hender al").explain())
        self.assertIn("company_name_words", Company.objects.named_like("north opt").explain())

    def test_speakers_filter_by_company_and_role_for_the_company_page_links(self):
        response = self.get("/speakers/?company=allot&role=analyst", max_queries=LIST_QUERIES + 1)
        askers = set(
            Turn.objects.filter(call__company__slug="allot", role="analyst").values_list(
                "speaker__name", flat=True
            )
        )
        self.assertEqual(set(self.rows(response)), askers)
        self.assertEqual(response.context["company"].slug, "allot")
        company_page = self.get("/companies/allot/", max_queries=12).content.decode()
        self.assertIn('href="/speakers/?company=allot&amp;role=analyst"', company_page)

    def test_an_unknown_role_is_reported_and_matches_nothing(self):
        # Dropping the filter listed every speaker: a filter asked for is never widened, as in search.
        for url in (
            "/speakers/?role=nosuch",
            "/speakers/?role=ceo&name=alex",
            "/speakers/?role=nosuch&page=2",
        ):
            with self.subTest(url=url):
                response = self.get(url)
                self.assertEqual(self.rows(response), [])
                self.assertEqual(len(response.context["errors"]), 1)
                self.assertContains(response, 'role="alert">role:')
                self.assertContains(response, "No speaker matches.")
        # Valid values still apply, with the other filters.
        analysts = self.rows(self.get("/speakers/?role=analyst&name=alex"))
        self.assertIn("Alex Henderson", analysts)
        self.assertEqual(self.get("/speakers/?role=analyst&name=alex").context["errors"], [])
        self.assertNotIn("Alex Henderson", self.rows(self.get("/speakers/?role=executive&name=alex")))

    def test_a_name_the_filter_cannot_take_matches_nothing(self):
        for url in ("/speakers/?name=" + "a" * 101, "/companies/?name=" + "a" * 101):
            with self.subTest(url=url):
                response = self.get(url)
                self.assertEqual(len(response.context["page"]), 0)
                self.assertEqual(response.context["page"].paginator.count, 0)

    def test_lists_are_paginated_with_links_that_keep_the_filters(self):
        per_page = 3
        original = views.ROWS_PER_PAGE
        views.ROWS_PER_PAGE = per_page
        self.addCleanup(setattr, views, "ROWS_PER_PAGE", original)
        response = self.get("/speakers/?role=analyst")
        page = response.context["page"]
        self.assertEqual(len(page), per_page)
        self.assertGreater(page.paginator.num_pages, 1)
        self.assertContains(response, 'rel="next" href="?role=analyst&amp;page=2"')
        last = self.get(f"/speakers/?role=analyst&page={page.paginator.num_pages}")
        self.assertContains(last, 'rel="prev"')
        self.assertNotContains(last, 'rel="next"')
        seen = []
        for number in range(1, page.paginator.num_pages + 1):
            seen += self.rows(self.get(f"/speakers/?role=analyst&page={number}"))
        self.assertEqual(len(seen), len(set(seen)), "no speaker on two pages")
        # A page past the end shows the last; nonsense shows the first.
        self.assertEqual(
            self.get("/speakers/?page=999").context["page"].number,
            self.get("/speakers/?page=999").context["page"].paginator.num_pages,
        )
        self.assertEqual(self.get("/speakers/?page=x").context["page"].number, 1)

    def test_every_page_counts_each_of_its_speakers_calls_and_roles(self):
        # Counted for the page's speakers only (Speaker.objects.appearances), after paging.
        views.ROWS_PER_PAGE, original = 4, views.ROWS_PER_PAGE
        self.addCleanup(setattr, views, "ROWS_PER_PAGE", original)
        labels = dict(Role.choices)
        shown = 0
        for query in ("", "role=executive&"):
            first = self.get(f"/speakers/?{query}")
            for number in range(1, first.context["page"].paginator.num_pages + 1):
                for speaker in self.get(f"/speakers/?{query}page={number}").context["page"]:
                    turns = Turn.objects.filter(speaker=speaker)
                    self.assertEqual(speaker.call_count, turns.values("call").distinct().count(), speaker)
                    roles = {labels[role] for role in turns.values_list("role", flat=True)}
                    self.assertEqual(set(speaker.role_labels), roles, speaker)
                    shown += 1
        self.assertEqual(
            shown,
            Speaker.objects.count()
            + Turn.objects.filter(role="executive", speaker__isnull=False)
            .values("speaker")
            .distinct()
            .count(),
        )

    def test_speakers_list_queries_do_not_grow_with_the_page_size(self):
        sizes = set()
        for per_page in (2, 50):
            views.ROWS_PER_PAGE, original = per_page, views.ROWS_PER_PAGE
            try:
                with CaptureQueriesContext(connection) as queries:
                    self.client.get("/speakers/?role=analyst")
            finally:
                views.ROWS_PER_PAGE = original
            sizes.add(len(queries))
        self.assertEqual(len(sizes), 1, sizes)

    def test_companies_filter_by_name_or_ticker_prefix(self):
        self.assertEqual(self.rows(self.get("/companies/?name=nor")), ["Northwind Optical"])
        self.assertEqual(self.rows(self.get("/companies/?name=ALLT")), ["Allot"])
        self.assertEqual(self.rows(self.get("/companies/?name=qqq")), [])
        self.assertContains(self.get("/companies/?name=qqq"), "No company matches.")
        # A later word of the name, and several words in any order.
        self.assertEqual(self.rows(self.get("/companies/?name=optic")), ["Northwind Optical"])
        self.assertEqual(self.rows(self.get("/companies/?name=opt+north")), ["Northwind Optical"])
        self.assertEqual(self.rows(self.get("/companies/?name=north+qqq")), [])
        self.assertEqual(
            len(self.rows(self.get("/companies/"))),
            Company.objects.filter(calls__isnull=False).distinct().count(),
        )

    def test_companies_list_is_paginated(self):
        views.ROWS_PER_PAGE, original = 2, views.ROWS_PER_PAGE
        self.addCleanup(setattr, views, "ROWS_PER_PAGE", original)
        first = self.get("/companies/")
        self.assertEqual(len(first.context["page"]), 2)
        self.assertContains(first, 'rel="next" href="?page=2"')
        second = self.get("/companies/?page=2")
        self.assertTrue(set(self.rows(first)).isdisjoint(self.rows(second)))

    def test_company_page_paginates_its_calls(self):
        views.CALLS_PER_PAGE, original = 1, views.CALLS_PER_PAGE
        self.addCleanup(setattr, views, "CALLS_PER_PAGE", original)
        first = self.get("/companies/allot/", max_queries=12)
        self.assertContains(first, "/calls/allot/2023-q2/")
        self.assertNotContains(first, 'href="/calls/allot/2013-q1/"')
        self.assertContains(first, 'rel="next" href="?page=2#calls"')
        second = self.get("/companies/allot/?page=2", max_queries=12)
        self.assertContains(second, 'href="/calls/allot/2013-q1/"')

    def test_home_page_lists_a_bounded_number_of_companies(self):
        views.COMPANIES_ON_HOME_PAGE, original = 2, views.COMPANIES_ON_HOME_PAGE
        self.addCleanup(setattr, views, "COMPANIES_ON_HOME_PAGE", original)
        response = self.get("/", max_queries=10)
        self.assertEqual(len(response.context["companies"]), 2)
        self.assertContains(response, '<a href="/companies/">All companies</a>')
