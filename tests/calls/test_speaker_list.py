"""The speakers list reads as a list of people does: by family name."""

import re

from django.test import TestCase

from calls.models import Speaker
from tests.archive import import_archive


def names_on(page: str) -> list[str]:
    rows = page.split('<table class="list" data-group="speakers">')[1].split("</table>")[0]
    return re.findall(r'<tr><td><a href="/speakers/[^"]+/">([^<]+)</a>', rows)


class SpeakerListOrderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()

    def test_speakers_are_listed_by_family_name(self):
        listed = names_on(self.client.get("/speakers/").content.decode())
        self.assertGreater(len(listed), 5)
        expected = list(Speaker.objects.by_family_name().values_list("name", flat=True))
        self.assertEqual(listed, expected[: len(listed)])
        # Not the given names' order: the samples have people whose first names and family names
        # sort differently, so the test tells the two orders apart.
        by_name = list(Speaker.objects.order_by("name", "firm").values_list("name", flat=True))
        self.assertNotEqual(listed, by_name[: len(listed)])

    def test_family_name_order_holds_within_a_filter(self):
        response = self.client.get("/speakers/", {"role": "analyst"})
        families = [speaker.family_name for speaker in response.context["page"]]
        self.assertGreater(len(families), 1)
        self.assertEqual(families, sorted(families))
