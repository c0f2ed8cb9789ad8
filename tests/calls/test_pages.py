"""Every page renders from real imported calls, with a bounded number of queries."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from calls.models import Call, Exchange, Speaker
from tests.archive import import_archive

MAX_QUERIES = 10


class PageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()

    def get(self, url, status=200):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, status, url)
        self.assertLessEqual(len(queries), MAX_QUERIES, url)
        return response

    def test_home_lists_recent_calls_and_companies(self):
        page = self.get("/").content.decode()
        for call in Call.objects.recent()[:10]:
            self.assertIn(call.get_absolute_url(), page)
        self.assertIn("/companies/allot/", page)

    def test_both_allot_calls_are_on_one_company_page(self):
        page = self.get("/companies/allot/").content.decode()
        self.assertIn("/calls/allot/2013-q1/", page)
        self.assertIn("/calls/allot/2023-q2/", page)
        self.assertIn("Search Allot", page)

    def test_call_page_shows_turns_anchors_and_translation_beside_the_original(self):
        call = Call.objects.get(company__slug="allot", fiscal_year=2023)
        response = self.get(call.get_absolute_url())
        page = response.content.decode()
        self.assertIn('id="p1"', page)
        self.assertIn(f'id="p{call.utterances.count()}"', page)
        # The exchange anchor is on the exchange inside the transcript, not on the contents list.
        for exchange in call.exchanges.all():
            self.assertIn(f'class="exchange-heading" id="{exchange.anchor}"', page)
        self.assertIn('class="translation" lang="zh-Hant"', page)
        self.assertIn("Kenny Green", page)
        self.assertContains(response, 'class="utterance bilingual"', count=call.utterances.count())

    def test_call_page_queries_do_not_grow_with_the_call(self):
        sizes = []
        for call in Call.objects.all():
            with CaptureQueriesContext(connection) as queries:
                self.client.get(call.get_absolute_url())
            sizes.append(len(queries))
        self.assertEqual(len(set(sizes)), 1, sizes)

    def test_exchange_page_has_question_answers_and_neighbours(self):
        call = Call.objects.get(company__slug="allot", fiscal_year=2013)
        exchange = call.exchanges.get(number=2)
        page = self.get(exchange.get_absolute_url()).content.decode()
        self.assertEqual(exchange.get_absolute_url(), "/calls/allot/2013-q1/qa/2/")
        self.assertIn(exchange.questioner_name, page)
        self.assertIn("/calls/allot/2013-q1/qa/1/", page)
        self.assertIn("/calls/allot/2013-q1/qa/3/", page)
        for turn in exchange.turns.all():
            self.assertIn(f'id="{turn.anchor}"', page)

    def test_speaker_page_lists_calls_across_companies(self):
        speaker = Speaker.objects.get(name="Alex Henderson")
        page = self.get(speaker.get_absolute_url()).content.decode()
        self.assertIn("/calls/allot/2013-q1/", page)
        self.assertIn("/calls/infinera/2013-q1/", page)
        self.assertIn("Analyst", page)
        for exchange in Exchange.objects.filter(questioner=speaker):
            self.assertIn(exchange.get_absolute_url(), page)

    def test_companies_list_renders(self):
        self.assertIn("Juniper Networks", self.get("/companies/").content.decode())

    def test_unknown_permalinks_are_404(self):
        for url in (
            "/companies/nope/",
            "/speakers/nope/",
            "/calls/nope/2013-q1/",
            "/calls/allot/2019-q1/",
            "/calls/allot/2013-q1/qa/99/",
            "/calls/allot/2013-q5/",
            "/calls/allot/13-q1/",
        ):
            self.get(url, status=404)

    def test_admin_lists_every_model_for_staff(self):
        from django.contrib.auth.models import User

        self.client.force_login(User.objects.create_superuser("admin", "a@example.com", "pw-not-used"))
        for model in ("company", "call", "speaker", "exchange", "turn", "utterance"):
            response = self.client.get(f"/admin/calls/{model}/")
            self.assertEqual(response.status_code, 200, model)
        self.assertEqual(self.client.get("/admin/calls/utterance/?q=revenue").status_code, 200)

    def test_anonymous_users_cannot_reach_the_admin(self):
        response = self.client.get("/admin/calls/call/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])
