"""Highlighting that cannot inject markup: split the text, escape every piece, add our own <mark>.

PostgreSQL's ts_headline is not used: it drops anything that looks like an HTML tag from the text
(so a transcript quoting `<script>` would lose words) and does not escape. Instead PostgreSQL tells
us which words of the page stem to the query's lexemes, and Python marks those words (calls/text.py).
Here because the reading pages of calls use it as the search does, and search depends on calls.
"""

from __future__ import annotations

import re

from django.utils.safestring import SafeString, mark_safe

from calls.text import SNIPPET_CHARS, chinese_spans, marked_html, word_spans
from config.routers import read_connection

__all__ = ["SNIPPET_CHARS", "english_lexemes", "mark_chinese", "mark_words", "words_matching"]

_QUERY_LEXEME = re.compile(r"(!?)'((?:[^']|'')*)'")


def english_lexemes(query: str) -> set[str]:
    """The lexemes a web-search query looks for (excluded words left out)."""
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery('english', %s)::text", [query])
        tsquery = cursor.fetchone()[0] or ""
    return {lexeme.replace("''", "'") for negated, lexeme in _QUERY_LEXEME.findall(tsquery) if not negated}


def words_matching(texts: list[str], lexemes: set[str]) -> set[str]:
    """The words of `texts` that PostgreSQL's English stemmer turns into one of `lexemes`; one query."""
    # The Snowball stemmer only ever rewrites the end of a word, so a word and its stem begin with
    # the same character: only such words are sent to be stemmed (a long paragraph has thousands).
    initials = "".join(sorted({re.escape(lexeme[0]) for lexeme in lexemes if lexeme}))
    if not initials:
        return set()
    candidate = re.compile(rf"(?<![^\W_])[{initials}][^\W_]*", re.IGNORECASE)
    words = sorted({word.lower() for text in texts for word in candidate.findall(text)})
    if not words:
        return set()
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word "
            "WHERE tsvector_to_array(to_tsvector('english', word)) && %s::text[]",
            [words, sorted(lexemes)],
        )
        return {row[0] for row in cursor.fetchall()}


def mark_words(text: str, words: set[str], *, snippet: bool = False) -> SafeString:
    """`text` escaped, with each of `words` (lower-case) in <mark>; cut around the first mark if asked."""
    return mark_safe(marked_html(text, word_spans(text, words), snippet=snippet))  # noqa: S308 - escaped


def mark_chinese(text: str, query: str, *, words: bool = False, snippet: bool = False) -> SafeString:
    """`text` escaped, with the query's Chinese runs marked, Traditional and Simplified alike.

    With `words`, the query's other words too, whole and in any case (the Chinese index matched them).
    """
    spans = chinese_spans(text, query, words=words)
    return mark_safe(marked_html(text, spans, snippet=snippet))  # noqa: S308 - escaped
