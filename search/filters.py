"""The search parameters, validated by django-filter (STYLE.md: validate with forms or FilterSets).

The facet filters are built from the facet registry (search/registry.py), one per facet.
"""

from collections.abc import Iterable

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from calls.markers import MARKED_COLUMNS, marker_query
from calls.models import Call, Company, Utterance
from calls.querysets import ticker_alias
from calls.text import MAX_QUERY_CHARS, trimmed_query
from calls.textquery import TextQuery
from search.registry import FACETS, FACETS_BY_NAME, LANGUAGE, Facet

__all__ = ["DATE_FILTERS", "MAX_QUERY_CHARS", "SearchForm", "UtteranceFilter"]

# The date range, on the date the call was held (calls.Call.held_on): parameters of the filter set
# beside the facets, in the URL as ISO dates (?from=2023-01-01&to=2023-12-31).
DATE_FILTERS = ("from", "to")

NOTHING = "<nothing>"  # a facet's selection in the cache key when only unknown values were asked for


class SetsAsideUnknownValues:
    """A multiple-value field that keeps its valid values and sets the others aside in `rejected`.

    One unknown value used to make the whole field invalid, and the facet was dropped: a search for
    ?company=allot&company=nosuch returned every company. The valid values still apply; the form
    reports the others, and a facet with only unknown values matches nothing (UtteranceFilter).
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


class CompanyListField(SlugListField):
    """Companies by slug or by ticker, in any case (?company=ALLT is Allot), a former ticker too.

    A ticker is what an analyst types for a company; the value is carried on as the company's slug
    (UtteranceFilter.selected), so links and cache keys name each company one way. One query.
    """

    def _check_values(self, value):
        values = {str(v) for v in value}
        usable = {v for v in values if "\x00" not in v}
        condition = Q(slug__in={v.lower() for v in usable})
        for ticker in {v.upper() for v in usable}:
            condition |= Q(ticker__iexact=ticker) | Q(aliases__contains=[ticker_alias(ticker)])
        found = self.queryset.filter(condition) if usable else self.queryset.none()
        prefix = ticker_alias("")
        known = set()
        for company in found:  # evaluated once here; the field returns these rows
            known |= {company.slug, company.ticker.upper()}
            known |= {alias.removeprefix(prefix) for alias in company.aliases if alias.startswith(prefix)}
        self.rejected = sorted(v for v in values if v.lower() not in known and v.upper() not in known)
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
        return {self.field_name: v.pk}


class CompanyFilter(SlugFilter):
    field_class = CompanyListField


class HeldFilter(django_filters.DateFilter):
    """One end of the date range, on the call's date held: the calls in range, as a subquery.

    Both querysets the filter set narrows (paragraphs and per-call tallies) carry call_id, so one
    condition serves both: `call_id IN (calls held in the range)`, which PostgreSQL runs as a hash
    semi-join against the small calls table, or, reading paragraphs newest first, as a memoized
    look-up per call (never a scan of something big per row). UtteranceFilter puts both ends in
    one subquery. Calls with no date held are outside every range.
    """

    field_class = forms.DateField

    def __init__(self, *, lookup_expr: str, **kwargs):
        super().__init__(field_name="held_on", lookup_expr=lookup_expr, input_formats=["%Y-%m-%d"], **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return held_between(qs, **{"start" if self.lookup_expr == "gte" else "end": value})


def held_between(queryset: QuerySet, *, start=None, end=None) -> QuerySet:
    """Rows of `queryset` (with a call_id) whose call was held between `start` and `end`, inclusive."""
    calls = Call.objects.all()
    if start is not None:
        calls = calls.filter(held_on__gte=start)
    if end is not None:
        calls = calls.filter(held_on__lte=end)
    return queryset.filter(call_id__in=calls.values("pk"))


def facet_filter(facet: Facet) -> django_filters.Filter:
    """The filter of one facet, on its column, as the registry says its values are given.

    distinct=False everywhere: every filter tests a column of the row itself, so no row can repeat,
    and a DISTINCT would make PostgreSQL sort the whole result set (and collapse the facet query's
    rows).
    """
    if facet.model is Company:
        return CompanyFilter(field_name=facet.column, queryset=Company.objects.all(), label=facet.title)
    if facet.model is not None:
        # By the column itself (company_id), never a join to the table.
        return SlugFilter(field_name=facet.column, queryset=facet.model.objects.all(), label=facet.title)
    if facet.bounds is not None:
        low, high = facet.bounds
        return IntegerListFilter(
            field_name=facet.column, min_value=low, max_value=high, distinct=False, label=facet.title
        )
    choices = [(value, label) for value, label in facet.choices if value not in facet.not_asked_for]
    return ChoiceListFilter(field_name=facet.column, choices=choices, distinct=False, label=facet.title)


class QueryField(forms.CharField):
    def to_python(self, value):
        return trimmed_query(super().to_python(value))


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

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            # Reported and left out, as any invalid parameter: the range's start still applies.
            self.add_error("to", _("The end of the date range is before its start."))
        return cleaned


class UtteranceFilter(django_filters.FilterSet):
    """Facet filters, one per facet of the registry: values of one facet are OR-ed, facets AND-ed.

    They filter paragraphs (`qs`) or any queryset with the facets' columns (the per-call tallies),
    with every filter or all but one (`filter_queryset(queryset, skip=name)`: a facet's counts
    ignore its own selection).
    """

    class Meta:
        model = Utterance
        fields = []
        form = FacetForm

    @classmethod
    def get_filters(cls):
        filters = {facet.name: facet_filter(facet) for facet in FACETS}
        filters["from"] = HeldFilter(lookup_expr="gte", label=_("Held from"))
        filters["to"] = HeldFilter(lookup_expr="lte", label=_("Held until"))
        return filters

    def filter_queryset(self, queryset: QuerySet, *, skip: str | Iterable[str] = "") -> QuerySet:
        """`queryset` passing every filter but `skip`'s (a filter's name, or several)."""
        self.form.errors  # validates once (django-filter filters the cleaned values)  # noqa: B018
        skipped = {skip} if isinstance(skip, str) else set(skip)
        rejected = self.form.rejected
        cleaned = self.form.cleaned_data
        for name, value in cleaned.items():
            if name in skipped or name in DATE_FILTERS:
                continue
            if not value and name in rejected:
                # Only unknown values asked for: they match nothing (dropping the filter would widen it).
                return queryset.none()
            queryset = self.filters[name].filter(queryset, value)
        start, end = (None if name in skipped else cleaned.get(name) for name in DATE_FILTERS)
        if start or end:
            queryset = held_between(queryset, start=start, end=end)
        return queryset

    def matching(
        self, text_query: TextQuery | None, langs: set[str], *, skip: str | Iterable[str] = ""
    ) -> QuerySet:
        """The paragraphs matching `text_query` in `langs` (every paragraph without one) that pass
        every filter but `skip`'s. The filters on a marked column (calls/markers.py: role, company,
        year) narrow the index lookup of the query too, beside their own conditions."""
        paragraphs = self.queryset.all()
        if text_query is not None:
            paragraphs = paragraphs.filter(text_query.condition(langs, markers=self.markers(skip=skip)))
        return self.filter_queryset(paragraphs, skip=skip)

    def markers(self, *, skip: str | Iterable[str] = "") -> str:
        """The marker lexemes (calls.markers.marker_query's text) of the valid values asked for of
        every marked facet but `skip`'s."""
        self.form.errors  # validates once  # noqa: B018
        skipped = {skip} if isinstance(skip, str) else set(skip)
        selections = {}
        for facet in FACETS:
            value = self.form.cleaned_data.get(facet.name)
            if facet.column in MARKED_COLUMNS and facet.name not in skipped and value:
                selections[facet.column] = [v.pk for v in value] if facet.model is not None else list(value)
        return marker_query(selections)

    def selected(self, name: str) -> set[str]:
        """The filter's valid values asked for, as they are written in the URL (dates in ISO form)."""
        if name in DATE_FILTERS:
            day = self.form.cleaned_data.get(name)
            return {day.isoformat()} if day else set()
        return FACETS_BY_NAME[name].selected(self.form.cleaned_data.get(name))

    def selections(self) -> dict[str, list[str]]:
        """Each filter's selection, as plain values; a facet of only unknown values is [NOTHING].

        The date range is part of it (under "from" and "to"), so that the search state, and with it
        every cache key of counts and ids (search/cache.py), tells a range from none.
        """
        rejected = self.form.rejected
        selections = {
            facet.name: sorted(self.selected(facet.name)) or ([NOTHING] if facet.name in rejected else [])
            for facet in FACETS
        }
        return selections | {name: sorted(self.selected(name)) for name in DATE_FILTERS}


class SearchForm(forms.Form):
    """The parameters that are not facet filters."""

    SORTS = [("relevance", _("Relevance")), ("newest", _("Newest")), ("oldest", _("Oldest"))]
    LANGS = list(LANGUAGE.choices)

    q = QueryField(required=False)
    sort = forms.ChoiceField(choices=SORTS, required=False)
    lang = forms.MultipleChoiceField(choices=LANGS, required=False)
    page = forms.IntegerField(min_value=1, required=False)
    # exact=1: wait for the exact counts where the first response would estimate them.
    exact = forms.BooleanField(required=False)
    # Paragraphs (the default) or the calls they are in, each with how many match.
    group = forms.ChoiceField(choices=[("call", _("Calls"))], required=False)


def bound_search(params) -> tuple[SearchForm, UtteranceFilter, list[str]]:
    """The search form and the filter set bound to a query string (request.GET), validated, and
    the messages of what they could not use: invalid parameters are reported and left out, and
    unknown facet values reported while the facet's valid values still apply."""
    form = SearchForm(params)
    filterset = UtteranceFilter(params)
    errors = []
    for bound in (form, filterset.form):
        if not bound.is_valid():
            errors += [f"{name}: {' '.join(messages)}" for name, messages in bound.errors.items()]
    errors += filterset.form.rejected_messages()
    return form, filterset, errors
