"""Highlighting that cannot inject markup: split the text, escape every piece, add our own <mark>.

PostgreSQL's ts_headline is not used: it drops anything that looks like an HTML tag from the text
(so a transcript quoting `<script>` would lose words) and does not escape. Instead PostgreSQL tells
us which words of the page stem to the query's lexemes, and Python marks those words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.chinese import cjk_runs, fold

_QUERY_LEXEME = re.compile(r"(!?)'((?:[^']|'')*)'")
SNIPPET_CHARS = 320
# A word of a query in a script other than Chinese (as search/chinese.py splits it).
_LATIN_WORD = re.compile(r"[^\W_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def english_lexemes(query: str) -> set[str]:
    """The lexemes a web-search query looks for (excluded words left out)."""
    with connection.cursor() as cursor:
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
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word "
            "WHERE tsvector_to_array(to_tsvector('english', word)) && %s::text[]",
            [words, sorted(lexemes)],
        )
        return {row[0] for row in cursor.fetchall()}


def mark_words(text: str, words: set[str], *, snippet: bool = False) -> SafeString:
    """`text` escaped, with each of `words` (lower-case) in <mark>; cut around the first mark if asked."""
    pattern = _words_pattern(frozenset(words))
    spans = [m.span() for m in pattern.finditer(text)] if pattern else []
    return _render(text, spans, snippet=snippet)


@lru_cache(maxsize=64)
def _words_pattern(words: frozenset[str]) -> re.Pattern | None:
    """Whole words only: a match may not start or end inside a longer run of letters and digits."""
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)


def mark_chinese(text: str, query: str, *, words: bool = False, snippet: bool = False) -> SafeString:
    """`text` escaped, with the query's Chinese runs marked, Traditional and Simplified alike.

    With `words`, the query's other words too, whole and in any case (the Chinese index matched them).
    """
    runs = cjk_runs(query)
    folded = fold(text)
    if len(folded) != len(text):
        return _render(text, [], snippet=snippet)
    alternatives = [re.escape(run) for run in sorted(runs, key=len, reverse=True)]
    if words:
        latin = sorted({w.lower() for w in _LATIN_WORD.findall(query)}, key=len, reverse=True)
        alternatives += [rf"(?<![^\W_]){re.escape(word)}(?![^\W_])" for word in latin]
    if not alternatives:
        return _render(text, [], snippet=snippet)
    pattern = re.compile("|".join(alternatives), re.IGNORECASE)
    return _render(text, [m.span() for m in pattern.finditer(folded)], snippet=snippet)


def _render(text: str, spans: list[tuple[int, int]], *, snippet: bool) -> SafeString:
    start, end = 0, len(text)
    if snippet and len(text) > SNIPPET_CHARS:
        first = spans[0][0] if spans else 0
        start = 0 if first < SNIPPET_CHARS // 3 else text.rfind(" ", 0, first - SNIPPET_CHARS // 4) + 1
        end = text.find(" ", start + SNIPPET_CHARS)
        end = len(text) if end == -1 else end
    pieces = ["… " if start else ""]
    position = start
    for span_start, span_end in spans:
        if span_start < position or span_end > end:
            continue
        pieces += [escape(text[position:span_start]), "<mark>", escape(text[span_start:span_end]), "</mark>"]
        position = span_end
    pieces += [escape(text[position:end]), " …" if end < len(text) else ""]
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of the text is escaped above
