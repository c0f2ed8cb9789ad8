"""The search parameters, validated by django-filter (STYLE.md: validate with forms or FilterSets)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import Company, Role, Section, Speaker, Utterance

MAX_QUERY_CHARS = 200  # longer queries are cut here (documented in README.md)


class IntegerListField(forms.TypedMultipleChoiceField):
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

    def __init__(self, *, field_name: str, queryset, **kwargs):
        super().__init__(
            field_name=field_name, to_field_name="slug", queryset=queryset, distinct=False, **kwargs
        )

    def get_filter_predicate(self, v):
        return {f"{self.field_name}_id": v.pk}


class QueryField(forms.CharField):
    def to_python(self, value):
        return super().to_python(value)[:MAX_QUERY_CHARS].strip()


class UtteranceFilter(django_filters.FilterSet):
    """Facet filters: values of one facet are OR-ed, facets are AND-ed.

    distinct=False everywhere: every filter follows a forward foreign key, so no row can repeat, and
    a DISTINCT would make PostgreSQL sort the whole result set (and collapse the facet query's rows).
    """

    company = SlugFilter(field_name="company", queryset=Company.objects.all())
    year = IntegerListFilter(field_name="fiscal_year", min_value=1900, max_value=2200, distinct=False)
    quarter = IntegerListFilter(field_name="fiscal_quarter", min_value=1, max_value=4, distinct=False)
    speaker = SlugFilter(field_name="speaker", queryset=Speaker.objects.all())
    role = django_filters.MultipleChoiceFilter(
        choices=[c for c in Role.choices if c[0] != Role.UNKNOWN], distinct=False
    )
    section = django_filters.MultipleChoiceFilter(choices=Section.choices, distinct=False)

    class Meta:
        model = Utterance
        fields = []


class SearchForm(forms.Form):
    """The parameters that are not facet filters."""

    SORTS = [("relevance", _("Relevance")), ("newest", _("Newest first")), ("oldest", _("Oldest first"))]
    LANGS = [("en", _("English")), ("zh", _("Chinese"))]

    q = QueryField(required=False)
    sort = forms.ChoiceField(choices=SORTS, required=False)
    lang = forms.MultipleChoiceField(choices=LANGS, required=False)
    page = forms.IntegerField(min_value=1, required=False)
