"""The interface in English and Traditional Chinese; the transcripts as they were written, in both."""

import datetime
import re

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from calls.models import Call, Exchange, Speaker, Utterance
from tests.archive import import_archive
from tests.calls.test_pages import MAX_QUERIES

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-Hant"}


def header(page: str) -> str:
    return page.split('<header class="site-header">')[1].split("</header>")[0]


class ChineseInterfaceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()
        cls.bilingual = Call.objects.get(company__slug="kestrel-semiconductor")
        cls.allot_2013 = Call.objects.get(company__slug="allot", fiscal_year=2013)

    def tearDown(self):
        # A request leaves its language active in this thread; later tests expect the default.
        translation.deactivate()

    def get(self, url, **extra):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, **extra)
        self.assertEqual(response.status_code, 200, url)
        self.assertLessEqual(len(queries), MAX_QUERIES, url)
        return response

    def test_accept_language_zh_hant_gives_the_chinese_navigation(self):
        response = self.get("/", **ZH)
        page = response.content.decode()
        self.assertEqual(response["Content-Language"], "zh-hant")
        self.assertIn("Accept-Language", response["Vary"])
        self.assertIn('<html lang="zh-hant">', page)
        nav = header(page)
        for label in ("公司", "發言人", "搜尋", 'placeholder="搜尋逐字稿"'):
            self.assertIn(label, nav)
        self.assertNotIn(">Companies<", nav)
        self.assertIn("搜尋每一場法說會", page)

    def test_without_accept_language_the_interface_is_english(self):
        page = self.get("/").content.decode()
        self.assertIn('<html lang="en">', page)
        self.assertIn(">Companies</a>", header(page))

    def test_taiwan_and_hong_kong_browsers_get_traditional_chinese(self):
        for accept in ("zh-TW", "zh-tw,zh;q=0.9,en;q=0.8", "zh-HK"):
            page = self.get("/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
            self.assertIn('<html lang="zh-hant">', page, accept)

    def test_the_header_offers_both_languages_as_a_form_that_needs_no_javascript(self):
        page = self.get("/companies/", **ZH).content.decode()
        form = header(page).split('<form class="language-switch"')[1].split("</form>")[0]
        self.assertIn('action="/i18n/setlang/" method="post"', form)
        self.assertIn('name="csrfmiddlewaretoken"', form)
        self.assertIn('<input type="hidden" name="next" value="/companies/">', form)
        self.assertIn('value="en" lang="en">English</button>', form)
        self.assertIn('value="zh-hant" lang="zh-hant" aria-current="true">繁體中文</button>', form)

    def test_the_choice_is_a_cookie_that_outlasts_the_session_and_beats_accept_language(self):
        client = self.client_class(enforce_csrf_checks=True)
        client.get("/")  # the page sets the CSRF cookie the form posts back
        token = client.cookies["csrftoken"].value
        response = client.post(
            "/i18n/setlang/", {"language": "zh-hant", "next": "/companies/", "csrfmiddlewaretoken": token}
        )
        self.assertRedirects(response, "/companies/", fetch_redirect_response=False)
        cookie = response.cookies["django_language"]
        self.assertEqual(cookie.value, "zh-hant")
        self.assertGreater(int(cookie["max-age"]), 300 * 24 * 3600)
        self.assertEqual(cookie["samesite"], "Lax")
        page = client.get("/companies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        self.assertIn("<h1>公司</h1>", page)

    def test_the_switch_refuses_a_post_without_the_csrf_token(self):
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
        self.assertEqual(response.status_code, 403)

    def test_facet_titles_and_role_and_section_labels_are_chinese_on_the_search_page(self):
        page = self.get("/search/?q=margin", **ZH).content.decode()
        facets = page.split('<aside class="facets"')[1].split("</aside>")[0]
        for title in ("公司", "會計年度", "季度", "發言人", "身分", "段落"):
            self.assertIn(f"<h2>{title}</h2>", facets)
        for label in ("經營團隊", "分析師", "簡報", "問答", "第 1 季"):
            self.assertIn(label, facets)
        self.assertIn('data-role="executive">經營團隊</span>', page)
        self.assertRegex(page, r'data-total="\d+"[^>]*>\d+ 個段落符合「margin」')

    def test_search_api_facet_values_never_change_with_the_language(self):
        english = self.client.get("/api/search/?q=margin").json()
        chinese = self.client.get("/api/search/?q=margin", **ZH).json()
        for name, values in english["facets"].items():
            self.assertEqual([v["value"] for v in values], [v["value"] for v in chinese["facets"][name]])
        self.assertEqual([r["text"] for r in english["results"]], [r["text"] for r in chinese["results"]])
        roles = {v["value"]: v["label"] for v in chinese["facets"]["role"]}
        self.assertEqual(roles.get("analyst"), "分析師")

    def test_role_labels_on_call_and_speaker_pages(self):
        page = self.get(self.allot_2013.get_absolute_url(), **ZH).content.decode()
        self.assertIn('data-role="analyst">分析師</span>', page)
        self.assertIn('data-role="executive">經營團隊</span>', page)
        self.assertIn('<h2 id="participants-heading">與會者</h2>', page)
        self.assertIn("<h3>經營團隊</h3>", page)
        self.assertIn("<h3>分析師</h3>", page)
        self.assertIn("Allot — 2013 年第 1 季法說會", page)
        speaker = Speaker.objects.get(name="Alex Henderson")
        page = self.get(speaker.get_absolute_url(), **ZH).content.decode()
        self.assertIn("<dt>身分</dt><dd>分析師</dd>", page)
        self.assertIn("<dt>所屬機構</dt><dd>Needham</dd>", page)

    def test_transcript_text_is_never_translated_by_the_interface(self):
        url = self.bilingual.get_absolute_url()
        english, chinese = self.get(url).content.decode(), self.get(url, **ZH).content.decode()

        def transcript(page):
            article = page.split('<article class="transcript')[1].split("</article>")[0]
            # Paragraph text only: the interface's own words (badges, link titles) may differ.
            return re.findall(r'<p class="(?:original|translation)" lang="[^"]+">(.*?)</p>', article, re.S)

        self.assertEqual(transcript(english), transcript(chinese))
        self.assertEqual(len(transcript(chinese)), 2 * self.bilingual.utterances.count())
        for utterance in Utterance.objects.filter(call=self.bilingual).order_by("position")[:5]:
            self.assertIn(utterance.text.replace("'", "&#x27;").replace("&", "&amp;")[:30], chinese)
        # The English original keeps its lang attribute, so it is set in a Latin font on a Chinese page.
        self.assertIn('<p class="original" lang="en">', chinese)
        self.assertIn('<p class="translation" lang="zh-Hant">', chinese)

    def test_column_switch_names_the_languages_in_the_interface_language(self):
        page = self.get(self.bilingual.get_absolute_url(), **ZH).content.decode()
        switch = page.split('<nav class="columns-switch"')[1].split("</nav>")[0]
        self.assertIn('aria-label="顯示的語言"', switch)
        for label in (">雙語</a>", ">英文</a>", ">中文</a>"):
            self.assertIn(label, switch)

    def test_dates_follow_the_language(self):
        Call.objects.filter(pk=self.allot_2013.pk).update(held_on=datetime.date(2013, 5, 7))
        url = self.allot_2013.get_absolute_url()
        self.assertContains(self.get(url), '<time datetime="2013-05-07">7 May 2013</time>')
        self.assertContains(self.get(url, **ZH), '<time datetime="2013-05-07">2013年5月7日</time>')

    def test_exchange_page_citation_and_preview_in_chinese_keep_the_names_as_spoken(self):
        exchange = Exchange.objects.get(call=self.allot_2013, number=2)
        response = self.get(exchange.get_absolute_url(), **ZH)
        self.assertEqual(
            response.context["citation"],
            "Allot，2013 年第 1 季法說會，問答 2：Mark Sue (RBC Capital Markets) 提問；"
            "Rami Hadar (President and CEO) 回答。http://testserver/calls/allot/2013-q1/qa/2/",
        )
        self.assertContains(
            response,
            '<meta property="og:title" content="Allot 2013 年第 1 季，問答 2：'
            'Mark Sue（RBC Capital Markets）">',
        )
        self.assertContains(response, ">複製引用文字</button>")
        self.assertContains(response, 'data-link-copied="已複製連結"')

    def test_an_empty_query_message_is_translated(self):
        page = self.get("/search/?q=the", **ZH).content.decode()
        self.assertIn("您的搜尋沒有可查找的字詞", page)

    def test_period_labels_follow_the_active_language(self):
        call = self.allot_2013
        with translation.override("en"):
            self.assertEqual(call.period_label, "Q1 2013")
        with translation.override("zh-hant"):
            self.assertEqual(call.period_label, "2013 年第 1 季")
