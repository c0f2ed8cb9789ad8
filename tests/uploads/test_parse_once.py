"""Each request of the upload pages reads its file once (it used to parse up to four times).

The parse functions are wrapped with a counter (mock's `wraps`: the real parser runs, only the
calls are counted), at the module attribute the uploads code reaches them through.
"""

from contextlib import contextmanager
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

import calls.ingestion
import uploads.alignment
from calls.models import Call
from tests.archive import SAMPLES, ingest
from tests.uploads.people import uploader
from tests.uploads.test_views import BILINGUAL, BULLETS, preview_data, sample
from uploads.models import Upload


@contextmanager
def counting_parses(module):
    with mock.patch.object(module, "parse_transcript", wraps=module.parse_transcript) as parse:
        yield parse


class TranscriptParsesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = uploader()

    def setUp(self):
        self.client.force_login(self.staff)

    def test_receiving_reads_each_file_once(self):
        with counting_parses(calls.ingestion) as parse:
            self.client.post(reverse("uploads:new"), {"files": [sample(BULLETS), sample(BILINGUAL)]})
        self.assertEqual(parse.call_count, 2)
        self.assertEqual(Upload.objects.filter(status="pending").count(), 2)

    def test_preview_update_and_store_each_read_the_file_once(self):
        self.client.post(reverse("uploads:new"), {"files": [sample(BILINGUAL)]})
        upload = Upload.objects.get()
        url = upload.get_absolute_url()

        with counting_parses(calls.ingestion) as parse:
            preview = self.client.get(url)
        self.assertEqual((preview.status_code, parse.call_count), (200, 1))

        roles = {"Unidentified Company Representative": "unknown"}
        with counting_parses(calls.ingestion) as parse:
            response = self.client.post(url, preview_data(preview, "refresh", roles=roles))
        self.assertRedirects(response, url)
        self.assertEqual(parse.call_count, 1)

        preview = self.client.get(url)
        with counting_parses(calls.ingestion) as parse:
            self.client.post(url, preview_data(preview, "store"))
        self.assertEqual(parse.call_count, 1)
        upload.refresh_from_db()
        self.assertEqual(upload.status, "stored")
        self.assertEqual(
            set(
                Call.objects.get()
                .turns.filter(name="Unidentified Company Representative")
                .values_list("role", flat=True)
            ),
            {"unknown"},
        )

    def test_a_replacement_is_previewed_and_stored_with_one_read(self):
        ingest(BULLETS)
        text = BULLETS.read_text().replace("Thank you", "Thanks", 1)
        revised = SimpleUploadedFile("revised.txt", text.encode())
        self.client.post(reverse("uploads:new"), {"files": [revised]})
        url = Upload.objects.get().get_absolute_url()
        with counting_parses(calls.ingestion) as parse:
            preview = self.client.get(url)
            self.assertContains(preview, 'data-outcome="replace"')
            self.client.post(url, preview_data(preview, "store"))
        self.assertEqual(parse.call_count, 2)  # one for the page, one for the store
        self.assertEqual(Upload.objects.get().status, "replaced")


class TranslationParsesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = uploader()
        ingest(SAMPLES / "northwind-optical-2024-q1-lines.txt")
        cls.call = Call.objects.get()

    def test_receive_preview_and_store_each_read_the_file_once(self):
        self.client.force_login(self.staff)
        lines = "\n\n".join(f"第 {n} 段譯文。" for n in range(1, self.call.utterances.count() + 1))
        file = SimpleUploadedFile("zh.txt", lines.encode())
        with counting_parses(uploads.alignment) as parse:
            self.client.post(reverse("uploads:translation"), {"call": self.call.pk, "file": file})
        self.assertEqual(parse.call_count, 1)
        upload = Upload.objects.get()
        with counting_parses(uploads.alignment) as parse:
            preview = self.client.get(upload.get_absolute_url())
        self.assertEqual(parse.call_count, 1)
        with counting_parses(uploads.alignment) as parse:
            expect = preview.context["form"].initial["expect"]
            self.client.post(upload.get_absolute_url(), {"action": "store", "expect": expect})
        self.assertEqual(parse.call_count, 1)
        self.assertEqual(Upload.objects.get().status, "stored")
