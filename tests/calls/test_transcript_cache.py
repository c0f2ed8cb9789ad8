"""The reading pages keep their rendered transcript by a digest of what it shows: a second reading
renders nothing again, and any change to what is shown is a new rendering, never an old one."""

from django.core.cache import caches
from django.test import TestCase

from calls.models import Call, Speaker, Turn, Utterance
from tests.archive import SAMPLES, ingest


def transcript(page: str) -> str:
    """The transcript of a reading page (the rest holds a fresh CSRF token each time)."""
    return page.split('<article class="transcript', 1)[1].split("</article>", 1)[0]


class TranscriptCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ingest(SAMPLES)

    def setUp(self):
        caches["pages"].clear()
        self.call = Call.objects.filter(exchanges__isnull=False).distinct().first()
        self.url = self.call.get_absolute_url()

    def page(self, url=None, **params) -> str:
        response = self.client.get(url or self.url, params)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_a_second_reading_comes_from_the_cache_and_is_the_same(self):
        first = self.page()
        kept = len(caches["pages"]._cache)
        self.assertEqual(kept, 1)
        self.assertEqual(transcript(self.page()), transcript(first))
        self.assertEqual(len(caches["pages"]._cache), kept)

    def test_a_corrected_title_shows_at_once(self):
        self.page()
        turn = self.call.turns.filter(role="executive").exclude(title="").first()
        Turn.objects.filter(call=self.call, speaker=turn.speaker).update(title="Chief Everything Officer")
        self.assertIn("Chief Everything Officer", transcript(self.page()))

    def test_a_renamed_speaker_address_shows_at_once(self):
        self.page()
        speaker = Speaker.objects.filter(turns__call=self.call).first()
        Speaker.objects.filter(pk=speaker.pk).update(slug="renamed-for-the-test")
        page = transcript(self.page())
        self.assertIn("/speakers/renamed-for-the-test/", page)
        self.assertNotIn(f"/speakers/{speaker.slug}/", page)

    def test_edited_text_shows_at_once(self):
        self.page()
        utterance = self.call.utterances.order_by("position").first()
        Utterance.objects.filter(pk=utterance.pk).update(text="A paragraph rewritten for the test.")
        self.assertIn("A paragraph rewritten for the test.", transcript(self.page()))

    def test_highlighted_and_plain_readings_are_kept_apart(self):
        word = self.call.utterances.order_by("position").first().text.split()[0].strip(".,")
        plain = self.page()
        marked = self.page(q=word)
        self.assertNotIn("<mark", transcript(plain))
        self.assertIn("<mark", transcript(marked))
        self.assertEqual(transcript(self.page()), transcript(plain))

    def test_exchange_pages_keep_their_own_rendering(self):
        exchange = self.call.exchanges.order_by("number").first()
        call_page = self.page()
        exchange_page = self.page(exchange.get_absolute_url())
        self.assertNotEqual(transcript(call_page), transcript(exchange_page))
        self.assertIn(f'id="{exchange.turns.order_by("position").first().anchor}"', exchange_page)
        self.assertEqual(len(caches["pages"]._cache), 2)
