"""Staff upload the formats the parser reads, not only text: the picker offers them, the preview
reads them."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from calls.models import Call
from tests.uploads.people import uploader
from tests.uploads.test_views import preview_data
from uploads.models import Upload

XML_CALL = """<?xml version="1.0" encoding="UTF-8"?>
<transcript company="Zephyr Mining Ltd" ticker="ZMN" quarter="3" year="2021">
  <section name="Presentation">
    <turn speaker="Operator">Welcome to the Zephyr Mining third quarter 2021 call.</turn>
    <turn speaker="Ann Roe" title="Chief Executive Officer">Output rose and costs fell.</turn>
  </section>
  <section name="Question and Answer">
    <turn speaker="Operator">The first question is from Sam Lee of Calder Partners.</turn>
    <turn speaker="Sam Lee">What about the smelter?</turn>
    <turn speaker="Ann Roe" title="Chief Executive Officer">It restarts in January.</turn>
  </section>
</transcript>
"""


class UploadFormatsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = uploader()

    def setUp(self):
        self.client.force_login(self.staff)

    def test_the_picker_offers_every_format_the_parser_reads(self):
        page = self.client.get(reverse("uploads:new")).content.decode()
        accept = page.split('accept="', 1)[1].split('"', 1)[0]
        for kind in (".txt", ".json", ".jsonl", ".csv", ".md", ".xml", ".html", ".vtt", ".srt"):
            self.assertIn(kind, accept.split(","))

    def test_an_xml_transcript_is_previewed_and_stored(self):
        upload_file = SimpleUploadedFile("zephyr.xml", XML_CALL.encode(), content_type="application/xml")
        self.client.post(reverse("uploads:new"), {"files": [upload_file]})
        upload = Upload.objects.get()
        preview = self.client.get(upload.get_absolute_url())
        self.assertContains(preview, "Zephyr Mining")
        self.assertContains(preview, "Sam Lee")
        self.client.post(upload.get_absolute_url(), preview_data(preview, "store"))
        call = Call.objects.get()
        placed = (call.company.name, call.fiscal_year, call.fiscal_quarter)
        self.assertEqual(placed, ("Zephyr Mining", 2021, 3))
        self.assertEqual(call.turns.filter(speaker__name="Sam Lee", role="analyst").count(), 1)
