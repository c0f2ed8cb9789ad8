"""The query as the search reads it: calls.textquery's TextQuery (one reading for the search and the
call pages), and the repeated-lexeme tiers that bound ranking over a large result set
(search/paging.py; the indexes of search/migrations/0003, 0004, marked in 0008)."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Cast

from calls.markers import Marked, Matches
from calls.text import query_terms
from calls.textquery import MAX_QUERY_CHARS, TextQuery, trimmed_query
from config.routers import read_connection

__all__ = ["MAX_QUERY_CHARS", "REPEAT_TIERS", "TextQuery", "repeating", "trimmed_query"]

# The tiers of callvault_repeated_lexemes (search/migrations/0003, 0006): "lexeme~2" ... "lexeme~16".
REPEAT_TIERS = (2, 4, 8, 16)
# A lexeme in tsquery's text form: quoted, with '' and backslash escapes kept as they are.
_LEXEME = re.compile(r"'((?:[^'\\]|''|\\.)*)'")


class RepeatedLexemes(Func):
    """callvault_repeated_lexemes(<vector>): its lexemes said at least 2, 4, 8 and 16 times."""

    function = "callvault_repeated_lexemes"
    output_field = SearchVectorField()


def _repeats_all(column: str, tsquery: str, markers: str) -> Q:
    """The repeated lexemes of `column` match `tsquery` (text for a ::tsquery cast), and `markers`
    when given: word for word the expression of the indexes utterance_repeated_en/_zh
    (search/migrations/0003, 0004), or with markers utterance_marked_repeated_en/_zh (0008)."""
    query = Cast(Value(tsquery), SearchQueryField())
    repeated = RepeatedLexemes(F(column))
    return Q(Matches(Marked(repeated, repeats=True) if markers else repeated, query, markers=markers))


def repeating(text_query: TextQuery, tier: int, *, markers: str = "") -> Q | None:
    """Paragraphs that say every word of the query at least `tier` times (an index lookup):
    where the best-ranked matches of a large result set are (search/paging.py). ts_rank grows
    with how often each word occurs, and a paragraph with all of a query's words outranks one
    with some of them (an OR query's too), so the tiers ask for all of them. None when the
    query has no word to look for (only excluded ones). `markers` (calls.markers.marker_query's
    text): the filters the index narrows the tier by."""
    if tier not in REPEAT_TIERS:
        raise ValueError(f"no repeated-lexeme tier {tier}")
    english, chinese = _positive_lexemes(text_query)
    condition = Q()
    for column, lexemes in (("search_en", english), ("search_zh", chinese)):
        if lexemes:
            tiered = " & ".join(f"'{lexeme}~{tier}'" for lexeme in lexemes)
            condition |= _repeats_all(column, tiered, markers)
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
