"""The upload pages against a real PostgreSQL: who may use them, preview, corrections, store, failures."""

import re

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils.html import escape

from calls.models import Call, Company, Speaker, Turn, Utterance
from tests.archive import SAMPLES, ingest
from tests.uploads.faults import paragraphs_refused
from tests.uploads.people import uploader
from uploads.models import Upload

NEW = reverse("uploads:new")
BULLETS = SAMPLES / "northwind-optical-2023-q3-bullets.txt"
BILINGUAL = SAMPLES / "kestrel-semiconductor-2022-q4-bilingual.txt"
NO_COMPANY = b"""Jane Roe - Chief Executive Officer
Thank you all for joining us today.
Operator
(Operator Instructions) Our first question comes from John Poe with Example Research.
John Poe - Analyst
How was the quarter?
"""


def sample(path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")


def archive_is_empty() -> bool:
    return not any(model.objects.exists() for model in (Call, Company, Speaker, Turn, Utterance))


def preview_data(response, action: str, *, roles=None, names=None, **facts) -> dict:
    """The preview's form as shown, with the given changes, submitted with the given button."""
    form, formset = response.context["form"], response.context["formset"]
    data = {name: "" if value is None else str(value) for name, value in form.initial.items()}
    data.update({name: str(value) for name, value in facts.items()})
    management = formset.management_form
    data.update({management.add_prefix(name): str(value) for name, value in management.initial.items()})
    for speaker_form in formset.forms:
        speaker = speaker_form.initial["speaker"]
        data[speaker_form.add_prefix("speaker")] = speaker
        data[speaker_form.add_prefix("name")] = (names or {}).get(speaker, speaker_form.initial["name"])
        data[speaker_form.add_prefix("role")] = (roles or {}).get(speaker, speaker_form.initial["role"])
    data["action"] = action
    return data


class UploadPagesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        users = get_user_model().objects
        cls.staff = uploader()
        cls.reader = users.create_user("reader", password="pw-reader-1")
        cls.admin = users.create_superuser("boss", password="pw-boss-1")

    def setUp(self):
        self.client.force_login(self.staff)

    def upload(self, *files, **facts):
        return self.client.post(NEW, {"files": list(files), **facts})

    def upload_sample(self, path=BULLETS, **facts) -> Upload:
        response = self.upload(sample(path), **facts)
        upload = Upload.objects.get(file_name=path.name, status__in=["pending", "unchanged"])
        self.assertRedirects(response, upload.get_absolute_url())
        return upload


class AccessTests(UploadPagesTestCase):
    def test_anonymous_and_non_staff_get_the_admin_login_page(self):
        upload = self.upload_sample()
        pages = [NEW, upload.get_absolute_url(), reverse("uploads:original", args=[upload.pk])]
        for user in (None, self.reader):
            client = Client()
            if user is not None:
                client.force_login(user)
            for url in pages:
                with self.subTest(user=user, url=url):
                    response = client.get(url)
                    self.assertRedirects(response, f"{reverse('admin:login')}?next={url}")
                    response = client.post(url, {"action": "store"})
                    self.assertRedirects(response, f"{reverse('admin:login')}?next={url}")
        self.assertTrue(archive_is_empty())
        self.assertEqual(Upload.objects.get().status, "pending")

    def test_admin_index_links_to_the_upload_page(self):
        response = self.client.get(reverse("admin:index"))
        self.assertContains(response, f'<a href="{NEW}">Upload transcripts</a>', html=True)

    def test_csrf_is_enforced_on_upload_and_preview(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.staff)
        response = client.post(NEW, {"files": [sample(BULLETS)]})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Upload.objects.exists())

        client.get(NEW)  # sets the CSRF cookie
        token = client.cookies["csrftoken"].value
        response = client.post(NEW, {"files": [sample(BULLETS)], "csrfmiddlewaretoken": token})
        upload = Upload.objects.get()
        self.assertRedirects(response, upload.get_absolute_url())

        preview = client.get(upload.get_absolute_url())
        data = preview_data(preview, "store")
        self.assertEqual(client.post(upload.get_absolute_url(), data).status_code, 403)
        self.assertEqual(client.post(upload.get_absolute_url(), {"action": "cancel"}).status_code, 403)
        upload.refresh_from_db()
        self.assertEqual(upload.status, "pending")
        self.assertTrue(archive_is_empty())

        response = client.post(upload.get_absolute_url(), {**data, "csrfmiddlewaretoken": token})
        self.assertRedirects(response, upload.get_absolute_url())
        self.assertEqual(Call.objects.count(), 1)


class PreviewAndStoreTests(UploadPagesTestCase):
    def test_preview_shows_the_file_and_stores_nothing(self):
        upload = self.upload_sample(BILINGUAL)
        self.assertEqual(upload.status, "pending")
        self.assertEqual(upload.uploaded_by, self.staff)
        self.assertEqual(upload.content, BILINGUAL.read_bytes())
        self.assertEqual(len(upload.checksum), 64)

        response = self.client.get(upload.get_absolute_url())

        self.assertContains(response, "bilingual")
        self.assertContains(response, "Kestrel Semiconductor Q4 2022")
        self.assertContains(response, "46, of which 46 have a translation")
        self.assertContains(response, 'data-outcome="new"')
        self.assertContains(response, 'value="Unidentified Company Representative"')
        for questioner in ("Grant Whitaker", "Ines Carvalho", "Robert J. Ellison"):
            self.assertContains(response, f"<td>{questioner}</td>", html=True)
        self.assertContains(response, "Store the call")
        self.assertTrue(archive_is_empty())

    def test_warnings_are_listed_with_their_lines(self):
        text = BULLETS.read_text() + "\n  • Jane Doe - Analyst\n\n"  # a speaker with nothing to say
        response = self.upload(SimpleUploadedFile("odd.txt", text.encode()))
        upload = Upload.objects.get()
        self.assertRedirects(response, upload.get_absolute_url())
        self.assertTrue(upload.warnings)
        page = self.client.get(upload.get_absolute_url())
        for warning in upload.warnings:
            self.assertContains(page, escape(f"line {warning['line']}: {warning['message']}"))

    def test_confirm_stores_the_call_and_links_to_it(self):
        upload = self.upload_sample()
        preview = self.client.get(upload.get_absolute_url())

        response = self.client.post(upload.get_absolute_url(), preview_data(preview, "store"), follow=True)

        call = Call.objects.get()
        upload.refresh_from_db()
        self.assertEqual((upload.status, upload.call), ("stored", call))
        self.assertEqual(upload.call_label, "Northwind Optical Q3 2023")
        self.assertIsNotNone(upload.decided_at)
        self.assertEqual(call.checksum, upload.checksum)
        self.assertContains(response, f'href="{call.get_absolute_url()}"')
        self.assertContains(response, f'href="{call.exchanges.get(number=1).get_absolute_url()}"')
        self.assertEqual(self.client.get(call.get_absolute_url()).status_code, 200)

    def test_corrected_role_and_name_are_stored(self):
        upload = self.upload_sample(BILINGUAL)
        preview = self.client.get(upload.get_absolute_url())
        data = preview_data(
            preview,
            "refresh",
            roles={"Unidentified Company Representative": "unknown"},
            names={"Dana Whitfield": "Dana J. Whitfield"},
        )

        response = self.client.post(upload.get_absolute_url(), data, follow=True)

        self.assertTrue(archive_is_empty())  # updating the preview stores nothing
        self.assertContains(response, 'value="Dana J. Whitfield"')
        self.client.post(upload.get_absolute_url(), preview_data(response, "store"))
        call = Call.objects.get()
        unidentified = call.turns.filter(speaker_line="Unidentified Company Representative")
        self.assertTrue(unidentified.exists())
        self.assertEqual(set(unidentified.values_list("role", flat=True)), {"unknown"})
        self.assertEqual(
            set(Utterance.objects.filter(turn__in=unidentified).values_list("role", flat=True)), {"unknown"}
        )
        self.assertTrue(call.turns.filter(name="Dana J. Whitfield").exists())
        self.assertFalse(call.turns.filter(name="Dana Whitfield").exists())
        self.assertTrue(Speaker.objects.filter(name="Dana J. Whitfield").exists())
        upload.refresh_from_db()
        self.assertEqual(len(upload.corrections), 2)

    def test_corrected_period_is_stored(self):
        upload = self.upload_sample()
        preview = self.client.get(upload.get_absolute_url())
        self.client.post(upload.get_absolute_url(), preview_data(preview, "store", fiscal_year=2019))
        call = Call.objects.get()
        self.assertEqual(
            (call.company.name, call.fiscal_year, call.fiscal_quarter), ("Northwind Optical", 2019, 3)
        )

    def test_invalid_corrections_are_refused_and_nothing_is_stored(self):
        upload = self.upload_sample()
        preview = self.client.get(upload.get_absolute_url())
        response = self.client.post(
            upload.get_absolute_url(),
            preview_data(preview, "store", fiscal_quarter=5, names={"Daniel Strand": ""}),
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "errorlist", status_code=400)
        self.assertTrue(archive_is_empty())

    def test_cancel_stores_nothing(self):
        upload = self.upload_sample()
        response = self.client.post(upload.get_absolute_url(), {"action": "cancel"}, follow=True)
        upload.refresh_from_db()
        self.assertEqual(upload.status, "cancelled")
        self.assertContains(response, "cancelled; nothing was stored")
        self.assertTrue(archive_is_empty())
        # A cancelled upload cannot be stored afterwards.
        self.client.post(upload.get_absolute_url(), {"action": "store"})
        self.assertTrue(archive_is_empty())

    def test_the_same_file_again_is_unchanged(self):
        ingest(BULLETS)
        call = Call.objects.get()

        response = self.upload(sample(BULLETS))

        upload = Upload.objects.get()
        self.assertEqual((upload.status, upload.call), ("unchanged", call))
        page = self.client.get(response.url)
        self.assertContains(page, 'data-status="unchanged"')
        self.assertContains(page, f'href="{call.get_absolute_url()}"')
        self.assertEqual(Call.objects.get().pk, call.pk)

    def test_another_file_for_a_stored_period_shows_what_changes_and_replaces_it(self):
        ingest(BULLETS)
        old = Call.objects.get()
        text = BULLETS.read_text()
        cut = text.index("  • Operator", text.index("Marcus Hale"))  # before the third exchange
        changed = text[:cut] + text[text.index("  • Operator", cut + 1) :]
        self.upload(SimpleUploadedFile("northwind-revised.txt", changed.encode()))
        upload = Upload.objects.get()

        preview = self.client.get(upload.get_absolute_url())

        self.assertContains(preview, 'data-outcome="replace"')
        self.assertContains(preview, "Replace the stored call")
        self.assertContains(preview, "Exchanges removed: Julia Brandt")
        self.assertNotContains(preview, "Exchanges added")
        self.client.post(upload.get_absolute_url(), preview_data(preview, "store"))
        upload.refresh_from_db()
        self.assertEqual(upload.status, "replaced")
        new = Call.objects.get()
        self.assertNotEqual(new.pk, old.pk)
        self.assertEqual(new.get_absolute_url(), old.get_absolute_url())
        self.assertEqual(new.exchanges.count(), 2)

    def test_a_call_stored_since_the_preview_is_not_replaced_unseen(self):
        upload = self.upload_sample()
        preview = self.client.get(upload.get_absolute_url())
        ingest(BULLETS, company="Northwind Optical", year=2023, quarter=3)  # someone else, meanwhile
        stored = Call.objects.get()

        response = self.client.post(upload.get_absolute_url(), preview_data(preview, "store"), follow=True)

        self.assertContains(response, "has changed since the preview")
        self.assertEqual(Call.objects.get().pk, stored.pk)
        upload.refresh_from_db()
        self.assertEqual(upload.status, "pending")

    def test_several_files_at_once(self):
        response = self.upload(sample(BULLETS), sample(BILINGUAL), SimpleUploadedFile("x.bin", b"\x00\x01"))
        uploads = Upload.objects.order_by("pk")
        batch = reverse("uploads:batch", args=[uploads[0].batch])
        self.assertRedirects(response, batch, fetch_redirect_response=False)
        self.assertEqual([u.status for u in uploads], ["pending", "pending", "failed"])
        page = self.client.get(batch)
        self.assertContains(page, "“x.bin”: the file looks binary")  # the message
        self.assertContains(page, f'href="{uploads[0].get_absolute_url()}"')
        self.assertTrue(archive_is_empty())


class BadFileTests(UploadPagesTestCase):
    def assert_refused(self, response, file_name: str, message: str):
        upload = Upload.objects.get(file_name=file_name)
        self.assertEqual(upload.status, "failed")
        self.assertIn(message, upload.error)
        self.assertRedirects(response, upload.get_absolute_url(), fetch_redirect_response=False)
        page = self.client.get(upload.get_absolute_url())
        self.assertContains(page, escape(f"“{file_name}”: {upload.error}. Nothing was stored."))  # message
        self.assertContains(page, escape(f"{file_name}: {upload.error}. Nothing was stored."))  # record
        self.assertNotContains(page, "Store the call")
        self.assertTrue(archive_is_empty())

    def test_binary_file(self):
        data = bytes(range(256)) * 8
        response = self.upload(SimpleUploadedFile("photo.jpg", data))
        self.assert_refused(response, "photo.jpg", "looks binary")
        self.assertEqual(Upload.objects.get().content, data)  # kept as it came

    def test_empty_file(self):
        self.assert_refused(self.upload(SimpleUploadedFile("empty.txt", b"")), "empty.txt", "empty")

    def test_no_speaker_lines(self):
        text = b"Just a note.\nNothing here looks like a speaker.\n"
        response = self.upload(SimpleUploadedFile("note.txt", text))
        self.assertRedirects(response, Upload.objects.get().get_absolute_url())
        self.assertEqual(Upload.objects.get().status, "failed")
        self.assertTrue(archive_is_empty())

    @override_settings(TRANSCRIPT_MAX_BYTES=1000)
    def test_oversize_file_is_not_kept(self):
        response = self.upload(sample(BULLETS))
        self.assert_refused(response, BULLETS.name, "over the limit of 1,000 bytes")
        self.assertEqual(Upload.objects.get().content, b"")

    def test_unknown_company_and_period_needs_the_fields(self):
        response = self.upload(SimpleUploadedFile("plain.txt", NO_COMPANY))
        self.assert_refused(response, "plain.txt", "company and fiscal year and fiscal quarter")
        self.assertIn("Company, Fiscal year and Quarter in the upload form", Upload.objects.get().error)

        response = self.upload(
            SimpleUploadedFile("plain.txt", NO_COMPANY),
            company="Example Corp",
            fiscal_year=2020,
            fiscal_quarter=1,
        )
        upload = Upload.objects.get(status="pending")
        self.assertEqual(upload.call_label, "Example Q1 2020")  # the name as filed, legal form dropped

    @override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=2)
    def test_too_many_files(self):
        files = [SimpleUploadedFile(f"f{i}.txt", b"x") for i in range(3)]
        response = self.upload(*files)
        self.assertContains(response, "Too many files: at most 2 can be uploaded at once.", status_code=400)
        self.assertFalse(Upload.objects.exists())

    def test_no_file(self):
        response = self.client.post(NEW, {})
        self.assertContains(response, "This field is required", status_code=400)


class DatabaseErrorTests(UploadPagesTestCase):
    def test_a_database_error_while_storing_leaves_no_partial_call(self):
        upload = self.upload_sample(BILINGUAL)
        preview = self.client.get(upload.get_absolute_url())

        # The call and its turns are written by then; the paragraphs are refused.
        with paragraphs_refused("disk full"):
            response = self.client.post(
                upload.get_absolute_url(), preview_data(preview, "store"), follow=True
            )

        self.assertTrue(archive_is_empty())
        upload.refresh_from_db()
        self.assertEqual(upload.status, "failed")
        self.assertIn("disk full", upload.error)
        self.assertContains(response, "nothing was stored, the database refused the call")


class AdminRecordTests(UploadPagesTestCase):
    def test_every_upload_is_visible_read_only_in_the_admin(self):
        upload = self.upload_sample()
        self.upload(SimpleUploadedFile("broken.bin", b"\x00" * 10))
        self.client.force_login(self.admin)

        changelist = self.client.get(reverse("admin:uploads_upload_changelist"))
        self.assertContains(changelist, BULLETS.name)
        self.assertContains(changelist, "broken.bin")
        self.assertNotContains(changelist, reverse("admin:uploads_upload_add"))
        record = self.client.get(reverse("admin:uploads_upload_change", args=[upload.pk]))
        self.assertContains(record, upload.checksum)
        self.assertNotContains(record, 'type="submit" value="Save"')
        original = self.client.get(reverse("uploads:original", args=[upload.pk]))
        self.assertEqual(original.content, BULLETS.read_bytes())
        self.assertIn("attachment", original["Content-Disposition"])

    def test_deleting_a_call_asks_first_and_keeps_its_uploads(self):
        upload = self.upload_sample()
        self.client.post(
            upload.get_absolute_url(), preview_data(self.client.get(upload.get_absolute_url()), "store")
        )
        call = Call.objects.get()
        self.client.force_login(self.admin)
        url = reverse("admin:calls_call_delete", args=[call.pk])

        confirm = self.client.get(url)

        self.assertContains(confirm, "Are you sure")
        self.assertTrue(Call.objects.exists())
        self.client.post(url, {"post": "yes"})
        self.assertFalse(Call.objects.exists())
        self.assertFalse(Turn.objects.exists() or Utterance.objects.exists())
        upload.refresh_from_db()
        self.assertEqual(
            (upload.status, upload.call, upload.call_label), ("stored", None, "Northwind Optical Q3 2023")
        )


class CorrectionsOfAStoredFileTests(UploadPagesTestCase):
    """The very file already stored, corrected in its preview: the corrections are stored."""

    REPRESENTATIVE = "Unidentified Company Representative"

    def pending_while_stored(self) -> tuple[Upload, object]:
        """An upload of BILINGUAL left pending while the same file is imported, and its preview."""
        upload = self.upload_sample(BILINGUAL)
        ingest(BILINGUAL)  # someone else, meanwhile
        preview = self.client.get(upload.get_absolute_url())
        self.assertContains(preview, 'data-outcome="unchanged"')
        self.assertNotContains(preview, 'value="store"')
        return upload, preview

    def roles_on_the_call_page(self) -> set[str]:
        """The roles of the representative's turns as the call's page shows them (its turn headings)."""
        page = self.client.get(Call.objects.get().get_absolute_url()).content.decode()
        headings = re.findall(r'<h3 class="speaker">(.*?)</h3>', page, flags=re.DOTALL)
        turns = [heading for heading in headings if self.REPRESENTATIVE in heading]
        self.assertTrue(turns)
        return {re.search(r'data-role="([^"]+)"', turn)[1] for turn in turns}

    def test_a_corrected_role_and_name_are_stored(self):
        upload, preview = self.pending_while_stored()
        old = Call.objects.get()
        self.assertEqual(self.roles_on_the_call_page(), {"executive"})  # as parsed
        data = preview_data(
            preview,
            "refresh",
            roles={self.REPRESENTATIVE: "unknown"},
            names={"Dana Whitfield": "Dana J. Whitfield"},
        )

        response = self.client.post(upload.get_absolute_url(), data, follow=True)

        self.assertContains(response, 'data-outcome="corrections"')
        self.assertContains(response, "Store the corrections")
        self.client.post(upload.get_absolute_url(), preview_data(response, "store"))
        upload.refresh_from_db()
        self.assertEqual(upload.status, "replaced")
        call = Call.objects.get()
        self.assertEqual(call.get_absolute_url(), old.get_absolute_url())
        self.assertEqual(self.roles_on_the_call_page(), {"unknown"})
        self.assertEqual(
            set(call.utterances.filter(turn__name=self.REPRESENTATIVE).values_list("role", flat=True)),
            {"unknown"},
        )
        self.assertTrue(call.turns.filter(name="Dana J. Whitfield").exists())
        self.assertFalse(call.turns.filter(name="Dana Whitfield").exists())

        # The same file again is the file as stored, with its corrections: unchanged, nothing undone.
        self.upload(sample(BILINGUAL))
        again = Upload.objects.latest("pk")
        self.assertEqual((again.status, again.call), ("unchanged", call))
        self.assertEqual(len(again.corrections), 2)
        self.assertEqual(Call.objects.get().pk, call.pk)
        self.assertEqual(self.roles_on_the_call_page(), {"unknown"})

    def test_without_corrections_it_is_still_unchanged(self):
        upload, preview = self.pending_while_stored()
        stored, roles = Call.objects.get(), self.roles_on_the_call_page()

        response = self.client.post(upload.get_absolute_url(), preview_data(preview, "store"), follow=True)

        self.assertContains(response, "unchanged.")
        upload.refresh_from_db()
        self.assertEqual((upload.status, upload.call), ("unchanged", stored))
        self.assertEqual(Call.objects.get().pk, stored.pk)
        self.assertEqual(self.roles_on_the_call_page(), roles)

    def test_a_correction_undone_in_the_preview_is_unchanged_again(self):
        upload, preview = self.pending_while_stored()
        url = upload.get_absolute_url()
        (role,) = self.roles_on_the_call_page()
        corrected = self.client.post(
            url, preview_data(preview, "refresh", roles={self.REPRESENTATIVE: "unknown"}), follow=True
        )
        self.assertContains(corrected, 'data-outcome="corrections"')
        undone = self.client.post(
            url, preview_data(corrected, "refresh", roles={self.REPRESENTATIVE: role}), follow=True
        )
        self.assertContains(undone, 'data-outcome="unchanged"')
        upload.refresh_from_db()
        self.assertEqual(upload.corrections, [])
