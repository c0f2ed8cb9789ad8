"""Every value of a long facet (company, speaker) with its count, past the FACET_SIZE the page shows.

The same counts as search/counting.py's, over the same filter set and ignoring the facet's own
selection, but for every value: one GROUP BY over the matches (over the per-call tallies without a
query; the archive's kept totals without a query or another filter), then the names of the values
found, two queries in all.
"""

from __future__ import annotations

from django.db.models import Count, Sum

from search.counting import archive_values
from search.models import UtteranceTally
from search.registry import FACETS_BY_NAME
from search.results import FacetValue
from search.textquery import TextQuery

# The facets that show only their largest values; the others already show all of theirs.
LONG_FACETS = tuple(name for name, facet in FACETS_BY_NAME.items() if not facet.shows_all)


def all_values(filterset, *, name: str, query: str, langs: set[str]) -> list[FacetValue]:
    """Every value of facet `name` among the search's matches, largest count first."""
    facet = FACETS_BY_NAME[name]
    text_query = TextQuery.parse(query, translations="zh" in langs)
    others = {other: values for other, values in filterset.selections().items() if other != name}
    if text_query is None and not any(others.values()):
        # The whole archive: its totals are kept per facet value (search/migrations/0005).
        rows = archive_values(name)
    else:
        if text_query is None:
            tallies = UtteranceTally.objects.all()
            matches, count = filterset.filter_queryset(tallies, skip=name), Sum("utterances")
        else:
            matches, count = filterset.matching(text_query, langs, skip=name), Count("pk")
        rows = list(
            matches.order_by()
            .filter(**{f"{facet.column}__isnull": False})
            .values_list(facet.column)
            .annotate(n=count)
            .order_by("-n", facet.column)
        )
    selected = filterset.selected(name)
    if facet.model is None:
        labelled = [(str(value), facet.label(str(value)), n) for value, n in rows]
    else:
        named = facet.model.objects.only("slug", "name").in_bulk([value for value, _n in rows])
        labelled = [(named[value].slug, named[value].name, n) for value, n in rows if value in named]
    return [
        FacetValue(value=value, label=label, count=n, selected=value in selected)
        for value, label, n in labelled
    ]
