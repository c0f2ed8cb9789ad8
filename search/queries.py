"""Full-text search over utterances, with facet counts (STYLE.md: the multi-step search lives here).

Steps, each one query: count the matches; rank and cut the page's ids with LIMIT; fetch those rows;
find which of their words match (highlighting works on one page, never on every match); one GROUP BY
per facet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils.html import escape
from django.utils.safestring import SafeString

from calls.models import Role, Section, Utterance
from search.chinese import has_cjk, query_terms
from search.highlight import english_lexemes, mark_chinese, mark_words, words_matching

PAGE_SIZE = 20
FACET_SIZE = 25  # values shown per facet; counts stay exact for the values shown
FACETS = ("company", "year", "quarter", "speaker", "role", "section")


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


@dataclass
class TextQuery:
    """The words typed, as PostgreSQL queries over the English and the Chinese index."""

    text: str
    english: SearchQuery
    chinese: SearchQuery | None

    @classmethod
    def parse(cls, text: str) -> TextQuery | None:
        if not text:
            return None
        # The Chinese index is searched only when the query has Chinese in it; its other words must
        # then appear in the same translation ("SECaaS 營收").
        terms = query_terms(text) if has_cjk(text) else ""
        chinese = SearchQuery(terms, search_type="raw", config="simple") if terms else None
        return cls(
            text=text, english=SearchQuery(text, search_type="websearch", config="english"), chinese=chinese
        )

    def condition(self, langs: set[str]) -> Q:
        condition = Q()
        if not langs or "en" in langs:
            condition |= Q(search_en=self.english)
        if self.chinese is not None and (not langs or "zh" in langs):
            condition |= Q(search_zh=self.chinese)
        return condition if condition else Q(pk__in=[])

    def rank(self):
        english = SearchRank(F("search_en"), self.english)
        if self.chinese is None:
            return english
        return Greatest(english, SearchRank(F("search_zh"), self.chinese))

    def is_empty(self) -> bool:
        """True when the query has no searchable word (only stop words or punctuation)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT numnode(websearch_to_tsquery('english', %s))", [self.text])
            english_nodes = cursor.fetchone()[0]
        return english_nodes == 0 and self.chinese is None


def filtered(filterset, *, skip: str = "") -> QuerySet:
    """Utterances passing every facet filter but `skip` (a facet's own counts ignore its own filter)."""
    queryset = Utterance.objects.all()
    for name, value in filterset.form.cleaned_data.items():
        if name != skip and value:
            queryset = filterset.filters[name].filter(queryset, value)
    return queryset


def search_utterances(*, filterset, query: str, langs: set[str], sort: str, page: int) -> SearchResult:
    """One page of hits for the query and filters, with exact facet counts for the whole result set."""
    text_query = TextQuery.parse(query)
    matches = Q() if text_query is None else text_query.condition(langs)
    queryset = filtered(filterset).filter(matches)
    total = queryset.count()
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 1), pages)

    if text_query is None or sort in ("newest", "oldest"):
        ordered = queryset.order_by(*_period_order(sort or "newest"))
    else:
        ordered = queryset.annotate(rank=text_query.rank()).order_by("-rank", *_period_order("newest"))
    ids = list(ordered.values_list("pk", flat=True)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])

    result = SearchResult(
        query=query, total=total, page=page, pages=pages, hits=_hits(ids, text_query), facets={}
    )
    result.facets = facet_counts(filterset, matches=matches, text_query=text_query, langs=langs)
    if total == 0 and text_query is not None and text_query.is_empty():
        result.message = (
            "Your search has no words to look for (only common words or punctuation). Try other words."
        )
    return result


def _period_order(sort: str) -> list[str]:
    if sort == "oldest":
        return ["call__fiscal_year", "call__fiscal_quarter", "call_id", "position"]
    return ["-call__fiscal_year", "-call__fiscal_quarter", "call_id", "position"]


def _hits(ids: list[int], text_query: TextQuery | None) -> list[Hit]:
    rows = Utterance.objects.for_results_page().select_related("turn").in_bulk(ids)
    rows = [rows[pk] for pk in ids]
    if text_query is None:
        return [
            Hit(utterance=row, snippet=escape(row.text), translation=escape(row.translation)) for row in rows
        ]
    words = words_matching([row.text for row in rows], english_lexemes(text_query.text))
    return [
        Hit(
            utterance=row,
            snippet=mark_words(row.text, words, snippet=True),
            translation=mark_chinese(row.translation, text_query.text, snippet=True),
        )
        for row in rows
    ]


def facet_counts(
    filterset, *, matches: Q, text_query: TextQuery | None, langs: set[str]
) -> dict[str, list[FacetValue]]:
    """Counts per facet value over the whole result set; one GROUP BY query per facet."""
    cleaned = filterset.form.cleaned_data
    facets: dict[str, list[FacetValue]] = {}
    groupings = {
        "company": ("call__company__slug", "call__company__name"),
        "year": ("call__fiscal_year", None),
        "quarter": ("call__fiscal_quarter", None),
        "speaker": ("speaker__slug", "speaker__name"),
        "role": ("role", None),
        "section": ("section", None),
    }
    labels = {"role": dict(Role.choices), "section": dict(Section.choices)}
    for name, (value_field, label_field) in groupings.items():
        selected = _selected_values(name, cleaned.get(name))
        fields = [value_field] + ([label_field] if label_field else [])
        rows = (
            filtered(filterset, skip=name)
            .filter(matches)
            .exclude(**{f"{value_field}__isnull": True})
            .values(*fields)
            .annotate(n=Count("pk"))
            .order_by("-n", value_field)[:FACET_SIZE]
        )
        values = []
        for row in rows:
            value = str(row[value_field])
            label = row[label_field] if label_field else labels.get(name, {}).get(value, value)
            if name == "quarter":
                label = f"Q{value}"
            values.append(FacetValue(value=value, label=label, count=row["n"], selected=value in selected))
        if name in ("year", "quarter"):
            values.sort(key=lambda v: v.value, reverse=name == "year")
        facets[name] = values
    if text_query is not None:
        facets["lang"] = _language_counts(filterset, text_query=text_query, langs=langs)
    return facets


def _language_counts(filterset, *, text_query: TextQuery, langs: set[str]) -> list[FacetValue]:
    counts = {"en": Count("pk", filter=Q(search_en=text_query.english))}
    if text_query.chinese is not None:
        counts["zh"] = Count("pk", filter=Q(search_zh=text_query.chinese))
    row = filtered(filterset).filter(text_query.condition(set())).aggregate(**counts)
    names = {"en": "English", "zh": "Chinese"}
    return [FacetValue(value=k, label=names[k], count=n, selected=k in langs) for k, n in row.items() if n]


def _selected_values(name: str, value) -> set[str]:
    if not value:
        return set()
    if name in ("company", "speaker"):
        return {obj.slug for obj in value}
    return {str(v) for v in value}
