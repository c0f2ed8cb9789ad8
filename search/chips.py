"""The filters a search is narrowed by, as the page shows them: removable chips and the summary.

Built from the validated parameters and the filter set's cleaned values (the companies and
speakers asked for were fetched when they were validated): no query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext, ngettext

from search.facets import FACET_TITLES, toggled, without
from search.filters import DATE_FILTERS
from search.registry import FACETS, LANGUAGE

# The parameters that narrow a search (what "clear all" drops); the query, the sort and the
# grouping are how it is searched and shown, and stay.
FILTER_NAMES = (*(facet.name for facet in FACETS), LANGUAGE.name, *DATE_FILTERS)


@dataclass
class Chip:
    name: str  # the parameter
    value: str  # as in the URL
    title: str  # the filter's name ("Role")
    label: str  # the value as shown ("Analyst")
    remove_url: str  # this search without this value


def active_chips(params: QueryDict, filterset) -> list[Chip]:
    """One chip per filter value in use, in the registry's order, each with the link taking it away."""
    cleaned = filterset.form.cleaned_data
    chips = []
    for facet in FACETS:
        chosen = cleaned.get(facet.name)
        if not chosen:
            continue
        if facet.model is not None:
            labels = {obj.slug: obj.name for obj in chosen}
        else:
            labels = {value: facet.label(value) for value in facet.selected(chosen)}
        for value in params.getlist(facet.name):
            if value in labels:
                chips.append(
                    Chip(
                        facet.name, value, str(facet.title), labels[value], toggled(params, facet.name, value)
                    )
                )
    for value in params.getlist(LANGUAGE.name):
        chips.append(
            Chip(
                LANGUAGE.name,
                value,
                str(LANGUAGE.title),
                LANGUAGE.label(value),
                toggled(params, "lang", value),
            )
        )
    for name, text in (("from", gettext("from %(date)s")), ("to", gettext("until %(date)s"))):
        day = cleaned.get(name)
        if day:
            label = text % {"date": day.isoformat()}  # as typed in the form and the URL
            chips.append(Chip(name, day.isoformat(), gettext("Date held"), label, without(params, name)))
    return chips


def clear_all_url(params: QueryDict) -> str:
    """This search (its query, sort and grouping) without any filter."""
    return without(params, *FILTER_NAMES)


def grouped_summary(*, total: int, calls: int, query: str) -> str:
    """ "23 paragraphs in 7 calls match “gross margin”": the summary when hits are grouped by call."""
    in_calls = ngettext("%(count)s call", "%(count)s calls", calls) % {"count": calls}
    values = {"count": total, "calls": in_calls, "query": query}
    if not query:
        return (
            ngettext("%(count)s paragraph in %(calls)s", "%(count)s paragraphs in %(calls)s", total) % values
        )
    if '"' in query:  # a query with its own quotes is shown as typed, without quotes of ours around them
        return (
            ngettext(
                "%(count)s paragraph in %(calls)s matches %(query)s",
                "%(count)s paragraphs in %(calls)s match %(query)s",
                total,
            )
            % values
        )
    return (
        ngettext(
            "%(count)s paragraph in %(calls)s matches “%(query)s”",
            "%(count)s paragraphs in %(calls)s match “%(query)s”",
            total,
        )
        % values
    )


__all__ = ["FACET_TITLES", "FILTER_NAMES", "Chip", "active_chips", "clear_all_url", "grouped_summary"]
