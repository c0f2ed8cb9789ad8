"""Full-text search over utterances, with facet counts (STYLE.md: the multi-step search lives here).

`search_utterances` only orchestrates the steps, each in its own module: the data version and the
search state, the cache key of every step (search/cache.py); the total and the facet counts
(search/counting.py); the page's ids, ranked and cut with LIMIT (search/paging.py); the page's
rows and their highlighted words, found on one page, never on every match (search/results.py).
"""

from __future__ import annotations

import math

from django.utils.translation import gettext

from search.cache import data_version, search_state
from search.chinese import has_cjk
from search.counting import FACET_SIZE, Counts, facet_counts, grouped_counts
from search.paging import PAGE_SIZE, PAGES_PER_BLOCK, RANK_LIMIT, page_ids
from search.results import FacetValue, Hit, SearchResult, facet_values, hits
from search.textquery import TextQuery

__all__ = [
    "FACET_SIZE",
    "PAGES_PER_BLOCK",
    "PAGE_SIZE",
    "Counts",
    "FacetValue",
    "Hit",
    "SearchResult",
    "TextQuery",
    "data_version",
    "facet_counts",
    "grouped_counts",
    "search_utterances",
]


def search_utterances(
    *, filterset, query: str, langs: set[str], sort: str, page: int, exact: bool = False
) -> SearchResult:
    """One page of hits for the query and filters, with the total and facet counts of the whole
    result set: exact, or estimated when there are too many matches to count in the first response
    (search/counting.py) unless `exact` is asked for.

    The exact counts and the page's ids are remembered per search state and data version
    (search/cache.py): paging through a large result set counts it once, and picking a facet value
    counts only the narrower set.
    """
    text_query = TextQuery.parse(query, translations="zh" in langs)
    state = search_state(
        query=query,
        langs=langs,
        chinese=text_query is not None and text_query.chinese is not None,
        selections=filterset.selections(),
    )
    version = data_version()
    counts = facet_counts(
        filterset, text_query=text_query, langs=langs, version=version, state=state, exact=exact
    )
    total = counts.total
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 1), pages)
    ids = []
    if total:
        ids = page_ids(
            filterset.matching(text_query, langs),
            text_query,
            sort=sort,
            page=page,
            version=version,
            state=state,
            bounded=filterset.qs if total > RANK_LIMIT else None,
            markers=filterset.markers(),
            langs=langs,
        )
        if not ids and page > 1 and not counts.is_exact("total"):
            # The estimate overshot and this page lies past the last real one: count exactly,
            # then show the last page there is.
            return search_utterances(
                filterset=filterset, query=query, langs=langs, sort=sort, page=page, exact=True
            )
    return SearchResult(
        query=query,
        total=total,
        page=page,
        pages=pages,
        hits=hits(ids, text_query),
        facets=facet_values(counts.values, filterset, langs),
        message=_message(total, text_query, langs),
        total_is_exact=counts.is_exact("total"),
        counts_are_exact={name: counts.is_exact(name) for name in counts.values if name != "total"},
    )


def _message(total: int, text_query: TextQuery | None, langs: set[str]) -> str:
    """Why a search found nothing, when the reason is the query itself."""
    if total or text_query is None:
        return ""
    if text_query.is_empty():
        return gettext(
            "Your search has no words to look for (only common words or punctuation). Try other words."
        )
    if langs == {"zh"} and not has_cjk(text_query.text):
        return gettext(
            "No Chinese translation contains these words. The Chinese language filter matches the "
            "translations only: remove it to search the English text."
        )
    return ""
