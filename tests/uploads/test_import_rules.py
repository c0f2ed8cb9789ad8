"""The upload pages on what the import refuses or reports about a file as a whole."""

from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

import calls.ingestion
from calls.models import Call
from calls.parsing import ParseWarning
from calls.services import call_import
from tests.calls.test_split_calls import presentation, qa
from tests.calls.transcripts import parse_as, prepared, transcript
from tests.uploads.people import uploader
from tests.uploads.test_views import preview_data
from uploads.models import Upload

NEW = reverse("uploads:new")


def upload_file(name: str, content: bytes = b"placeholder: the parser is replaced in these tests\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


class UploadRulesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = uploader()

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


CLEAN = (
    b"Operator\nWelcome to the Quillon Systems first quarter 2022 results call.\n"
    b"Jane Roe - Chief Executive Officer\nThank you. Revenue grew and gross margin improved.\n"
)


class HostileFileTests(UploadRulesTestCase):
    def store(self, upload: Upload):
        preview = self.client.get(upload.get_absolute_url())
        data = preview_data(preview, "store")
        return self.client.post(upload.get_absolute_url(), data, follow=True)

    def test_a_file_with_nul_characters_previews_with_a_warning_and_stores_without_them(self):
        response = self.upload(upload_file("nul.txt", CLEAN.replace(b"Revenue grew", b"Revenue\x00 grew")))
        self.assertEqual(response.status_code, 200)
        upload = Upload.objects.get()
        self.assertEqual(upload.status, "pending")
        self.assertContains(response, "removed 1 NUL character (the first on this line)")

        self.store(upload)
        upload.refresh_from_db()
        self.assertEqual(upload.status, "stored")
        self.assertTrue(
            Call.objects.get().utterances.filter(text__startswith="Thank you. Revenue grew").exists()
        )

    def test_a_nul_escaped_in_json_previews_and_stores(self):
        parsed = transcript(company="Quillon\x00 Systems", turns=prepared("Revenue\x00 grew."))
        with parse_as({"escaped.json": parsed}):
            response = self.upload(upload_file("escaped.json"))
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "removed 2 NUL characters")
            self.store(Upload.objects.get())
        self.assertEqual(Call.objects.get().company.name, "Quillon Systems")

    def test_a_file_that_breaks_the_parser_fails_alone_in_its_batch(self):
        deep = upload_file("deep.json", b"[" * 100_000 + b"]" * 100_000)
        real = calls.ingestion.parse_transcript

        def parse(data, *, filename=""):
            if filename == "broken.txt":
                raise RecursionError("maximum recursion depth exceeded")
            return real(data, filename=filename)

        with mock.patch.object(calls.ingestion, "parse_transcript", side_effect=parse):
            response = self.upload(upload_file("broken.txt"), deep, upload_file("good.txt", CLEAN))
        self.assertEqual(response.status_code, 200)
        statuses = dict(Upload.objects.values_list("file_name", "status"))
        self.assertEqual(statuses, {"broken.txt": "failed", "deep.json": "failed", "good.txt": "pending"})
        self.assertEqual(
            Upload.objects.get(file_name="broken.txt").error,
            "could not parse: RecursionError: maximum recursion depth exceeded",
        )


class SplitCallTests(UploadRulesTestCase):
    def test_the_second_half_previews_as_joining_the_stored_call_and_is_added(self):
        first, second = presentation(), qa()
        with parse_as({first.source_name: first.transcript, second.source_name: second.transcript}):
            self.upload(upload_file(first.source_name))
            upload = Upload.objects.get()
            preview = self.client.get(upload.get_absolute_url())
            self.assertContains(preview, 'data-part="presentation"')
            self.assertContains(preview, 'data-outcome="new"')
            self.client.post(upload.get_absolute_url(), preview_data(preview, "store"))

            response = self.upload(upload_file(second.source_name))
            upload = Upload.objects.get(status="pending")
            self.assertContains(response, 'data-outcome="add-half"')
            self.assertContains(response, "Add to the stored call")
            self.assertContains(response, "Quillon Systems Q4 2025")  # found by ticker: the Q&A names none
            self.client.post(upload.get_absolute_url(), preview_data(response, "store"))
            upload.refresh_from_db()
            self.assertEqual(upload.status, "stored")

            # The same half again is unchanged at once; a changed one would replace only its half.
            self.upload(upload_file(second.source_name))
            self.assertEqual(Upload.objects.order_by("-pk").first().status, "unchanged")
        call = Call.objects.get()
        self.assertEqual(sorted(call.parts), ["presentation", "qa"])
        self.assertEqual(call.exchanges.count(), 2)

    def test_a_changed_half_previews_what_it_replaces_in_that_half_only(self):
        call_import(loaded=presentation())
        call_import(loaded=qa())
        changed = qa(("Sam Asker", "Big Bank", "How durable is the marmoset backlog?"))
        with parse_as({changed.source_name: changed.transcript}):
            response = self.upload(upload_file(changed.source_name))
        self.assertContains(response, 'data-outcome="replace"')
        self.assertContains(response, "Confirming replaces that half only; the other half stays.")
        self.assertContains(response, "Replace this half of the stored call")
        counts = {what: (before, after) for what, before, after in response.context["target"].changes.counts}
        self.assertEqual(counts["turns"], (7, 4))
        self.assertEqual(counts["Q&A exchanges"], (2, 1))
        self.assertEqual(response.context["target"].changes.questioners_removed, ["Lou Query"])

    def test_a_qa_half_of_an_unknown_company_fails_with_what_to_fill_in(self):
        half = qa(ticker="ZZZQ")
        with parse_as({half.source_name: half.transcript}):
            self.upload(upload_file(half.source_name))
        self.assertEqual(
            Upload.objects.get().error,
            "the file names no company and no stored company has the ticker ZZZQ: import the call's"
            " presentation half first (it names the company), or fill in Company in the upload form and"
            " upload it again",
        )


class DoubtTests(UploadRulesTestCase):
    def test_doubts_come_first_in_the_preview_in_a_warning_box(self):
        doubt = "few speaker lines for the file's size: turns may be merged"
        warnings = [ParseWarning(4, "an odd line"), ParseWarning(0, doubt, doubt=True)]
        with parse_as({"doubtful.txt": transcript(warnings=warnings)}):
            response = self.upload(upload_file("doubtful.txt"))
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        box = page.index('<ul class="messagelist" id="doubts">')
        self.assertInHTML(
            f'<li class="warning"><strong>The parser doubts this file was read right:</strong> {doubt}</li>',
            page[box : page.index("</ul>", box) + len("</ul>")],
        )
        # Above everything in the preview: the introduction, the file's facts, the list of warnings.
        content = page.index('<div id="content-main" class="uploads">')
        self.assertLess(content, box)
        self.assertLess(box, page.index("Nothing is stored yet"))
        self.assertLess(box, page.index('id="warnings"'))
        self.assertNotIn("an odd line", page[box : page.index("Nothing is stored yet")])

    def test_no_box_without_doubts(self):
        with parse_as({"plain.txt": transcript(warnings=[ParseWarning(4, "an odd line")])}):
            response = self.upload(upload_file("plain.txt"))
        self.assertNotContains(response, 'id="doubts"')
        self.assertContains(response, "an odd line")
