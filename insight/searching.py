"""A request's search parameters as the search page reads them, for the tools built on its results.

The same forms and the same facet semantics as the search page (search.filters.bound_search):
invalid parameters are reported and left out, and a facet given only unknown values matches nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from calls.models import Utterance
from search.facets import carried_params
from search.filters import SearchForm, UtteranceFilter, bound_search
from search.queries import TextQuery


@dataclass
class Search:
    query: str
    langs: set[str]
    sort: str
    filterset: UtteranceFilter
    text_query: TextQuery | None
    errors: list[str]

    def filtered(self, queryset: QuerySet | None = None) -> QuerySet:
        """Rows of `queryset` (utterances by default, or tallies) passing every facet filter."""
        return self.filterset.filter_queryset(Utterance.objects.all() if queryset is None else queryset)

    def matches(self) -> QuerySet:
        """Every utterance the search finds, unordered (as the search page finds them)."""
        return self.filterset.matching(self.text_query, self.langs)

    def ordered(self) -> QuerySet:
        """The matches in the search page's order (relevance with a query, else newest first)."""
        newest = ["-fiscal_year", "-fiscal_quarter", "call_id", "position"]
        if self.sort == "oldest":
            return self.matches().order_by("fiscal_year", "fiscal_quarter", "call_id", "position")
        if self.text_query is None or self.sort == "newest":
            return self.matches().order_by(*newest)
        return self.matches().annotate(rank=self.text_query.rank()).order_by("-rank", *newest)

    def state(self) -> dict:
        """What decides the result set, as plain values: part of a cache key."""
        # The filter set's own plain selections: the facets' values and the date range's ISO dates.
        filters = {name: values for name, values in self.filterset.selections().items() if values}
        chinese = self.text_query is not None and self.text_query.chinese is not None
        return {"q": self.query, "lang": sorted(self.langs), "chinese": chinese, "filters": filters}


def read_search(params) -> Search:
    """The search a query string describes (request.GET)."""
    form, filterset, errors = bound_search(params)
    cleaned = form.cleaned_data
    query = cleaned.get("q") or ""
    langs = set(cleaned.get("lang") or [])
    return Search(
        query=query,
        langs=langs,
        sort=cleaned.get("sort") or ("relevance" if query else "newest"),
        filterset=filterset,
        text_query=TextQuery.parse(query, translations="zh" in langs),
        errors=errors,
    )


def search_parameters(params, *, drop=("page",)) -> str:
    """The query string of the search alone, without `drop`: only the parameters the search knows,
    with their valid values, so that junk in an address is not copied into every tool's link."""
    form, filterset = SearchForm(params), UtteranceFilter(params)
    form.is_valid()
    filterset.form.is_valid()
    copy = carried_params(params, form, filterset)
    for name in drop:
        copy.pop(name, None)
    return copy.urlencode()
