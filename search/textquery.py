"""The words typed, read as PostgreSQL queries over the two indexes (trimmed by calls.text's one rule)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchRank
from django.db.models import BooleanField, F, Func, Q
from django.db.models.functions import Greatest

from calls.text import MAX_QUERY_CHARS, trimmed_query
from config.routers import read_connection
from search.chinese import has_cjk, query_terms

__all__ = ["MAX_QUERY_CHARS", "TextQuery", "trimmed_query"]

# The tiers of search/migrations/0003's callvault_repeated_lexemes: "lexeme~2", "lexeme~4", "lexeme~8".
REPEAT_TIERS = (2, 4, 8)
# A lexeme in tsquery's text form: quoted, with '' and backslash escapes kept as they are.
_LEXEME = re.compile(r"'((?:[^'\\]|''|\\.)*)'")


class RepeatsAll(Func):
    """callvault_repeated_lexemes(<vector>) @@ <tsquery>: the expression of the indexes
    utterance_repeated_en/_zh (search/migrations/0003, 0004), which the planner matches word for
    word."""

    output_field = BooleanField()

    def __init__(self, vector, *, tsquery: str):
        super().__init__(vector)
        self.tsquery = tsquery

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"callvault_repeated_lexemes({column}) @@ %s::tsquery", [*params, self.tsquery]


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

    def condition(self, langs: set[str]) -> Q:
        """Matches in the languages asked for (both when none is)."""
        condition = Q()
        if not langs or "en" in langs:
            condition |= Q(search_en=self.english)
        if self.chinese is not None and (not langs or "zh" in langs):
            condition |= Q(search_zh=self.chinese)
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

    def repeating(self, tier: int) -> Q | None:
        """Paragraphs that say every word of the query at least `tier` times (an index lookup):
        where the best-ranked matches of a large result set are (search/paging.py). ts_rank grows
        with how often each word occurs, and a paragraph with all of a query's words outranks one
        with some of them (an OR query's too), so the tiers ask for all of them. None when the
        query has no word to look for (only excluded ones)."""
        if tier not in REPEAT_TIERS:
            raise ValueError(f"no repeated-lexeme tier {tier}")
        english, chinese = self._positive_lexemes()
        condition = Q()
        for column, lexemes in (("search_en", english), ("search_zh", chinese)):
            if lexemes:
                tiered = " & ".join(f"'{lexeme}~{tier}'" for lexeme in lexemes)
                condition |= Q(RepeatsAll(F(column), tsquery=tiered))
        return condition or None

    def _positive_lexemes(self) -> tuple[list[str], list[str]]:
        """The lexemes the English and the Chinese query look for, in tsquery's escaped text form;
        excluded ones are left out (querytree drops them)."""
        with read_connection().cursor() as cursor:
            cursor.execute(
                "SELECT querytree(websearch_to_tsquery('english', %s)), querytree(to_tsquery('simple', %s))",
                [self.text, query_terms(self.text) if self.chinese is not None else ""],
            )
            english, chinese = cursor.fetchone()
        return sorted(set(_LEXEME.findall(english or ""))), sorted(set(_LEXEME.findall(chinese or "")))

    def is_empty(self) -> bool:
        """True when the query has no searchable word (only stop words or punctuation)."""
        with read_connection().cursor() as cursor:
            cursor.execute("SELECT numnode(websearch_to_tsquery('english', %s))", [self.text])
            english_nodes = cursor.fetchone()[0]
        return english_nodes == 0 and self.chinese is None
