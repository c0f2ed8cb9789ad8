"""The query as the search reads it: calls.textquery's TextQuery (one reading for the search and the
call pages), and the repeated-lexeme tiers that bound ranking over a large result set
(search/paging.py; the indexes of search/migrations/0003, 0004, marked in 0008, one per language
since 0009)."""

from __future__ import annotations

import math
import re

from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Cast

from calls.markers import Marked, Matches
from calls.text import query_terms
from calls.textquery import MAX_QUERY_CHARS, TextQuery, trimmed_query
from config.routers import read_connection

__all__ = ["MAX_QUERY_CHARS", "REPEAT_TIERS", "TextQuery", "Tiers", "repeating", "trimmed_query"]

# The tiers of callvault_repeated_lexemes (search/migrations/0003, 0006): "lexeme~2" ... "lexeme~16".
REPEAT_TIERS = (2, 4, 8, 16)
# A lexeme in tsquery's text form: quoted, with '' and backslash escapes kept as they are.
_LEXEME = re.compile(r"'((?:[^'\\]|''|\\.)*)'")
# The parts of a tsquery's text form that make its structure (lexemes matched whole, then skipped).
_TREE_TOKEN = re.compile(r"'(?:[^'\\]|''|\\.)*'|[()|&]|<\d*-?>")
# ts_rank's weight of a position without one (D): our vectors are never weighted.
RANK_WEIGHT = 0.1


class RepeatedLexemes(Func):
    """callvault_repeated_lexemes(<vector>): its lexemes said at least 2, 4, 8 and 16 times."""

    function = "callvault_repeated_lexemes"
    output_field = SearchVectorField()


def _repeats_all(column: str, tsquery: str, markers: str) -> Q:
    """The repeated lexemes of `column` match `tsquery` (text for a ::tsquery cast), and `markers`
    when given: word for word the expression of the indexes utterance_marked_repeated_en/_zh
    (search/migrations/0008, 0009), with or without markers. The Chinese index holds only the
    paragraphs with Chinese terms, and the planner reads it only for a query that says so."""
    query = Cast(Value(tsquery), SearchQueryField())
    marked = Marked(RepeatedLexemes(F(column)), repeats=True)
    condition = Q(Matches(marked, query, markers=markers))
    if column == "search_zh":
        # The index's predicate, cjk_terms <> '' (PostgreSQL reads NOT (x = y) as x <> y).
        condition = ~Q(cjk_terms="") & condition
    return condition


class Tiers:
    """A query's repeated-lexeme tiers (search/paging.py): the paragraphs saying each of its words
    at least 2, 4, 8 or 16 times, and how far ts_rank lets a paragraph outside a tier rank.

    Read with one statement (the query's positive lexemes and its top operator), then asked for
    any tier.
    """

    def __init__(self, text_query: TextQuery):
        english, chinese = _positive_trees(text_query)
        self.english = sorted(set(_LEXEME.findall(english or "")))
        self.chinese = sorted(set(_LEXEME.findall(chinese or "")))
        # ts_rank scores a query whose top operator is OR (or with one distinct lexeme) as the
        # mean of each lexeme's own score (PostgreSQL's calc_rank_or); AND and phrases by how close
        # the words are (calc_rank_and), which bounds nothing. The Chinese rank is taken beside it.
        self.ranked_per_lexeme = text_query.chinese is None and (
            len(self.english) <= 1 or _top_operator(english or "") == "|"
        )

    def condition(self, tier: int, *, markers: str = "") -> Q | None:
        """Paragraphs that say every word of the query at least `tier` times (an index lookup):
        where the best-ranked matches of a large result set are. ts_rank grows with how often each
        word occurs, and a paragraph with all of a query's words outranks one with some of them
        (an OR query's too), so the tiers ask for all of them. None when the query has no word to
        look for (only excluded ones). `markers` (calls.markers.marker_query's text): the filters
        the index narrows the tier by."""
        if tier not in REPEAT_TIERS:
            raise ValueError(f"no repeated-lexeme tier {tier}")
        condition = Q()
        for column, lexemes in (("search_en", self.english), ("search_zh", self.chinese)):
            if lexemes:
                tiered = " & ".join(f"'{lexeme}~{tier}'" for lexeme in lexemes)
                condition |= _repeats_all(column, tiered, markers)
        return condition or None

    def rank_bound(self, tier: int) -> float | None:
        """The highest ts_rank a match outside `tier` can have, or None where ts_rank bounds none.

        Outside the tier, some word is said fewer than `tier` times. calc_rank_or scores a lexeme
        said n times (each position of weight D, 0.1: our vectors carry no other) as
        0.1 * sum(1/j², j=1..n) / (π²/6), which grows with n towards 0.1, and ranks the mean over
        the query's distinct lexemes: at best, every other word said without end and one said
        `tier` - 1 times. So a tier's page ranked above this is the exact top of every match.
        """
        if not self.ranked_per_lexeme or not self.english:
            return None
        words = len(self.english)
        short = RANK_WEIGHT * sum(1 / j**2 for j in range(1, tier)) / (math.pi**2 / 6)
        return (RANK_WEIGHT * (words - 1) + short) / words


def repeating(text_query: TextQuery, tier: int, *, markers: str = "") -> Q | None:
    """Tiers(text_query).condition(tier, markers=markers), for a single tier."""
    return Tiers(text_query).condition(tier, markers=markers)


def _top_operator(tree: str) -> str:
    """The operator at the top of a tsquery's text form: "|", "&" or "<" (a phrase's <->, <N>), or
    "" for a single lexeme."""
    operators = set()
    depth = 0
    for part in _TREE_TOKEN.findall(tree):
        if part == "(":
            depth += 1
        elif part == ")":
            depth -= 1
        elif depth == 0 and part[0] != "'":
            operators.add(part[0])
    # | binds loosest, then &, then <->: the loosest at the top level is the top.
    return next((operator for operator in "|&<" if operator in operators), "")


def _positive_trees(text_query: TextQuery) -> tuple[str | None, str | None]:
    """The English and the Chinese query without their excluded words (querytree), as text."""
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT querytree(websearch_to_tsquery('english', %s)), querytree(to_tsquery('simple', %s))",
            [text_query.text, query_terms(text_query.text) if text_query.chinese is not None else ""],
        )
        return cursor.fetchone()
