"""The import's refusals told in the upload form's terms. No database."""

from django.test import SimpleTestCase
from django.utils import translation

from calls.parsing import TranscriptError
from uploads.services import refusal_needs, web_message


class NeedsFacts(TranscriptError):
    """A refusal that says in fields what it lacks (the shape calls is asked to give its refusals)."""

    def __init__(self, problem: str, needs: tuple[str, ...]):
        super().__init__(f"{problem}give them on the command line")
        self.problem, self.needs = problem, needs


class RefusalTests(SimpleTestCase):
    def test_the_command_line_hints_become_the_forms_fields(self):
        cases = {
            "could not determine the company and fiscal year from the file; "
            "give them with --company, --year and --quarter": (
                "could not determine the company and fiscal year from the file; "
                "fill in Company, Fiscal year and Quarter in the upload form and upload it again"
            ),
            "the file name says Q1 2021 but the text says Q1 2020; "
            "give the period with --year and --quarter": (
                "the file name says Q1 2021 but the text says Q1 2020; "
                "fill in Fiscal year and Quarter in the upload form and upload it again"
            ),
            "“Acme” could be Acme (ACME) or Acme (ACMX): give the ticker with --ticker": (
                "“Acme” could be Acme (ACME) or Acme (ACMX): "
                "fill in Ticker in the upload form and upload it again"
            ),
        }
        for message, expected in cases.items():
            with self.subTest(message=message):
                self.assertEqual(web_message(TranscriptError(message)), expected)

    def test_a_refusal_without_a_hint_is_told_as_it_is(self):
        for message in ("the file looks binary", "the ticker is odd: give it with --frobnicate"):
            with self.subTest(message=message):
                self.assertEqual(refusal_needs(TranscriptError(message)), (message, ()))
                self.assertEqual(web_message(TranscriptError(message)), message)

    def test_a_structured_refusal_is_worded_from_its_fields_not_its_message(self):
        error = NeedsFacts("the file names no company: ", ("company", "ticker"))
        self.assertEqual(
            web_message(error),
            "the file names no company: fill in Company and Ticker in the upload form and upload it again",
        )

    def test_the_fields_are_named_in_english_like_the_rest_of_the_message(self):
        with translation.override("zh-hant"):
            message = web_message(TranscriptError("no period; give the period with --year and --quarter"))
        self.assertIn("fill in Fiscal year and Quarter", message)
