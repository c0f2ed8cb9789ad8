"""Attaching a translation to a stored call on the upload pages: staff only, preview, store, cancel."""

import re

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from calls.models import Call, Utterance
from tests.archive import SAMPLES, ingest
from tests.uploads.faults import paragraphs_refused
from tests.uploads.people import uploader
from uploads.models import Upload

TRANSLATION = reverse("uploads:translation")
LINES = SAMPLES / "northwind-optical-2024-q1-lines.txt"


def translations_of(call: Call) -> list[str]:
    return list(call.utterances.order_by("position").values_list("translation", flat=True))


class TranslationPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        users = get_user_model().objects
        cls.staff = uploader()
        cls.reader = users.create_user("reader", password="pw-reader-1")
        ingest(LINES)
        cls.call = Call.objects.get()
        cls.count = cls.call.utterances.count()

    def setUp(self):
        self.client.force_login(self.staff)

    def lines(self, count=None) -> list[str]:
        """A translation line per paragraph, about as long as a real one (else it would look doubtful)."""
        texts = list(self.call.utterances.order_by("position").values_list("text", flat=True))
        texts += texts[: max(0, (count or self.count) - len(texts))]
        return [
            f"第 {n} 段:北風光學譯文"
            + "譯" * (2 * len(text.split()))
            + " ".join(re.findall(r"[\d.]+%", text))
            + "。"
            for n, text in enumerate(texts[: count or self.count], start=1)
        ]

    def upload(self, lines, *, client=None, **extra) -> Upload:
        data = "\n\n".join(lines).encode()
        file = SimpleUploadedFile("northwind-zh.txt", data, content_type="text/plain")
        response = (client or self.client).post(TRANSLATION, {"call": self.call.pk, "file": file, **extra})
        upload = Upload.objects.latest("pk")
        self.assertRedirects(response, upload.get_absolute_url(), fetch_redirect_response=False)
        return upload

    def store(self, upload, *, client=None, HTTP_ACCEPT_LANGUAGE="en", **extra):
        preview = (client or self.client).get(upload.get_absolute_url())
        expect = preview.context["form"].initial["expect"]
        return (client or self.client).post(
            upload.get_absolute_url(),
            {"action": "store", "expect": expect, **extra},
            follow=True,
            HTTP_ACCEPT_LANGUAGE=HTTP_ACCEPT_LANGUAGE,
        )

    def test_the_page_asks_for_the_call_by_name_and_documents_the_formats(self):
        # No list of every call (unusable at thousands): a text field the picker script suggests into.
        response = self.client.get(TRANSLATION)
        self.assertNotContains(response, "<option")
        self.assertContains(response, 'role="combobox"')
        self.assertContains(response, f'data-call-picker="{reverse("uploads:call_choices")}"')
        self.assertContains(response, 'role="listbox"')
        self.assertContains(response, "One translated paragraph per line")
        self.assertContains(response, "The bilingual layout")
        self.assertContains(self.client.get(reverse("admin:index")), f'href="{TRANSLATION}"')

    def test_anonymous_and_non_staff_get_the_admin_login_page(self):
        upload = self.upload(self.lines())
        for user in (None, self.reader):
            client = Client()
            if user is not None:
                client.force_login(user)
            for url in (TRANSLATION, upload.get_absolute_url()):
                with self.subTest(user=user, url=url):
                    login = f"{reverse('admin:login')}?next={url}"
                    self.assertRedirects(client.get(url), login)
                    self.assertRedirects(client.post(url, {"action": "store", "expect": "x"}), login)
        self.assertEqual(Upload.objects.get().status, "pending")
        self.assertEqual(set(translations_of(self.call)), {""})

    def test_csrf_is_enforced(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.staff)
        file = SimpleUploadedFile("zh.txt", "\n".join(self.lines()).encode())
        self.assertEqual(client.post(TRANSLATION, {"call": self.call.pk, "file": file}).status_code, 403)
        self.assertFalse(Upload.objects.exists())

        upload = self.upload(self.lines())  # through the test client that skips the check
        preview = client.get(upload.get_absolute_url())
        expect = preview.context["form"].initial["expect"]
        response = client.post(upload.get_absolute_url(), {"action": "store", "expect": expect})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(client.post(upload.get_absolute_url(), {"action": "cancel"}).status_code, 403)
        upload.refresh_from_db()
        self.assertEqual(upload.status, "pending")
        self.assertEqual(set(translations_of(self.call)), {""})

        token = client.cookies["csrftoken"].value
        self.store(upload, client=client, csrfmiddlewaretoken=token)
        upload.refresh_from_db()
        self.assertEqual(upload.status, "stored")

    def test_preview_shows_the_pairs_and_stores_nothing(self):
        upload = self.upload(self.lines())
        self.assertEqual(
            (upload.kind, upload.status, upload.call, upload.layout),
            ("translation", "pending", self.call, "lines"),
        )
        self.assertEqual(upload.uploaded_by, self.staff)

        response = self.client.get(upload.get_absolute_url())

        self.assertContains(response, f"{self.count} of {self.count} paragraphs get a translation")
        first = self.call.utterances.get(position=1)
        self.assertContains(response, first.text)
        self.assertContains(response, self.lines()[0])
        self.assertEqual(len(response.context["rows"]), 10)
        self.assertContains(response, "Store the translation")
        self.assertEqual(set(translations_of(self.call)), {""})

    def test_confirm_stores_the_translation_and_the_upload_keeps_the_outcome(self):
        upload = self.upload(self.lines())

        response = self.store(upload)

        self.assertContains(response, f"translation stored for {self.count} paragraphs")
        self.assertContains(response, 'data-status="stored"')
        self.assertEqual(translations_of(self.call), self.lines())
        upload.refresh_from_db()
        self.assertEqual((upload.status, upload.call), ("stored", self.call))
        self.assertIsNotNone(upload.decided_at)
        self.assertEqual(upload.content, "\n\n".join(self.lines()).encode())
        self.assertEqual(self.client.get("/api/search/?q=北風光學").json()["total"], self.count)
        # Stored once: confirming again changes nothing.
        self.client.post(upload.get_absolute_url(), {"action": "store", "expect": "x"})
        self.assertEqual(Upload.objects.get().status, "stored")

    def test_a_count_mismatch_is_shown_with_line_numbers_and_cannot_be_stored(self):
        upload = self.upload(self.lines(self.count + 2))

        response = self.client.get(upload.get_absolute_url())

        total = self.count + 2
        self.assertContains(
            response,
            f"{total} translation lines for {self.count} paragraphs: lines {2 * total - 3}–{2 * total - 1}",
        )
        self.assertNotContains(response, "Store the translation")
        response = self.store(upload)
        self.assertContains(response, "nothing to store")
        self.assertEqual(Upload.objects.get().status, "pending")
        self.assertEqual(set(translations_of(self.call)), {""})

    def test_a_stored_translation_shows_old_and_new(self):
        Utterance.objects.filter(call=self.call, position=20).update(translation="舊的譯文。")

        response = self.client.get(self.upload(self.lines()).get_absolute_url())

        row = response.content.decode().split('data-position="20"')[1].split("</tr>")[0]
        self.assertIn("舊的譯文。", row)
        self.assertIn(self.lines()[19], row)
        self.assertContains(response, "1 replaces a different stored translation")

    def test_a_call_changed_since_the_preview_is_not_overwritten(self):
        upload = self.upload(self.lines())
        preview = self.client.get(upload.get_absolute_url())
        Utterance.objects.filter(call=self.call, position=2).update(translation="別人剛存的譯文。")

        response = self.client.post(
            upload.get_absolute_url(),
            {"action": "store", "expect": preview.context["form"].initial["expect"]},
            follow=True,
        )

        self.assertContains(response, "has changed since the preview")
        self.assertEqual(translations_of(self.call)[1], "別人剛存的譯文。")
        self.assertEqual(Utterance.objects.filter(call=self.call).exclude(translation="").count(), 1)

    def test_cancel_stores_nothing(self):
        upload = self.upload(self.lines())
        response = self.client.post(upload.get_absolute_url(), {"action": "cancel"}, follow=True)
        self.assertContains(response, "cancelled; nothing was stored")
        self.assertEqual(Upload.objects.get().status, "cancelled")
        self.client.post(upload.get_absolute_url(), {"action": "store", "expect": "x"})
        self.assertEqual(Upload.objects.get().status, "cancelled")
        self.assertEqual(set(translations_of(self.call)), {""})

    def test_a_database_error_stores_nothing_and_marks_the_upload_failed(self):
        upload = self.upload(self.lines())
        with paragraphs_refused("disk full", on="UPDATE"):
            response = self.store(upload)
        self.assertContains(response, "nothing was stored, the database refused the translation")
        upload.refresh_from_db()
        self.assertEqual(upload.status, "failed")
        self.assertEqual(set(translations_of(self.call)), {""})

    def test_a_binary_file_fails_and_is_kept(self):
        file = SimpleUploadedFile("chart.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
        response = self.client.post(TRANSLATION, {"call": self.call.pk, "file": file}, follow=True)
        upload = Upload.objects.get()
        self.assertEqual((upload.status, upload.kind), ("failed", "translation"))
        self.assertContains(response, "the file looks binary")

    def test_the_upload_pages_speak_traditional_chinese(self):
        zh = {"HTTP_ACCEPT_LANGUAGE": "zh-TW"}
        self.assertContains(self.client.get(reverse("uploads:new"), **zh), "上傳並預覽")
        self.assertContains(self.client.get(TRANSLATION, **zh), "每行一段譯文")
        upload = self.upload(self.lines())
        preview = self.client.get(upload.get_absolute_url(), **zh)
        self.assertContains(preview, f"{self.count} 段中有 {self.count} 段將取得譯文")
        self.assertContains(preview, "儲存譯文")
        response = self.store(upload, HTTP_ACCEPT_LANGUAGE="zh-TW")
        self.assertContains(response, f"「northwind-zh.txt」：已為 {self.count} 段儲存譯文。")

    def test_a_replaced_call_is_named_and_nothing_is_stored(self):
        upload = self.upload(self.lines())
        Call.objects.all().delete()
        response = self.client.get(upload.get_absolute_url(), follow=True)
        self.assertContains(response, "has been deleted or replaced")
