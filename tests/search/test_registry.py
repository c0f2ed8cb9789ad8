"""The facet registry is the one list of facets: filters, counts, tallies and the API follow it."""

from django.db.models import Sum
from django.http import QueryDict
from django.test import TestCase

from calls.models import Utterance
from calls.text import MAX_QUERY_CHARS, trimmed_query
from search.filters import DATE_FILTERS, UtteranceFilter
from search.models import UtteranceTally
from search.registry import FACETS, LANGUAGE, TALLY_COLUMNS
from tests.archive import import_archive


def filterset(query: str) -> UtteranceFilter:
    filters = UtteranceFilter(QueryDict(query))
    filters.form.is_valid()
    return filters


def tallied(queryset) -> int:
    return queryset.aggregate(n=Sum("utterances"))["n"] or 0


class RegistryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()

    def test_every_facet_is_a_column_of_the_paragraphs_and_of_the_tallies(self):
        for model in (Utterance, UtteranceTally):
            columns = {field.attname for field in model._meta.concrete_fields}
            self.assertLessEqual(set(TALLY_COLUMNS), columns, model)
        self.assertEqual(TALLY_COLUMNS, tuple(facet.column for facet in FACETS))

    def test_the_filter_set_and_the_api_have_the_registry_s_facets_in_its_order(self):
        names = [facet.name for facet in FACETS]
        # The facets, then the date range (a filter of the set, not a facet: it has no counts).
        self.assertEqual(list(UtteranceFilter.base_filters), [*names, *DATE_FILTERS])
        data = self.client.get("/api/search/", {"q": "revenue"}).json()
        self.assertEqual(list(data["facets"]), [*names, LANGUAGE.name])
        self.assertEqual(list(self.client.get("/api/search/").json()["facets"]), names)

    def test_all_filters_but_one_narrow_paragraphs_and_tallies_alike(self):
        filters = filterset("company=allot&role=analyst&year=2013&year=2023")
        both = Utterance.objects.filter(company__slug="allot", role="analyst", fiscal_year__in=[2013, 2023])
        self.assertGreater(both.count(), 0)
        self.assertEqual(set(filters.qs), set(both))
        self.assertEqual(tallied(filters.filter_queryset(UtteranceTally.objects.all())), both.count())
        but_role = Utterance.objects.filter(company__slug="allot", fiscal_year__in=[2013, 2023])
        self.assertEqual(
            filters.filter_queryset(Utterance.objects.all(), skip="role").count(), but_role.count()
        )
        self.assertEqual(
            tallied(filters.filter_queryset(UtteranceTally.objects.all(), skip="role")), but_role.count()
        )
        self.assertGreater(but_role.count(), both.count())

    def test_a_facet_of_only_unknown_values_matches_nothing_unless_it_is_the_one_left_out(self):
        filters = filterset("company=nosuch&role=analyst")
        self.assertEqual(filters.form.rejected, {"company": ["nosuch"]})
        self.assertEqual(filters.selections()["company"], ["<nothing>"])
        self.assertFalse(filters.qs.exists())
        self.assertFalse(filters.filter_queryset(UtteranceTally.objects.all(), skip="role").exists())
        self.assertEqual(
            filters.filter_queryset(Utterance.objects.all(), skip="company").count(),
            Utterance.objects.filter(role="analyst").count(),
        )

    def test_facet_labels_come_from_the_registry(self):
        data = self.client.get("/api/search/", {"q": "revenue"}).json()
        quarters = {v["value"]: v["label"] for v in data["facets"]["quarter"]}
        self.assertEqual(quarters["1"], "Q1")
        self.assertEqual({v["value"]: v["label"] for v in data["facets"]["section"]}["qa"], "Q&A")
        years = [v["value"] for v in data["facets"]["year"]]
        self.assertGreater(len(years), 2)
        self.assertEqual(years, sorted(years, reverse=True))  # every year, newest first
        self.assertEqual(list(quarters), sorted(quarters))
        allot = [v for v in data["facets"]["company"] if v["value"] == "allot"]
        self.assertEqual(allot[0]["label"], "Allot")


def test_the_query_is_trimmed_before_it_is_cut():
    # Spaces around the query never take the place of its letters, and a cut leaves no space at the end.
    words = "margin " * 40
    assert trimmed_query("   " + words) == words[:MAX_QUERY_CHARS].rstrip()
    assert trimmed_query("  gross margin \n") == "gross margin"
    assert len(trimmed_query("x" * 500)) == MAX_QUERY_CHARS
    assert trimmed_query(" " * 300) == ""
