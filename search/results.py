"""A search's results as the page and the API show them: hits highlighted, facet values labelled."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.html import escape
from django.utils.safestring import SafeString

from calls.models import Utterance
from search import cache
from search.highlight import english_spans, mark_chinese, mark_spans
from search.registry import FACETS, LANGUAGE
from search.textquery import TextQuery


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Hit:
    utterance: Utterance
    snippet: SafeString
    translation: SafeString


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    pages: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    message: str = ""
    # False when the total is estimated from a sample (search/counting.py); per facet likewise.
    total_is_exact: bool = True
    counts_are_exact: dict[str, bool] = field(default_factory=dict)

    @property
    def shown_total(self) -> int:
        """The total as the page writes it: an estimate to two significant figures ("about 280,000"),
        since its last digits are noise."""
        if self.total_is_exact or self.total < 100:
            return self.total
        return round(self.total, 2 - len(str(self.total)))

    @cached_property  # asked for each facet value the page shows
    def estimated_facets(self) -> set[str]:
        return {name for name, exact in self.counts_are_exact.items() if not exact}

    @property
    def is_estimate(self) -> bool:
        """True when any count shown is an estimate (the exact ones can be fetched: exact=1)."""
        return not self.total_is_exact or not all(self.counts_are_exact.values())


def hits(ids: list[int], text_query: TextQuery | None) -> list[Hit]:
    """The page's rows in the order of `ids`, their matched words marked (two queries at most)."""
    rows = Utterance.objects.for_results_page().select_related("turn").in_bulk(ids)
    rows = [rows[pk] for pk in ids]
    if text_query is None:
        return [
            Hit(utterance=row, snippet=escape(row.text), translation=escape(row.translation)) for row in rows
        ]
    # What the query matched, as the call page marks it: a phrase whole, an excluded word never.
    spans = snippet_spans([row.text for row in rows], text_query.text)
    return [
        Hit(
            utterance=row,
            snippet=mark_spans(row.text, found, snippet=True),
            translation=mark_chinese(
                row.translation, text_query.text, words=text_query.chinese is not None, snippet=True
            ),
        )
        for row, found in zip(rows, spans, strict=True)
    ]


def snippet_spans(texts: list[str], query: str) -> list[list[tuple[int, int]]]:
    """english_spans(texts, query, snippets=True), remembered per text and query.

    Marking a page's snippets costs PostgreSQL a tokenizing pass over them (10-20 ms), and the same
    paragraphs come back on the first page of a popular search again and again, also after an
    import has changed the counts around them. The marks depend on the text and the query alone,
    so they are kept by those (the text by its digest) whatever the data version.
    """
    states = [{"q": query, "text": hashlib.sha256(text.encode()).hexdigest()} for text in texts]
    spans = cache.recall_lasting("snippet-spans", states)
    missing = [n for n in range(len(texts)) if n not in spans]
    if missing:
        computed = english_spans([texts[n] for n in missing], query, snippets=True)
        cache.keep_lasting("snippet-spans", [states[n] for n in missing], computed)
        spans.update(zip(missing, computed, strict=True))
    return [spans[n] for n in range(len(texts))]


def facet_values(counted: dict, filterset, langs: set[str]) -> dict[str, list[FacetValue]]:
    """Counted values as the page shows them: labelled in the interface language, selected or not."""
    facets = {}
    for facet in [*FACETS, LANGUAGE]:
        if facet.name not in counted:
            continue
        selected = langs if facet is LANGUAGE else filterset.selected(facet.name)
        values = [
            FacetValue(value=value, label=facet.label(value, name), count=count, selected=value in selected)
            for value, name, count in counted[facet.name]
        ]
        if facet.shows_all:
            values.sort(key=lambda v: v.value, reverse=facet.order == "descending")
        facets[facet.name] = values
    return facets
