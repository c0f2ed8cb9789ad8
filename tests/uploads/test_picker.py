"""The translation upload's call picker: what typed text means, the suggestions endpoint, the form field."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calls.models import Call, Company
from tests.uploads.people import uploader
from uploads.forms import TranslationForm
from uploads.picker import Wanted, call_for_text, calls_matching, wanted

CHOICES = reverse("uploads:call_choices")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("allot 2013-q1", Wanted(["allot"], 2013, 1)),
        ("Allot 2013 Q1", Wanted(["allot"], 2013, 1)),
        ("allot q1 2013", Wanted(["allot"], 2013, 1)),
        ("allot Q1-2013", Wanted(["allot"], 2013, 1)),
        ("allot 1Q13", Wanted(["allot"], 2013, 1)),
        ("allot FY2013 Q4", Wanted(["allot"], 2013, 4)),
        ("allot 2013", Wanted(["allot"], 2013, None)),
        ("Allot · Q1 2013", Wanted(["allot"], 2013, 1)),  # the label the suggestions show
        ("northwind optical", Wanted(["northwind", "optical"], None, None)),
        ("/calls/northwind-optical/2024-q1/", Wanted(["northwind-optical"], 2024, 1)),
        ("http://host/calls/allot/2013-q1/qa/2/", Wanted(["allot"], 2013, 1)),
        ("2013", Wanted([], 2013, None)),
        ("   ", Wanted([], None, None)),
        ("a b c d e f g h", Wanted(["a", "b", "c", "d", "e", "f"], None, None)),  # words are bounded
    ],
)
def test_what_typed_text_asks_for(text, expected):
    assert wanted(text) == expected


def make_call(company: Company, year: int, quarter: int) -> Call:
    return Call.objects.create(
        company=company,
        fiscal_year=year,
        fiscal_quarter=quarter,
        source_name=f"{company.slug}-{year}-q{quarter}.txt",
        checksum=f"{company.slug}{year}{quarter}",
    )


class PickerTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.allot = Company.objects.create(name="Allot", slug="allot", ticker="ALLT", aliases=["allot-old"])
        cls.northwind = Company.objects.create(
            name="Northwind Optical", slug="northwind-optical", ticker="NWO"
        )
        cls.allotment = Company.objects.create(name="Allotment Homes", slug="allotment-homes")
        cls.calls = {
            (company.slug, year, quarter): make_call(company, year, quarter)
            for company, year, quarter in [
                (cls.allot, 2013, 1),
                (cls.allot, 2013, 2),
                (cls.allot, 2023, 2),
                (cls.northwind, 2023, 3),
                (cls.northwind, 2024, 1),
                (cls.allotment, 2013, 1),
            ]
        }
        cls.staff = uploader()

    def call(self, slug, year, quarter) -> Call:
        return self.calls[(slug, year, quarter)]


class MatchingTests(PickerTestCase):
    def labels(self, text):
        return [f"{call.company.slug} {call.period}" for call in calls_matching(text)]

    def test_company_words_match_the_start_of_the_name_a_later_word_the_slug_or_the_ticker(self):
        self.assertEqual(self.labels("northwind"), ["northwind-optical 2024-q1", "northwind-optical 2023-q3"])
        self.assertEqual(self.labels("optical"), ["northwind-optical 2024-q1", "northwind-optical 2023-q3"])
        self.assertEqual(self.labels("NWO 2023"), ["northwind-optical 2023-q3"])
        self.assertEqual(
            self.labels("northwind-opt"), ["northwind-optical 2024-q1", "northwind-optical 2023-q3"]
        )
        # Never inside a word: "wind" is not Northwind.
        self.assertEqual(self.labels("wind"), [])

    def test_the_period_narrows_and_companies_come_by_name_then_newest_first(self):
        self.assertEqual(
            self.labels("allot 2013"), ["allot 2013-q2", "allot 2013-q1", "allotment-homes 2013-q1"]
        )
        self.assertEqual(self.labels("allot q1 2013"), ["allot 2013-q1", "allotment-homes 2013-q1"])
        self.assertEqual(self.labels("2013 q1"), ["allot 2013-q1", "allotment-homes 2013-q1"])

    def test_nothing_typed_suggests_the_latest_calls(self):
        self.assertEqual(self.labels("")[:2], ["northwind-optical 2024-q1", "northwind-optical 2023-q3"])

    def test_hostile_text_matches_nothing_and_breaks_nothing(self):
        for text in ["%", "_", "' OR 1=1 --", "\\", "<script>", "x" * 10_000]:
            with self.subTest(text=text[:20]):
                self.assertEqual(calls_matching(text), [])


class ResolvingTests(PickerTestCase):
    def resolved(self, text):
        return call_for_text(text).call

    def test_the_slug_and_period_name_one_call_even_where_a_prefix_fits_more_companies(self):
        # "allot" starts "Allotment Homes" too; as the slug of a call's address it is exact.
        self.assertEqual(self.resolved("allot 2013-q1"), self.call("allot", 2013, 1))
        self.assertEqual(self.resolved("/calls/allot/2013-q1/"), self.call("allot", 2013, 1))

    def test_an_id_an_old_slug_and_any_text_only_one_call_fits_are_accepted(self):
        target = self.call("northwind-optical", 2024, 1)
        self.assertEqual(self.resolved(str(target.pk)), target)
        self.assertEqual(self.resolved("Northwind Optical · Q1 2024"), target)
        self.assertEqual(self.resolved("nwo 2024"), target)
        self.assertEqual(self.resolved("allot-old 2023-q2"), self.call("allot", 2023, 2))

    def test_the_form_says_which_calls_an_ambiguous_text_could_mean(self):
        form = TranslationForm({"call": "allot 2013"}, {"file": SimpleUploadedFile("zh.txt", b"x")})
        self.assertFalse(form.is_valid())
        [message] = form.errors["call"]
        self.assertIn(
            "“allot 2013” matches several calls (Allot · Q2 2013; Allot · Q1 2013; Allotment", message
        )
        self.assertIn("add the period, e.g. allot 2013-q2", message)

    def test_the_form_says_when_no_call_matches(self):
        form = TranslationForm({"call": "zephyr 2019"}, {"file": SimpleUploadedFile("zh.txt", b"x")})
        self.assertFalse(form.is_valid())
        self.assertEqual(
            form.errors["call"],
            ["No stored call matches “zephyr 2019”. Type the company and the period, e.g. allot 2013-q1."],
        )

    def test_the_page_without_javascript_takes_the_typed_call(self):
        client = Client()
        client.force_login(self.staff)
        response = client.post(
            reverse("uploads:translation"),
            {"call": "allot 2013", "file": SimpleUploadedFile("zh.txt", "譯文。".encode())},
        )
        self.assertContains(response, "matches several calls", status_code=400)
        # What was typed stays in the field, to be completed.
        self.assertContains(response, 'value="allot 2013"', status_code=400)


class EndpointTests(PickerTestCase):
    def test_staff_who_may_upload_get_up_to_twenty_suggestions_in_one_query(self):
        many = Company.objects.create(name="Many Calls", slug="many-calls")
        for year in range(2000, 2007):
            for quarter in (1, 2, 3, 4):
                make_call(many, year, quarter)
        client = Client()
        client.force_login(self.staff)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CHOICES, {"q": "many"})
        self.assertEqual(response.status_code, 200)
        # The session, the user, their permissions (two) and one for the calls with their company.
        self.assertEqual(len(queries), 5, [q["sql"] for q in queries])
        self.assertIn("LIMIT 21", queries[-1]["sql"])
        data = response.json()
        self.assertEqual(len(data["results"]), 20)
        self.assertTrue(data["more"])
        self.assertEqual(
            data["results"][0],
            {"value": "many-calls 2006-q4", "label": "Many Calls · Q4 2006", "held_on": None,
             "url": "/calls/many-calls/2006-q4/"},
        )  # fmt: skip
        self.assertFalse(client.get(CHOICES, {"q": "allot 2023"}).json()["more"])

    def test_the_labels_speak_the_interface_language(self):
        client = Client()
        client.force_login(self.staff)
        response = client.get(CHOICES, {"q": "nwo 2024"}, HTTP_ACCEPT_LANGUAGE="zh-TW")
        [result] = response.json()["results"]
        self.assertEqual(result["value"], "northwind-optical 2024-q1")
        self.assertNotIn("Q1 2024", result["label"])

    def test_others_get_nothing(self):
        reader = get_user_model().objects.create_user("staff-reader", password="pw-1", is_staff=True)
        anonymous, staff_without = Client(), Client()
        staff_without.force_login(reader)
        self.assertEqual(anonymous.get(CHOICES, {"q": "allot"}).status_code, 302)
        self.assertEqual(staff_without.get(CHOICES, {"q": "allot"}).status_code, 403)
