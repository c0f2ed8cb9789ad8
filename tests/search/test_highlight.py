"""Highlighting: whole words only, every one of them, and nothing unescaped."""

import re

from django.db import connection
from django.test import SimpleTestCase, TestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from search.highlight import english_lexemes, mark_words, words_matching
from tests.archive import SAMPLES

WORD = re.compile(r"[^\W_]+")


def marked_by_definition(text: str, words: set[str]) -> list[str]:
    """What should be marked: every maximal run of letters and digits that is one of `words`."""
    return [m.group() for m in WORD.finditer(text) if m.group().lower() in words]


class MarkWordsTests(SimpleTestCase):
    def test_whole_words_only_and_any_case(self):
        html = mark_words("Margin, margins; MARGIN and submargin margin2", {"margin"})
        self.assertEqual(re.findall(r"<mark>(.*?)</mark>", html), ["Margin", "MARGIN"])

    @settings(max_examples=300, deadline=None)
    @given(
        text=st.text(alphabet=st.sampled_from(list("abAB1 _-.é<&營")), max_size=60),
        words=st.sets(st.text(alphabet=st.sampled_from(list("abé1")), min_size=1, max_size=3), max_size=4),
    )
    def test_marks_exactly_the_words_of_the_definition(self, text, words):
        html = str(mark_words(text, words))
        marked = [
            m.replace("&amp;", "&").replace("&lt;", "<") for m in re.findall(r"<mark>(.*?)</mark>", html)
        ]
        self.assertEqual(marked, marked_by_definition(text, words))
        self.assertNotIn("<&", html.replace("<mark>", "").replace("</mark>", ""))


class WordsMatchingTests(TestCase):
    def test_every_form_the_stemmer_joins_is_found(self):
        texts = ["Our margins were marginally better; the margin held.", "Dying lines, died, Companies"]
        self.assertEqual(
            words_matching(texts, english_lexemes("margin")), {"margins", "marginally", "margin"}
        )
        self.assertEqual(words_matching(texts, english_lexemes("die")), {"dying", "died"})
        self.assertEqual(words_matching(texts, english_lexemes("company")), {"companies"})
        self.assertEqual(words_matching(texts, set()), set())

    def test_the_words_sent_to_the_stemmer_lose_none_it_would_match(self):
        # Oracle: every word of the sample transcripts stemmed by PostgreSQL, none left out.
        texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]
        all_words = sorted({w.lower() for text in texts for w in WORD.findall(text)})
        for query in ("margin", "dying early skies", "companies generously", "2023 q3", "analyst's"):
            lexemes = english_lexemes(query)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT word FROM unnest(%s::text[]) AS word"
                    " WHERE tsvector_to_array(to_tsvector('english', word)) && %s::text[]",
                    [all_words, sorted(lexemes)],
                )
                expected = {row[0] for row in cursor.fetchall()}
            self.assertTrue(expected, query)
            self.assertEqual(words_matching(texts, lexemes), expected, query)
