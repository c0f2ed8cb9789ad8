"""calls.services.call_attach_translation against a real PostgreSQL: stored, searchable, all or nothing."""

from unittest import mock

from django.db import DatabaseError
from django.test import TestCase

from calls.models import Call, Utterance
from calls.services import call_attach_translation
from search.chinese import index_terms
from tests.archive import SAMPLES, ingest

LINES = SAMPLES / "northwind-optical-2024-q1-lines.txt"


def translations_of(call: Call) -> list[str]:
    return list(call.utterances.order_by("position").values_list("translation", flat=True))


class AttachTranslationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ingest(LINES)
        cls.call = Call.objects.get()
        cls.count = cls.call.utterances.count()

    def test_translations_are_stored_with_their_search_terms_and_the_call_is_found_in_chinese(self):
        self.assertEqual(self.client.get("/api/search/?q=光學收發器").json()["total"], 0)
        translations = [f"第 {n} 段的譯文。" for n in range(1, self.count + 1)]
        translations[2] = "北風光學收發器出貨創新高。"

        changed = call_attach_translation(call=self.call, translations=translations)

        self.assertEqual(changed, self.count)
        self.assertEqual(translations_of(self.call), translations)
        third = self.call.utterances.get(position=3)
        self.assertEqual(third.cjk_terms, index_terms(translations[2]))
        found = self.client.get("/api/search/?q=光學收發器").json()
        self.assertEqual(found["total"], 1)
        self.assertEqual(found["results"][0]["translation"], translations[2])
        self.assertTrue(found["results"][0]["url"].endswith(f"{self.call.get_absolute_url()}#p3"))
        # Simplified Chinese finds it too: the same folding as imported translations.
        self.assertEqual(self.client.get("/api/search/?q=光学收发器").json()["total"], 1)

    def test_empty_entries_leave_paragraphs_as_they_are(self):
        Utterance.objects.filter(call=self.call, position=1).update(translation="舊譯文。")
        translations = [""] * self.count
        translations[1] = "新的譯文。"

        changed = call_attach_translation(call=self.call, translations=translations)

        self.assertEqual(changed, 1)
        self.assertEqual(translations_of(self.call)[:3], ["舊譯文。", "新的譯文。", ""])

    def test_a_count_that_differs_from_the_paragraphs_is_refused_and_nothing_is_stored(self):
        for wrong in (self.count - 1, self.count + 1):
            with self.subTest(wrong=wrong), self.assertRaisesMessage(ValueError, f"{wrong} translations"):
                call_attach_translation(call=self.call, translations=["譯文。"] * wrong)
        self.assertEqual(set(translations_of(self.call)), {""})

    def test_a_database_error_stores_nothing(self):
        with (
            mock.patch.object(Utterance.objects, "bulk_update", side_effect=DatabaseError("disk full")),
            self.assertRaises(DatabaseError),
        ):
            call_attach_translation(call=self.call, translations=["譯文。"] * self.count)
        self.assertEqual(set(translations_of(self.call)), {""})
        self.assertFalse(Utterance.objects.exclude(cjk_terms="").exists())
