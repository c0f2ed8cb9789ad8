"""The query as the search reads it: calls.textquery's TextQuery (one reading for the search and the
call pages), and the repeated-lexeme tiers that bound ranking over a large result set
(search/paging.py; the indexes of search/migrations/0003, 0004)."""

from __future__ import annotations

import re

from django.db.models import BooleanField, F, Func, Q

from calls.text import query_terms
from calls.textquery import MAX_QUERY_CHARS, TextQuery, trimmed_query
from config.routers import read_connection

__all__ = ["MAX_QUERY_CHARS", "REPEAT_TIERS", "TextQuery", "repeating", "trimmed_query"]

# The tiers of callvault_repeated_lexemes (search/migrations/0003, 0006): "lexeme~2" ... "lexeme~16".
REPEAT_TIERS = (2, 4, 8, 16)
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


def repeating(text_query: TextQuery, tier: int) -> Q | None:
    """Paragraphs that say every word of the query at least `tier` times (an index lookup):
    where the best-ranked matches of a large result set are (search/paging.py). ts_rank grows
    with how often each word occurs, and a paragraph with all of a query's words outranks one
    with some of them (an OR query's too), so the tiers ask for all of them. None when the
    query has no word to look for (only excluded ones)."""
    if tier not in REPEAT_TIERS:
        raise ValueError(f"no repeated-lexeme tier {tier}")
    english, chinese = _positive_lexemes(text_query)
    condition = Q()
    for column, lexemes in (("search_en", english), ("search_zh", chinese)):
        if lexemes:
            tiered = " & ".join(f"'{lexeme}~{tier}'" for lexeme in lexemes)
            condition |= Q(RepeatsAll(F(column), tsquery=tiered))
    return condition or None


def _positive_lexemes(text_query: TextQuery) -> tuple[list[str], list[str]]:
    """The lexemes the English and the Chinese query look for, in tsquery's escaped text form;
    excluded ones are left out (querytree drops them)."""
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT querytree(websearch_to_tsquery('english', %s)), querytree(to_tsquery('simple', %s))",
            [text_query.text, query_terms(text_query.text) if text_query.chinese is not None else ""],
        )
        english, chinese = cursor.fetchone()
    return sorted(set(_LEXEME.findall(english or ""))), sorted(set(_LEXEME.findall(chinese or "")))
