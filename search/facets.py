"""Facet values as links that add or remove one value and keep the rest of the search."""

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from search.queries import FacetValue

FACET_TITLES = {
    "company": _("Company"),
    "year": _("Fiscal year"),
    "quarter": _("Quarter"),
    "speaker": _("Speaker"),
    "role": _("Role"),
    "section": _("Section"),
    "lang": _("Language matched"),
}


@dataclass
class FacetLink:
    value: str
    label: str
    count: int
    selected: bool
    url: str


def toggled(params: QueryDict, name: str, value: str) -> str:
    """The query string with `value` of `name` added, or removed if present; back to page 1."""
    params = params.copy()
    params.pop("page", None)
    values = params.getlist(name)
    params.setlist(name, [v for v in values if v != value] if value in values else [*values, value])
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


def page_url(params: QueryDict, page: int) -> str:
    """The query string for another page of the same search."""
    params = params.copy()
    params["page"] = str(page)
    return "?" + params.urlencode()
