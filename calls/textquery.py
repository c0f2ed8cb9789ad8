"""The words typed, read as PostgreSQL queries over the paragraphs' vectors (search_en, search_zh),
through their plain indexes or, with filters on marked columns, their marked ones (calls/markers.py).

One reading for every page that matches a query: the search (search/) and the call and exchange
pages, which count and mark the same paragraphs the search finds. Trimmed by calls.text's one rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchRank
from django.db.models import F, Func, Q
from django.db.models.functions import Greatest

from calls.markers import Marked, Matches
from calls.text import MAX_QUERY_CHARS, has_cjk, query_terms, trimmed_query
from config.routers import read_connection

__all__ = ["LANGUAGES", "MAX_QUERY_CHARS", "TextQuery", "trimmed_query"]

# The languages a query can match, as ?lang= names them: the text, the Chinese translation.
LANGUAGES = ("en", "zh")


class PositivePart(Func):
    """querytree(<tsquery>)::tsquery: the query without its excluded words."""

    template = "querytree(%(expressions)s)::tsquery"
    output_field = SearchQueryField()


@dataclass
class TextQuery:
    """The words typed, as PostgreSQL queries over the English and the Chinese index."""

    text: str
    english: SearchQuery
    chinese: SearchQuery | None

    @classmethod
    def parse(cls, text: str, *, translations: bool = False) -> TextQuery | None:
        """The query; `translations` searches the Chinese index for it even without Chinese in it."""
        if not text:
            return None
        # The Chinese index is searched when the query has Chinese in it, its other words then in
        # the same translation ("SECaaS 營收"), or when only Chinese matches are asked for: the
        # translations keep Latin words (tickers, GAAP, SECaaS), and an English word there is what
        # "match the Chinese text" means. An English query otherwise reads the English index only.
        terms = query_terms(text) if has_cjk(text) or translations else ""
        chinese = SearchQuery(terms, search_type="raw", config="simple") if terms else None
        return cls(
            text=text, english=SearchQuery(text, search_type="websearch", config="english"), chinese=chinese
        )

    def condition(self, langs: set[str], *, markers: str = "") -> Q:
        """Matches in the languages asked for (both when none is). With `markers` (marker_query's
        text: the filters on marked columns), through the marked indexes (calls/markers.py), which
        narrow the lookup by them too; without, through the plain ones, which cost less to re-check
        (a phrase) or to test row by row (a newest-first walk)."""
        if not markers:
            return self.row_condition(langs)
        return self._either(langs, lambda column, query: Matches(Marked(F(column)), query, markers=markers))

    def row_condition(self, langs: set[str]) -> Q:
        """The same matches over the plain vectors, also for rows found another way and tested one
        by one (a call's paragraphs, a ranking tier's candidates): a marked vector is concatenated
        with its markers on each row it is tested on."""
        return self._either(langs, lambda column, query: Q(**{column: query}))

    def _either(self, langs: set[str], matches) -> Q:
        condition = Q()
        if not langs or "en" in langs:
            condition |= Q(matches("search_en", self.english))
        if self.chinese is not None and (not langs or "zh" in langs):
            condition |= Q(matches("search_zh", self.chinese))
        return condition if condition else Q(pk__in=[])

    def language_conditions(self) -> dict[str, Q]:
        """Each language's own condition, for the language facet; empty when only English is read."""
        if self.chinese is None:
            return {}
        return {"en": Q(search_en=self.english), "zh": Q(search_zh=self.chinese)}

    def rank(self):
        """ts_rank of the words looked for. An excluded word is left out of the ranked query
        (querytree): with one, ts_rank gives every match the same 1e-20, and the order was the
        period's alone."""
        english = SearchRank(F("search_en"), PositivePart(self.english))
        if self.chinese is None:
            return english
        return Greatest(english, SearchRank(F("search_zh"), self.chinese))

    def is_empty(self) -> bool:
        """True when the query has no searchable word (only stop words or punctuation)."""
        with read_connection().cursor() as cursor:
            cursor.execute("SELECT numnode(websearch_to_tsquery('english', %s))", [self.text])
            english_nodes = cursor.fetchone()[0]
        return english_nodes == 0 and self.chinese is None
