"""The search parameters, validated by django-filter (STYLE.md: validate with forms or FilterSets)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import Company, Role, Section, Speaker, Utterance

MAX_QUERY_CHARS = 200  # longer queries are cut here (documented in README.md)


class SetsAsideUnknownValues:
    """A multiple-value field that keeps its valid values and sets the others aside in `rejected`.

    One unknown value used to make the whole field invalid, and the facet was dropped: a search for
    ?company=allot&company=nosuch returned every company. The valid values still apply; the form
    reports the others, and a facet with only unknown values matches nothing (search/queries.py).
    """

    rejected: list[str]

    def clean(self, value):
        values = self.to_python(value)
        self.rejected = [v for v in values if not self.valid_value(v)]
        return super().clean([v for v in values if v not in self.rejected])


class ChoiceListField(SetsAsideUnknownValues, forms.MultipleChoiceField):
    pass


class ChoiceListFilter(django_filters.MultipleChoiceFilter):
    field_class = ChoiceListField


class SlugListField(forms.ModelMultipleChoiceField):
    """Objects by slug (`to_field_name`); unknown slugs are set aside in `rejected` (one query)."""

    rejected: list[str]

    def clean(self, value):
        self.rejected = []
        return super().clean(value)

    def _check_values(self, value):
        values = {str(v) for v in value}
        # PostgreSQL text cannot hold NUL: such a value is unknown without asking.
        found = self.queryset.filter(**{f"{self.to_field_name}__in": {v for v in values if "\x00" not in v}})
        slugs = {getattr(obj, self.to_field_name) for obj in found}
        self.rejected = sorted(values - slugs)
        return found


class IntegerListField(SetsAsideUnknownValues, forms.TypedMultipleChoiceField):
    """Several integers in a range, as repeated parameters (?year=2013&year=2014)."""

    def __init__(self, *, min_value: int, max_value: int, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        kwargs.pop("choices", None)
        super().__init__(coerce=int, **kwargs)

    def valid_value(self, value) -> bool:
        try:
            return self.min_value <= int(value) <= self.max_value
        except (TypeError, ValueError):
            return False


class IntegerListFilter(django_filters.MultipleChoiceFilter):
    field_class = IntegerListField


class SlugFilter(django_filters.ModelMultipleChoiceFilter):
    """Values chosen by slug in the URL, filtered by the foreign key itself (no join to the table)."""

    field_class = SlugListField

    def __init__(self, *, field_name: str, queryset, **kwargs):
        super().__init__(
            field_name=field_name, to_field_name="slug", queryset=queryset, distinct=False, **kwargs
        )

    def get_filter_predicate(self, v):
        return {f"{self.field_name}_id": v.pk}


class QueryField(forms.CharField):
    def to_python(self, value):
        return super().to_python(value)[:MAX_QUERY_CHARS].strip()


class FacetForm(forms.Form):
    """The facet filters' form: `rejected` holds the values of each facet that are not known."""

    @property
    def rejected(self) -> dict[str, list[str]]:
        return {name: field.rejected for name, field in self.fields.items() if getattr(field, "rejected", [])}

    def rejected_messages(self) -> list[str]:
        """The unknown values, reported as the form's own errors are ("company: Select a valid ...")."""
        return [
            f"{name}: " + self.fields[name].error_messages["invalid_choice"] % {"value": value}
            for name, values in self.rejected.items()
            for value in values
        ]


class UtteranceFilter(django_filters.FilterSet):
    """Facet filters: values of one facet are OR-ed, facets are AND-ed.

    distinct=False everywhere: every filter follows a forward foreign key, so no row can repeat, and
    a DISTINCT would make PostgreSQL sort the whole result set (and collapse the facet query's rows).
    """

    company = SlugFilter(field_name="company", queryset=Company.objects.all())
    year = IntegerListFilter(field_name="fiscal_year", min_value=1900, max_value=2200, distinct=False)
    quarter = IntegerListFilter(field_name="fiscal_quarter", min_value=1, max_value=4, distinct=False)
    speaker = SlugFilter(field_name="speaker", queryset=Speaker.objects.all())
    role = ChoiceListFilter(choices=[c for c in Role.choices if c[0] != Role.UNKNOWN], distinct=False)
    section = ChoiceListFilter(choices=Section.choices, distinct=False)

    class Meta:
        model = Utterance
        fields = []
        form = FacetForm


class SearchForm(forms.Form):
    """The parameters that are not facet filters."""

    SORTS = [("relevance", _("Relevance")), ("newest", _("Newest first")), ("oldest", _("Oldest first"))]
    LANGS = [("en", _("English")), ("zh", _("Chinese"))]

    q = QueryField(required=False)
    sort = forms.ChoiceField(choices=SORTS, required=False)
    lang = forms.MultipleChoiceField(choices=LANGS, required=False)
    page = forms.IntegerField(min_value=1, required=False)
