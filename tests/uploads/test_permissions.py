"""Who may use each upload page: uploads.add_upload to upload, uploads.view_upload to see others'.

Another's upload answers 404 to someone who may not see it, as an upload that does not exist
would: upload ids run in sequence, and a 403 would tell which exist.
"""

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from calls.models import Call
from tests.archive import SAMPLES, ingest
from tests.uploads.people import staff_with, uploader
from tests.uploads.test_views import BULLETS, preview_data, sample
from uploads.models import Upload

NEW = reverse("uploads:new")
TRANSLATION = reverse("uploads:translation")
LINES = SAMPLES / "northwind-optical-2024-q1-lines.txt"


class PermissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        users = get_user_model().objects
        cls.owner = uploader("owner")
        cls.other = uploader("other")
        cls.viewer = staff_with("viewer", "add_upload", "view_upload")
        cls.bare_staff = users.create_user("bare", password="pw-bare-1", is_staff=True)
        cls.boss = users.create_superuser("boss", password="pw-boss-1")
        ingest(LINES)
        cls.call = Call.objects.get()

    def setUp(self):
        owner = self.client_for(self.owner)
        owner.post(NEW, {"files": [sample(BULLETS)]})
        self.upload = Upload.objects.get(kind="transcript")
        lines = "\n\n".join(f"第 {n} 段譯文。" for n in range(1, self.call.utterances.count() + 1))
        owner.post(TRANSLATION, {"call": self.call.pk, "file": SimpleUploadedFile("zh.txt", lines.encode())})
        self.translation = Upload.objects.get(kind="translation")

    def client_for(self, user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    def requests(self) -> list[tuple[str, str, dict | None]]:
        """(method, url, data) for every upload page, on the owner's uploads."""
        upload, translation = self.upload, self.translation
        return [
            ("get", NEW, None),
            ("post", NEW, {"files": [sample(BULLETS)]}),
            ("get", reverse("uploads:batch", args=[upload.batch]), None),
            ("get", upload.get_absolute_url(), None),
            ("post", upload.get_absolute_url(), {"action": "store"}),
            ("post", upload.get_absolute_url(), {"action": "cancel"}),
            ("get", reverse("uploads:original", args=[upload.pk]), None),
            ("get", TRANSLATION, None),
            ("post", TRANSLATION, {"call": self.call.pk, "file": SimpleUploadedFile("zh.txt", b"x")}),
            ("get", translation.get_absolute_url(), None),
            ("post", translation.get_absolute_url(), {"action": "store", "expect": "x"}),
            ("get", reverse("uploads:original", args=[translation.pk]), None),
        ]

    def assert_nothing_changed(self):
        self.assertEqual(Upload.objects.count(), 2)
        self.assertEqual(set(Upload.objects.values_list("status", flat=True)), {"pending"})
        self.assertEqual(Call.objects.count(), 1)

    def test_anonymous_users_get_the_login_page(self):
        client = self.client_for(None)
        for method, url, data in self.requests():
            with self.subTest(method=method, url=url):
                response = getattr(client, method)(url, data)
                self.assertRedirects(response, f"{reverse('admin:login')}?next={url}")
        self.assert_nothing_changed()

    def test_staff_without_add_upload_are_refused(self):
        client = self.client_for(self.bare_staff)
        for method, url, data in self.requests():
            with self.subTest(method=method, url=url):
                self.assertEqual(getattr(client, method)(url, data).status_code, 403)
        self.assert_nothing_changed()

    def test_an_uploader_cannot_see_or_touch_another_ones_uploads(self):
        client = self.client_for(self.other)
        for upload in (self.upload, self.translation):
            url = upload.get_absolute_url()
            with self.subTest(upload=upload.kind):
                self.assertEqual(client.get(url).status_code, 404)
                self.assertEqual(client.post(url, {"action": "store", "expect": "new"}).status_code, 404)
                self.assertEqual(client.post(url, {"action": "cancel"}).status_code, 404)
                original = reverse("uploads:original", args=[upload.pk])
                self.assertEqual(client.get(original).status_code, 404)
        # The same answer as for an upload that does not exist.
        self.assertEqual(
            client.get(reverse("uploads:preview", args=[self.translation.pk + 100])).status_code, 404
        )
        # Another's batch is as good as no batch: back to the upload page, naming nothing of it.
        batch = client.get(reverse("uploads:batch", args=[self.upload.batch]))
        self.assertRedirects(batch, NEW)
        self.assertNotContains(client.get(NEW), BULLETS.name)  # not among the recent uploads
        self.assertNotContains(client.get(TRANSLATION), "zh.txt")
        self.assert_nothing_changed()

    def test_an_uploader_sees_and_stores_their_own(self):
        client = self.client_for(self.owner)
        preview = client.get(self.upload.get_absolute_url())
        self.assertEqual(preview.status_code, 200)
        self.assertContains(client.get(NEW), BULLETS.name)
        self.assertEqual(
            client.get(reverse("uploads:original", args=[self.upload.pk])).content, BULLETS.read_bytes()
        )
        client.post(self.upload.get_absolute_url(), preview_data(preview, "store"))
        self.upload.refresh_from_db()
        self.assertEqual(self.upload.status, "stored")

    def test_view_upload_and_superusers_see_and_store_everyones(self):
        for user in (self.viewer, self.boss):
            client = self.client_for(user)
            with self.subTest(user=user.username):
                for method, url, data in self.requests():
                    if method == "get":
                        self.assertEqual(getattr(client, method)(url, data).status_code, 200, url)
                self.assertContains(client.get(NEW), BULLETS.name)
        client = self.client_for(self.viewer)
        preview = client.get(self.upload.get_absolute_url())
        client.post(self.upload.get_absolute_url(), preview_data(preview, "store"))
        self.upload.refresh_from_db()
        self.assertEqual((self.upload.status, self.upload.uploaded_by), ("stored", self.owner))

    def test_a_superuser_stores_anothers_translation(self):
        client = self.client_for(self.boss)
        url = self.translation.get_absolute_url()
        expect = client.get(url).context["form"].initial["expect"]
        client.post(url, {"action": "store", "expect": expect})
        self.translation.refresh_from_db()
        self.assertEqual(self.translation.status, "stored")

    def test_the_admin_list_follows_the_same_rule(self):
        changelist = reverse("admin:uploads_upload_changelist")
        self.assertEqual(self.client_for(self.bare_staff).get(changelist).status_code, 403)
        own = self.client_for(self.owner).get(changelist)
        self.assertContains(own, BULLETS.name)
        other = self.client_for(self.other).get(changelist)
        self.assertEqual(other.status_code, 200)
        self.assertNotContains(other, BULLETS.name)
        record = reverse("admin:uploads_upload_change", args=[self.upload.pk])
        self.assertEqual(self.client_for(self.owner).get(record).status_code, 200)
        self.assertNotContains(self.client_for(self.other).get(record, follow=True), self.upload.checksum)
        self.assertContains(self.client_for(self.viewer).get(changelist), BULLETS.name)
