"""A search's matches on the call and exchange pages: the same paragraphs as the search, marked as it matched.

Every name and figure here is made up. The transcript is built as parser output (tests/calls/transcripts.py)
and stored through the import service, with a Traditional Chinese translation for most paragraphs.
"""

import re
from urllib.parse import urlparse

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from calls.ingestion import LoadedTranscript
from calls.models import Call, Exchange
from calls.parsing import Exchange as ParsedExchange
from calls.parsing import Paragraph, Role, Section, Turn
from calls.services import call_import
from tests.archive import import_archive
from tests.calls.transcripts import transcript

MARK = re.compile(r"<mark[^>]*>(.*?)</mark>")
MATCHING = re.compile(r'<div class="utterance match[^"]*" id="p(\d+)">')

PREPARED = [
    ("Our book-to-bill was above one this quarter.", "本季訂單出貨比高於一。"),
    ("Bookings grew, and book to bill stayed strong.", "訂單成長，訂單出貨比保持強勁。"),
    ("Booking trends improved in every region.", "各地區的訂單趨勢都有所改善。"),
    ("Gross margin expanded to 48 percent.", "毛利率擴大至百分之四十八。"),
    ("Operating margin held, and gross profit rose.", "營業利益率持平，毛利增加。"),
    ("Margins were stable across the product lines.", "各產品線的利潤率保持穩定。"),
    ("Revenue grew 12 percent to a record.", "營收成長百分之十二，創下新高。"),
    ("Our gross margins and our revenue both improved.", "我們的毛利率和營收都有所改善。"),
    ("We thank our customers.", ""),  # untranslated
]
QUESTION = ("What drove the gross margin, and will bookings hold?", "是什麼推動了毛利率？訂單能否維持？")
ANSWER = (
    "Mix drove it; the margin should hold and revenue should grow.",
    "產品組合推動了毛利率；營收應會成長。",
)

# Phrase, AND, OR, exclusion, stems, Chinese (both scripts, with a Latin word): what the search knows.
QUERIES = [
    '"book to bill"',
    "book to bill",
    '"gross margin"',
    "gross margin",
    "revenue or bookings",
    "margin -gross",
    "bill -book",
    "margins",
    "營收",
    "营收",
    "毛利率 營收",
    "SECaaS 營收",
]


def paragraphs(pairs):
    return [Paragraph(text, 3 + i, translation=zh) for i, (text, zh) in enumerate(pairs)]


def bilingual_call() -> Call:
    turns = [
        Turn(
            "Operator",
            "Operator",
            "",
            Role.OPERATOR,
            Section.PREPARED,
            1,
            paragraphs([("Welcome.", "歡迎。")]),
        ),
        Turn("Jane Roe - CEO", "Jane Roe", "CEO", Role.EXECUTIVE, Section.PREPARED, 2, paragraphs(PREPARED)),
        Turn(
            "Operator",
            "Operator",
            "",
            Role.OPERATOR,
            Section.QA,
            20,
            paragraphs([("Our first question is from Sam Poe with Calder.", "")]),
        ),
        Turn(
            "Sam Poe",
            "Sam Poe",
            "Analyst",
            Role.ANALYST,
            Section.QA,
            22,
            paragraphs([QUESTION]),
            firm="Calder",
            exchange=0,
        ),
        Turn("Jane Roe", "Jane Roe", "CEO", Role.EXECUTIVE, Section.QA, 24, paragraphs([ANSWER]), exchange=0),
    ]
    parsed = transcript(
        company="Quillon Systems",
        ticker="QLLN",
        year=2022,
        quarter=1,
        turns=turns,
        exchanges=[ParsedExchange("Sam Poe", "", "Calder", 3, 4)],
    )
    call_import(
        loaded=LoadedTranscript(source_name="quillon.txt", checksum="matches-test", transcript=parsed)
    )
    return Call.objects.select_related("company").get(company__slug="quillon-systems")


class CallPageMatchesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.call = bilingual_call()

    def page(self, query: str, url: str = "", **params):
        response = self.client.get(url or self.call.get_absolute_url(), {"q": query, **params})
        self.assertEqual(response.status_code, 200)
        return response

    def search(self, query: str, **params) -> dict:
        call = self.call
        return self.client.get(
            "/api/search/",
            {
                "q": query,
                "company": call.company.slug,
                "year": call.fiscal_year,
                "quarter": call.fiscal_quarter,
            }
            | params,
        ).json()

    def test_the_call_page_counts_and_tints_the_paragraphs_the_search_finds(self):
        for query in QUERIES:
            with self.subTest(query=query):
                response, found = self.page(query), self.search(query)
                page = response.content.decode()
                self.assertEqual(response.context["hit_count"], found["total"])
                searched = {int(urlparse(hit["url"]).fragment[1:]) for hit in found["results"]}
                self.assertEqual({int(n) for n in MATCHING.findall(page)}, searched)
                if found["total"]:
                    self.assertIn(f"{found['total']} paragraph", page)
                    self.assertEqual(response.context["first_match"], min(searched))

    def test_the_language_of_the_search_link_is_honoured(self):
        for query, langs in (("margin", ["zh"]), ("營收", ["en"]), ("營收", ["zh"]), ("營收", ["en", "zh"])):
            with self.subTest(query=query, langs=langs):
                response, found = self.page(query, lang=langs), self.search(query, lang=langs)
                self.assertEqual(response.context["hit_count"], found["total"])
        # An unknown language is dropped as the search drops it: both languages.
        self.assertEqual(self.page("營收", lang=["xx"]).context["hit_count"], self.search("營收")["total"])
        # "margin" is in no translation: with only Chinese asked for, neither finds it.
        self.assertEqual(self.page("margin", lang=["zh"]).context["hit_count"], 0)

    def test_a_phrase_is_marked_whole_and_its_words_apart_are_not(self):
        page = self.page('"book to bill"').content.decode()
        self.assertEqual(MARK.findall(page), ["book-to-bill", "book to bill"])
        self.assertNotIn("<mark>Booking", page)
        page = self.page('"gross margin"').content.decode()
        self.assertEqual(
            [m.lower() for m in MARK.findall(page)], ["gross margin", "gross margins", "gross margin"]
        )
        self.assertNotIn("<mark>gross</mark> profit", page)

    def test_and_or_and_stems_mark_every_word_that_matched(self):
        page = self.page("gross margin").content.decode()
        self.assertEqual({m.lower() for m in MARK.findall(page)}, {"gross", "margin", "margins"})
        page = self.page("revenue or bookings").content.decode()
        self.assertEqual(
            {m.lower() for m in MARK.findall(page)}, {"revenue", "bookings", "booking", "book"}
        )  # bookings: book
        page = self.page("margins").content.decode()
        self.assertEqual({m.lower() for m in MARK.findall(page)}, {"margin", "margins"})

    def test_an_excluded_word_is_never_marked_nor_its_paragraphs_matched(self):
        response = self.page("margin -gross")
        page = response.content.decode()
        self.assertEqual({m.lower() for m in MARK.findall(page)}, {"margin", "margins"})
        for number in MATCHING.findall(page):
            self.assertNotIn("gross", self.call.utterances.get(position=number).text.lower())
        self.assertEqual(response.context["hit_count"], 2)

    def test_an_exclusion_the_search_finds_nothing_for_shows_no_match(self):
        self.assertEqual(self.search("bill -book")["total"], 0)
        response = self.page("bill -book")
        page = response.content.decode()
        self.assertEqual(response.context["hit_count"], 0)
        self.assertIn("No paragraph here matches “bill -book”", page)
        self.assertNotIn("<mark", page)
        self.assertNotRegex(page, MATCHING)

    def test_chinese_is_marked_in_the_translation_in_either_script(self):
        for query in ("營收", "营收"):
            page = self.page(query).content.decode()
            self.assertEqual(set(MARK.findall(page)), {"營收"}, query)
            self.assertNotIn('lang="en"><mark', page)
        page = self.page("毛利率 營收").content.decode()
        self.assertEqual(set(MARK.findall(page)), {"毛利率", "營收"})

    def test_the_search_marks_its_snippets_the_same_way(self):
        for query, marked in (
            ('"book to bill"', {"book-to-bill", "book to bill"}),
            ("margin -gross", {"margin", "margins"}),
            ('"gross margin"', {"gross margin", "gross margins"}),
        ):
            with self.subTest(query=query):
                snippets = [hit["snippet"] for hit in self.search(query)["results"]]
                self.assertTrue(snippets)
                self.assertEqual({m.lower() for s in snippets for m in MARK.findall(s)}, marked)

    def test_the_search_page_links_a_hit_with_its_query_and_languages(self):
        page = self.client.get("/search/", {"q": "營收", "lang": "zh"}).content.decode()
        self.assertRegex(
            page, r'href="/calls/quillon-systems/2022-q1/\?q=%E7%87%9F%E6%94%B6&amp;lang=zh#p\d+"'
        )

    def test_the_column_switch_keeps_the_query_and_languages(self):
        page = self.page("營收", lang=["zh"]).content.decode()
        self.assertIn(
            'href="/calls/quillon-systems/2022-q1/?q=%E7%87%9F%E6%94%B6&amp;lang=zh&amp;view=original"', page
        )

    def test_the_exchange_page_counts_its_own_share_of_the_call_s_matches(self):
        exchange = Exchange.objects.select_related("call__company").get(call=self.call, number=1)
        positions = set(exchange.turns.values_list("utterances__position", flat=True))
        for query in QUERIES:
            with self.subTest(query=query):
                on_call = {int(n) for n in MATCHING.findall(self.page(query).content.decode())}
                response = self.page(query, exchange.get_absolute_url())
                on_exchange = {int(n) for n in MATCHING.findall(response.content.decode())}
                self.assertEqual(on_exchange, on_call & positions)
                self.assertEqual(response.context["hit_count"], len(on_exchange))

    def test_queries_are_few_and_do_not_depend_on_the_query(self):
        for query in QUERIES:
            with self.subTest(query=query), CaptureQueriesContext(connection) as queries:
                self.page(query)
            # Call, turns, utterances, exchanges, matches, the query's tree, the matches' tokens.
            self.assertLessEqual(len(queries), 10)

    def test_a_hostile_query_is_escaped_and_marks_only_escaped_text(self):
        page = self.page('"gross margin" <script>alert(1)</script>').content.decode()
        self.assertNotIn("<script>alert", page)
        self.assertIn("&lt;script&gt;", page)
        self.assertNotIn("<mark><", page)

    def test_links_in_the_summary_use_the_paragraph_anchors(self):
        response = self.page("revenue")
        first = response.context["first_match"]
        self.assertContains(response, f'href="#p{first}" data-match-first')
        self.assertContains(response, f'<div class="utterance match bilingual" id="p{first}">')


class ArchiveMatchesTests(TestCase):
    """The queries of the report that made these pages follow the search, over every call of the archive."""

    @classmethod
    def setUpTestData(cls):
        import_archive()

    def test_every_call_page_counts_what_the_search_finds_in_that_call(self):
        calls = list(Call.objects.select_related("company"))
        self.assertGreater(len(calls), 4)
        for query in ('"book to bill"', "margin -gross", "gross margin", "revenue or bookings", "營收"):
            for call in calls:
                with self.subTest(query=query, call=str(call)):
                    response = self.client.get(call.get_absolute_url(), {"q": query})
                    found = self.client.get(
                        "/api/search/",
                        {
                            "q": query,
                            "company": call.company.slug,
                            "year": call.fiscal_year,
                            "quarter": call.fiscal_quarter,
                        },
                    ).json()
                    self.assertEqual(response.context["hit_count"], found["total"])
