"""A snippet's marks are kept by its text and the query, whatever the data version."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from calls.highlight import english_spans
from calls.models import Utterance
from search.cache import forget_all
from search.results import snippet_spans
from tests.archive import SAMPLES, ingest


class SnippetSpanTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ingest(SAMPLES)

    def setUp(self):
        forget_all()

    def test_kept_marks_equal_fresh_ones_and_cost_no_query(self):
        texts = list(Utterance.objects.filter(search_en="margin").values_list("text", flat=True)[:10])
        self.assertTrue(texts)
        first = snippet_spans(texts, "margin")
        self.assertEqual(first, english_spans(texts, "margin", snippets=True))
        self.assertTrue(any(first))
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(snippet_spans(texts, "margin"), first)
        self.assertEqual(len(queries), 0)

    def test_only_the_texts_not_kept_are_marked_again(self):
        texts = list(Utterance.objects.filter(search_en="margin").values_list("text", flat=True)[:4])
        snippet_spans(texts[:2], '"gross margin" OR margin')
        mixed = snippet_spans(texts, '"gross margin" OR margin')
        self.assertEqual(mixed, english_spans(texts, '"gross margin" OR margin', snippets=True))

    def test_another_query_or_another_text_is_another_entry(self):
        text = Utterance.objects.filter(search_en="margin").values_list("text", flat=True)[0]
        self.assertTrue(snippet_spans([text], "margin")[0])
        self.assertEqual(snippet_spans([text], "-margin"), [[]])
        changed = "Nothing in common here. " + text
        fresh = english_spans([changed], "margin", snippets=True)
        self.assertEqual(snippet_spans([changed], "margin"), fresh)
