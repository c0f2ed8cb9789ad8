"""Highlighting that cannot inject markup: it lives in calls/highlight.py (the reading pages use it
too, and search depends on calls, never the reverse); these names stay here for the search's modules."""

from calls.highlight import (
    SNIPPET_CHARS,
    english_lexemes,
    english_spans,
    mark_chinese,
    mark_spans,
    mark_words,
    words_matching,
)

__all__ = [
    "SNIPPET_CHARS",
    "english_lexemes",
    "english_spans",
    "mark_chinese",
    "mark_spans",
    "mark_words",
    "words_matching",
]
