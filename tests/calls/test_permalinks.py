"""Permalinks survive re-imports: the same file again, or a corrected file for the same call."""

import re
import shutil
import tempfile
from pathlib import Path

from django.test import TestCase

from calls.models import Call, Exchange
from tests.archive import SAMPLES, ingest

SOURCE = SAMPLES / "northwind-optical-2023-q3-bullets.txt"
CALL_URL = "/calls/northwind-optical/2023-q3/"
PARAGRAPH = re.compile(r'<div class="utterance[^"]*" id="(p\d+)">(.*?)</div>', re.S)


class PermalinkTests(TestCase):
    def setUp(self):
        [self.first] = ingest(SOURCE)
        self.assertEqual(self.first["url"].removeprefix("http://testserver"), CALL_URL)

    def paragraphs(self) -> dict[str, str]:
        """Each #p<n> anchor of the call page and what it holds."""
        response = self.client.get(CALL_URL)
        self.assertEqual(response.status_code, 200)
        return dict(PARAGRAPH.findall(response.content.decode()))

    def exchanges(self) -> dict[str, str]:
        """Each /qa/<n>/ page's transcript, by URL."""
        pages = {}
        for number in Call.objects.get().exchanges.values_list("number", flat=True):
            url = f"{CALL_URL}qa/{number}/"
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            pages[url] = (
                response.content.decode().split('<article class="transcript')[1].split("</article>")[0]
            )
        return pages

    def test_importing_the_same_file_again_keeps_every_anchor_and_exchange_url(self):
        paragraphs, exchanges = self.paragraphs(), self.exchanges()
        self.assertGreater(len(paragraphs), 50)
        self.assertGreaterEqual(len(exchanges), 3)

        [again] = ingest(SOURCE)

        self.assertEqual(again["status"], "unchanged")
        self.assertEqual(again["url"], self.first["url"])
        self.assertEqual(self.paragraphs(), paragraphs)
        self.assertEqual(self.exchanges(), exchanges)

    def test_a_corrected_file_keeps_the_permalinks_of_what_it_did_not_change(self):
        paragraphs, exchanges = self.paragraphs(), self.exchanges()
        exchange = Exchange.objects.get(number=2)
        typo_turn = exchange.turns.order_by("position").first()
        typo = typo_turn.utterances.order_by("position").first()
        text = SOURCE.read_text(encoding="utf-8")
        self.assertEqual(text.count(typo.text), 1, "the corrected sentence is unique in the file")
        corrected_text = typo.text.rstrip(".?") + " (corrected)."
        corrected = self.tmp_file(text.replace(typo.text, corrected_text))

        [replaced] = ingest(corrected)

        self.assertEqual(replaced["status"], "replaced")
        self.assertEqual(replaced["url"], self.first["url"])
        after = self.paragraphs()
        self.assertEqual(after.keys(), paragraphs.keys())
        anchor = typo.anchor
        self.assertIn("(corrected).", after[anchor])
        self.assertEqual(
            {k: v for k, v in after.items() if k != anchor},
            {k: v for k, v in paragraphs.items() if k != anchor},
        )
        after_exchanges = self.exchanges()
        self.assertEqual(after_exchanges.keys(), exchanges.keys())
        changed = f"{CALL_URL}qa/2/"
        self.assertIn("(corrected).", after_exchanges[changed])
        self.assertEqual(
            {k: v for k, v in after_exchanges.items() if k != changed},
            {k: v for k, v in exchanges.items() if k != changed},
        )

    def tmp_file(self, content: str):
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        path = folder / "northwind-optical-2023-q3-corrected.txt"
        path.write_text(content, encoding="utf-8")
        return path
