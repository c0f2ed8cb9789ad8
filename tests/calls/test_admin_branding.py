"""The admin says it is Callvault's, in its header, its page titles and its index heading."""

from django.contrib.auth import get_user_model
from django.test import TestCase


class AdminBrandingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")

    def test_the_admin_index_is_branded_callvault(self):
        self.client.force_login(self.staff)
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn('<a href="/admin/">Callvault administration</a>', page)
        self.assertIn("<title>Transcripts, speakers and uploads | Callvault admin</title>", page)
        self.assertIn("<h1>Transcripts, speakers and uploads</h1>", page)
        self.assertNotIn("Django administration", page)

    def test_the_login_page_is_branded_too(self):
        page = self.client.get("/admin/login/").content.decode()
        self.assertIn("Callvault administration", page)
        self.assertIn("Callvault admin</title>", page)
