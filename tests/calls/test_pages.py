"""Every page renders from real imported calls, with a bounded number of queries."""

import datetime
import html
import re
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from calls.models import Call, Exchange, Speaker, Utterance
from tests.archive import import_archive, ingest

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

    def test_a_nul_or_control_character_in_any_free_text_parameter_is_never_a_500(self):
        # PostgreSQL text cannot hold NUL: a query with one reached the database and failed.
        call = Call.objects.get(company__slug="allot", fiscal_year=2013)
        exchange = call.exchanges.order_by("number").first()
        pages = [
            call.get_absolute_url(),
            exchange.get_absolute_url(),
            "/",
            "/companies/",
            "/companies/allot/",
            "/speakers/",
            f"/speakers/{Speaker.objects.order_by('slug').first().slug}/",
            "/search/",
            "/api/search/",
        ]
        params = [
            "q",
            "name",
            "company",
            "speaker",
            "role",
            "section",
            "lang",
            "sort",
            "view",
            "page",
            "year",
        ]
        for url in pages:
            for param in params:
                for value in ("\x00", "gross\x00margin", "\x00營收", "\x01\x1f"):
                    with self.subTest(url=url, param=param, value=value):
                        response = self.client.get(url, {param: value})
                        self.assertLess(response.status_code, 500)

    def test_a_nul_in_the_query_of_a_call_page_is_left_out_of_the_highlighting(self):
        call = Call.objects.get(company__slug="allot", fiscal_year=2013)
        clean = self.get(f"{call.get_absolute_url()}?q=margin").content.decode()
        with_nul = self.get(f"{call.get_absolute_url()}?q=mar%00gin").content.decode()
        self.assertIn("<mark", clean)
        self.assertEqual(with_nul.count("<mark"), clean.count("<mark"))
        self.assertIn("match “margin”", with_nul)

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


class CallPageTests(TestCase):
    """The call page: header, participants, contents, highlighting and the column switch."""

    @classmethod
    def setUpTestData(cls):
        import_archive()
        cls.allot_2013 = Call.objects.get(company__slug="allot", fiscal_year=2013)
        cls.bilingual = Call.objects.get(company__slug="kestrel-semiconductor")

    def get(self, url, status=200, **extra):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, **extra)
        self.assertEqual(response.status_code, status, url)
        self.assertLessEqual(len(queries), MAX_QUERIES, url)
        return response

    def test_header_says_company_period_and_date_held(self):
        # None of the sample files states its date; ingest --date gives one, as here.
        Call.objects.filter(pk=self.allot_2013.pk).update(held_on=datetime.date(2013, 5, 7))
        call = Call.objects.select_related("company").get(pk=self.allot_2013.pk)
        page = self.get(call.get_absolute_url()).content.decode()
        self.assertIn(f"{call.company.name} — {call.period_label} earnings call", page)
        self.assertIn(f"Q{call.fiscal_quarter} of fiscal {call.fiscal_year}", page)
        self.assertIn('<time datetime="2013-05-07">7 May 2013</time>', page)
        self.assertIn(f'<link rel="canonical" href="http://testserver{call.get_absolute_url()}">', page)

    def test_participants_are_grouped_as_executives_with_titles_and_analysts_with_firms(self):
        response = self.get(self.allot_2013.get_absolute_url())
        executives, analysts = response.context["executives"], response.context["analysts"]
        self.assertIn(("Rami Hadar", "President and CEO"), [(p.name, p.title) for p in executives])
        self.assertIn(("Mark Sue", "RBC Capital Markets"), [(p.name, p.firm) for p in analysts])
        names = [p.name for p in executives + analysts]
        self.assertEqual(len(names), len(set(names)), "each person once")
        self.assertNotIn("Operator", names)
        page = response.content.decode()
        executives_list = page.split('data-group="executives"')[1].split("</ul>")[0]
        analysts_list = page.split('data-group="analysts"')[1].split("</ul>")[0]
        self.assertIn('Rami Hadar</a> <span class="muted">President and CEO</span>', executives_list)
        self.assertIn('Mark Sue</a> <span class="muted">RBC Capital Markets</span>', analysts_list)
        self.assertNotIn("Mark Sue", executives_list)

    def test_contents_list_prepared_remarks_and_every_exchange_by_questioner_and_firm(self):
        page = self.get(self.allot_2013.get_absolute_url()).content.decode()
        contents = page.split('aria-label="Contents"')[1].split("</nav>")[0]
        self.assertIn('href="#t1">Prepared remarks', contents)
        for exchange in self.allot_2013.exchanges.all():
            self.assertIn(
                f'href="{exchange.get_absolute_url()}">Q&amp;A {exchange.number}: {exchange.questioner_name}',
                contents,
            )
            if exchange.firm:
                self.assertIn(f"{exchange.questioner_name}, {exchange.firm}</a>", contents)

    def test_every_paragraph_and_turn_has_an_anchor_that_copies_its_link(self):
        call = self.allot_2013
        response = self.get(call.get_absolute_url())
        self.assertContains(response, "data-copy-link", count=call.utterances.count() + call.turns.count())
        self.assertContains(response, 'href="#p1" data-copy-link')
        self.assertContains(response, 'href="#t1" data-copy-link')

    def test_q_marks_the_words_of_a_search_and_marks_the_first_hit(self):
        response = self.get(self.allot_2013.get_absolute_url() + "?q=margins")
        page = response.content.decode()
        self.assertGreater(response.context["hit_count"], 0)
        self.assertEqual(page.count('id="first-hit"'), 1)
        self.assertRegex(page, r'<mark id="first-hit">[Mm]argins?</mark>')
        first = response.context["first_match"]
        self.assertIn(f'href="#p{first}" data-match-first', page)
        self.assertIn(f'<div class="utterance match" id="p{first}">', page)
        self.assertIn("match “margins”", page)
        marked = {m.lower() for m in re.findall(r"<mark[^>]*>([^<]*)</mark>", page)}
        self.assertTrue(marked)
        self.assertLessEqual(marked, {"margin", "margins"})

    def test_q_with_chinese_marks_the_translation_in_both_scripts(self):
        for query in ("營收", "营收"):
            response = self.get(self.bilingual.get_absolute_url() + "?" + urlencode({"q": query}))
            page = response.content.decode()
            self.assertGreater(response.context["hit_count"], 0, query)
            self.assertIn("<mark", page)
            self.assertEqual(set(re.findall(r"<mark[^>]*>([^<]*)</mark>", page)), {"營收"}, query)

    def test_q_that_matches_nothing_says_so_and_a_hostile_q_is_escaped(self):
        page = self.get(self.allot_2013.get_absolute_url() + "?q=%3Cscript%3Ezzzqqq").content.decode()
        self.assertIn("No paragraph here matches “&lt;script&gt;zzzqqq”", page)
        self.assertNotIn("<script>zzzqqq", page)
        self.assertNotIn('id="first-hit"', page)

    def test_q_keeps_queries_constant_with_the_call_size(self):
        sizes = []
        for call in Call.objects.all():
            with CaptureQueriesContext(connection) as queries:
                self.client.get(call.get_absolute_url() + "?q=revenue+營收")
            sizes.append(len(queries))
        self.assertEqual(len(set(sizes)), 1, sizes)

    def test_column_switch_is_links_reflected_in_the_url_and_remembered_in_a_cookie(self):
        url = self.bilingual.get_absolute_url()
        page = self.get(url).content.decode()
        self.assertIn('class="transcript columns-both"', page)
        switch = page.split('class="columns-switch"')[1].split("</nav>")[0]
        for value in ("both", "original", "translation"):
            self.assertIn(f'href="{url}?view={value}" data-columns="{value}"', switch)
        self.assertIn('data-columns="both" aria-current="true"', switch)

        response = self.get(url + "?view=translation&q=revenue")
        self.assertContains(response, 'class="transcript columns-translation"')
        self.assertContains(response, f'href="{url}?q=revenue&amp;view=original" data-columns="original"')
        self.assertEqual(response.cookies["cv_columns"].value, "translation")
        self.assertIn("Cookie", response["Vary"])

        # Remembered: the next page without ?view= shows what was chosen last (the client kept the cookie).
        response = self.get(url)
        self.assertContains(response, 'class="transcript columns-translation"')
        self.assertNotIn("cv_columns", response.cookies)
        exchange = self.bilingual.exchanges.get(number=1)
        self.assertContains(self.get(exchange.get_absolute_url()), 'class="transcript columns-translation"')

    def test_an_unknown_view_or_cookie_falls_back_to_both(self):
        url = self.bilingual.get_absolute_url()
        self.client.cookies["cv_columns"] = "<script>"
        response = self.get(url + "?view=everything")
        self.assertContains(response, 'class="transcript columns-both"')
        self.assertNotIn("cv_columns", response.cookies)

    def test_a_call_without_translation_has_no_column_switch(self):
        response = self.get(self.allot_2013.get_absolute_url() + "?view=translation")
        self.assertNotContains(response, "columns-switch")
        self.assertContains(response, 'class="transcript columns-original"')
        self.assertNotContains(response, 'class="translation"')

    def test_untranslated_paragraphs_of_a_bilingual_call_are_marked_so_translation_only_keeps_them(self):
        call = self.bilingual
        untranslated = call.utterances.filter(translation="").count()
        response = self.get(call.get_absolute_url())
        self.assertContains(response, "bilingual untranslated", count=untranslated)


class HostileTranscriptPageTests(TestCase):
    """Markup in a transcript stays text on the call page, highlighted or not."""

    @classmethod
    def setUpTestData(cls):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "hostile.txt"
            path.write_text(HOSTILE, encoding="utf-8")
            [cls.report] = ingest(path)

    def test_markup_in_the_text_is_escaped_with_and_without_highlighting(self):
        # "<script>alert('x')</script>" is one XML tag to PostgreSQL's parser: not a word of the index.
        for suffix in ("", "?q=gross+margin+img"):
            page = self.client.get(self.report["url"] + suffix).content.decode()
            self.assertNotIn("<script>alert", page, suffix)
            self.assertNotIn("<img src=x", page, suffix)
            self.assertIn("alert(&#x27;x&#x27;)&lt;/", page, suffix)
            self.assertIn("onerror=alert(1)&gt;", page, suffix)
        self.assertIn("&lt;<mark>img</mark> src=x", page)
        self.assertIn("<mark>margin</mark>", page)


HOSTILE = """Operator
Welcome to the Hostile Example Corp first quarter 2020 earnings call.
Jane Roe - Chief Executive Officer
Our gross margin was <script>alert('x')</script> and <img src=x onerror=alert(1)> better than ever.
"""


class SharingTests(TestCase):
    """The exchange page as something to send: citation, link previews, canonical URL."""

    @classmethod
    def setUpTestData(cls):
        import_archive()
        cls.exchange = Exchange.objects.select_related("call__company").get(
            call__company__slug="allot", call__fiscal_year=2013, number=2
        )

    def get(self, url):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertLessEqual(len(queries), MAX_QUERIES, url)
        return response

    def test_citation_names_company_period_questioner_firm_answering_executives_and_url(self):
        response = self.get(self.exchange.get_absolute_url())
        self.assertEqual(
            response.context["citation"],
            "Allot, Q1 2013 earnings call, Q&A 2: question from Mark Sue (RBC Capital Markets); "
            "answered by Rami Hadar (President and CEO). http://testserver/calls/allot/2013-q1/qa/2/",
        )
        self.assertContains(response, '<p id="citation">Allot, Q1 2013 earnings call, Q&amp;A 2:')
        # The button needs JavaScript, so the HTML hides it until the script shows it.
        self.assertContains(response, 'data-copy-target="citation" hidden>Copy citation</button>')

    def test_link_preview_meta_tags_carry_the_question(self):
        response = self.get(self.exchange.get_absolute_url() + "?q=margin&view=original")
        page = response.content.decode()
        head = page.split("</head>")[0]
        url = "http://testserver/calls/allot/2013-q1/qa/2/"
        self.assertIn(f'<meta property="og:url" content="{url}">', head)
        self.assertIn(f'<link rel="canonical" href="{url}">', head)
        self.assertIn(
            '<meta property="og:title" content="Allot Q1 2013, Q&amp;A 2: Mark Sue (RBC Capital Markets)">',
            head,
        )
        description = re.search(r'<meta property="og:description" content="([^"]*)">', head)[1]
        self.assertTrue(
            description.startswith("It&#x27;s good to see the return of the book to bill"), description
        )
        self.assertLessEqual(len(html.unescape(description)), 200)
        self.assertIn(f'<meta name="twitter:description" content="{description}">', head)
        self.assertIn('<meta name="twitter:card" content="summary">', head)

    def test_preview_of_a_hostile_question_is_escaped(self):
        Utterance.objects.filter(turn__exchange=self.exchange, role="analyst").update(
            text='"><script>alert(1)</script> what about margins?'
        )
        head = self.get(self.exchange.get_absolute_url()).content.decode().split("</head>")[0]
        self.assertNotIn("<script>alert", head)
        self.assertIn(
            '<meta property="og:description" content="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; what',
            head,
        )

    def test_exchange_page_queries_do_not_grow_with_the_exchange(self):
        # An exchange without a match has nothing to mark, so two queries fewer: one size each.
        sizes = {True: set(), False: set()}
        for exchange in Exchange.objects.select_related("call__company"):
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(exchange.get_absolute_url() + "?q=margin")
            sizes[response.context["hit_count"] > 0].add(len(queries))
        self.assertTrue(sizes[True])
        self.assertEqual(len(sizes[True]), 1, sizes)
        self.assertLessEqual(len(sizes[False]), 1, sizes)


class PeoplePagesTests(TestCase):
    """Who spoke for a company and who asked; one person across calls."""

    @classmethod
    def setUpTestData(cls):
        import_archive()

    def get(self, url):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertLessEqual(len(queries), MAX_QUERIES, url)
        return response

    def test_company_page_lists_executives_who_spoke_with_their_calls(self):
        response = self.get("/companies/allot/")
        executives = {p.name: p for p in response.context["executives"]}
        self.assertEqual(executives["Rami Hadar"].title, "President and CEO")
        self.assertEqual(executives["Rami Hadar"].call_count, 1)
        self.assertNotIn("Mark Sue", executives)
        section = response.content.decode().split('data-group="executives"')[1].split("</ul>")[0]
        self.assertIn(
            '<a href="/speakers/rami-hadar/">Rami Hadar</a> <span class="muted">President and CEO</span>',
            section,
        )
        self.assertIn("1 call</span>", section)

    def test_company_page_lists_analysts_by_how_often_they_asked(self):
        response = self.get("/companies/northwind-optical/")
        analysts = list(response.context["analysts"])
        self.assertTrue(analysts)
        counts = [p.question_count for p in analysts]
        self.assertEqual(counts, sorted(counts, reverse=True))
        for person in analysts:
            asked = Exchange.objects.filter(
                questioner=person, call__company__slug="northwind-optical"
            ).count()
            self.assertEqual(person.question_count, asked, person.name)
        top = analysts[0]
        self.assertContains(
            response, f"{top.question_count} question{'s' if top.question_count != 1 else ''}</span>"
        )

    def test_company_page_queries_do_not_grow_with_the_company(self):
        sizes = set()
        for slug in ("allot", "northwind-optical", "juniper-networks"):
            with CaptureQueriesContext(connection) as queries:
                self.client.get(f"/companies/{slug}/")
            sizes.add(len(queries))
        self.assertEqual(len(sizes), 1, sizes)

    def test_speaker_page_shows_role_firm_calls_and_the_start_of_every_question(self):
        speaker = Speaker.objects.get(name="Alex Henderson")
        response = self.get(speaker.get_absolute_url())
        self.assertEqual(response.context["roles"], ["Analyst"])
        self.assertEqual(response.context["firms"], ["Needham"])
        page = response.content.decode()
        self.assertIn("<dt>Firm</dt><dd>Needham</dd>", page)
        questions = response.context["questions"]
        self.assertEqual(len(questions), Exchange.objects.filter(questioner=speaker).count())
        for exchange in questions:
            first = (
                Utterance.objects.filter(turn__exchange=exchange, speaker=speaker)
                .order_by("position")
                .first()
            )
            self.assertTrue(first.text.startswith(exchange.opening.rstrip("…")[:40]), exchange)
            self.assertIn(f'<p class="question-opening">{html.escape(exchange.opening)}</p>', page)

    def test_speaker_page_queries_do_not_grow_with_the_questions_asked(self):
        sizes = set()
        for speaker in Speaker.objects.all():
            with CaptureQueriesContext(connection) as queries:
                self.client.get(speaker.get_absolute_url())
            sizes.add(len(queries))
        self.assertLessEqual(max(sizes), 5, sizes)
