"""Links to other states of a search: facet values that add or remove one value, and other pages.

They carry the search's own parameters only, as validated (`carried_params`): a page has a link
per facet value, and every unknown parameter copied into each made a few kilobytes of junk in the
address a page of hundreds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import QueryDict

from calls.pages import page_links, page_url
from search.filters import DATE_FILTERS
from search.paging import PAGE_SIZE
from search.registry import FACETS, FACETS_BY_NAME, LANGUAGE
from search.results import FacetValue, SearchResult

FACET_TITLES = {facet.name: facet.title for facet in [*FACETS, LANGUAGE]}


@dataclass
class FacetLink:
    value: str
    label: str
    count: int
    selected: bool
    url: str


def carried_params(data: QueryDict, form, filterset) -> QueryDict:
    """The parameters of `data` that the search knows, with their valid values only, in their order.

    `form` and `filterset` are the validated SearchForm and UtteranceFilter of `data`. The page
    number is left to `page_url`; values are written as the search reads them (`?year=02013` is
    carried as 2013, so that its link can take it away).
    """
    cleaned = form.cleaned_data
    valid = {
        "q": [cleaned["q"]] if cleaned.get("q") else [],
        "sort": [cleaned["sort"]] if cleaned.get("sort") else [],
        "lang": sorted(set(cleaned.get("lang") or [])),
        "group": [cleaned["group"]] if cleaned.get("group") else [],
    } | {name: sorted(filterset.selected(name)) for name in [*FACETS_BY_NAME, *DATE_FILTERS]}
    params = QueryDict(mutable=True)
    for name in dict.fromkeys(data):  # the request's order, each name once
        if valid.get(name):
            params.setlist(name, valid[name])
    return params


def toggled(params: QueryDict, name: str, value: str) -> str:
    """The query string with `value` of `name` added, or removed if present; back to page 1."""
    params = params.copy()
    params.pop("page", None)
    values = params.getlist(name)
    params.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
    return "?" + params.urlencode()


def without(params: QueryDict, *names: str) -> str:
    """The query string without the parameters `names`; back to page 1."""
    params = params.copy()
    for name in ("page", *names):
        params.pop(name, None)
    return "?" + params.urlencode()


def facet_links(
    params: QueryDict, facets: dict[str, list[FacetValue]]
) -> list[tuple[str, str, list[FacetLink]]]:
    return [
        (
            name,
            FACET_TITLES[name],
            [
                FacetLink(v.value, v.label, v.count, v.selected, toggled(params, name, v.value))
                for v in values
            ],
        )
        for name, values in facets.items()
        if values
    ]


def pager(params: QueryDict, result: SearchResult) -> Page:
    """The result's page among its pages, as the list pages' Django Page, for templates/calls/_pager.html.

    Paginated over the range of hit positions: no query (the total is known).
    """
    return numbered_pager(params, total=result.total, per_page=PAGE_SIZE, number=result.page)


def numbered_pager(params: QueryDict, *, total: int, per_page: int, number: int) -> Page:
    """Page `number` of `total` rows, with previous/next links and the numbers to show (`links`)."""
    paginator = Paginator(range(total), per_page)
    page = paginator.page(min(max(number, 1), paginator.num_pages))
    page.previous_url = page_url(params, page.number - 1) if page.has_previous() else ""
    page.next_url = page_url(params, page.number + 1) if page.has_next() else ""
    page.links = page_links(params, page)
    return page
