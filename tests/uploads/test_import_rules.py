"""The upload pages on what the import refuses or reports about a file as a whole."""

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from calls.models import Call
from tests.calls.transcripts import parse_as, transcript
from uploads.models import Upload

NEW = reverse("uploads:new")


def upload_file(name: str, content: bytes = b"placeholder: the parser is replaced in these tests\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


class UploadRulesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = get_user_model().objects.create_user("staff", password="pw-staff-1", is_staff=True)

    def setUp(self):
        self.client.force_login(self.staff)

    def upload(self, *files, **facts):
        return self.client.post(NEW, {"files": list(files), **facts}, follow=True)


class PeriodConflictTests(UploadRulesTestCase):
    CONFLICT = "the file name says Q1 2021 but the text says Q1 2020"

    def test_a_conflicting_period_fails_the_upload_until_the_form_gives_it(self):
        parsed = transcript(company="Acme Widgets", year=2020, quarter=1, period_conflict=self.CONFLICT)
        with parse_as({"ACME_1Q21.txt": parsed}):
            response = self.upload(upload_file("ACME_1Q21.txt"))
            failed = Upload.objects.get()
            self.assertEqual(failed.status, "failed")
            self.assertEqual(
                failed.error,
                f"{self.CONFLICT}; fill in Fiscal year and Quarter in the upload form and upload it again",
            )
            self.assertContains(response, "the text says Q1 2020")

            response = self.upload(upload_file("ACME_1Q21.txt"), fiscal_year=2021, fiscal_quarter=1)
            pending = Upload.objects.get(status="pending")
            self.assertContains(response, "Acme Widgets Q1 2021")
            self.assertEqual(pending.call_label, "Acme Widgets Q1 2021")
        self.assertFalse(Call.objects.exists())
