"""Keyword in context: each occurrence of the query's words in the matching paragraphs, with a fixed
window of words on each side, for reading how a term is used down one aligned column."""

from __future__ import annotations

import re
from dataclasses import dataclass

from calls.models import Utterance
from config.routers import read_connection

WORD = re.compile(r"\w+(?:['’]\w+)*")
# Words a websearch query excludes (-word, -"a phrase") are not what the reader is looking for.
EXCLUDED = re.compile(r'(?:^|\s)-(?:"[^"]*"|\S+)')
DEFAULT_WIDTH = 8
MAX_WIDTH = 20
MAX_PARAGRAPHS = 500  # the first paragraphs in the search's order; the page says when it stops
MAX_LINES = 2000
ORDERS = ("", "left", "right")


@dataclass
class Line:
    utterance: Utterance
    left: str
    keyword: str
    right: str
    left_key: tuple[str, ...]
    right_key: tuple[str, ...]


def query_lexemes(text: str) -> list[str]:
    """The English lexemes of the words the query looks for (its excluded words left out)."""
    kept = EXCLUDED.sub(" ", text)
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector('english', %s))", [kept])
        return list(cursor.fetchone()[0] or [])


def matching_words(words: set[str], lexemes: list[str]) -> set[str]:
    """Which of `words` (lower-cased) the English index reads as one of `lexemes`: one query."""
    if not words or not lexemes:
        return set()
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS w"
            " WHERE tsvector_to_array(to_tsvector('english', w)) && %s::text[]",
            [sorted(words), lexemes],
        )
        return {row[0] for row in cursor.fetchall()}


def lines_of(utterance: Utterance, hits: set[str], width: int) -> list[Line]:
    """The occurrences in one paragraph: runs of consecutive matching words are one keyword."""
    text = utterance.text
    tokens = list(WORD.finditer(text))
    found, index = [], 0
    while index < len(tokens):
        if tokens[index].group().lower() not in hits:
            index += 1
            continue
        end = index
        while end + 1 < len(tokens) and tokens[end + 1].group().lower() in hits:
            end += 1
        before = tokens[max(0, index - width) : index]
        after = tokens[end + 1 : end + 1 + width]
        start, stop = tokens[index].start(), tokens[end].end()
        found.append(
            Line(
                utterance=utterance,
                left=text[before[0].start() : start] if before else "",
                keyword=text[start:stop],
                right=text[stop : after[-1].end()] if after else "",
                left_key=tuple(t.group().lower() for t in reversed(before)),
                right_key=tuple(t.group().lower() for t in after),
            )
        )
        index = end + 1
    return found


def concordance(search, *, width: int = DEFAULT_WIDTH, order: str = "") -> dict:
    """{"lines", "paragraphs" (read), "truncated"}: the occurrences, in the search's order or sorted."""
    if search.text_query is None:
        return {"lines": [], "paragraphs": 0, "truncated": False}
    rows = list(search.ordered().select_related("call__company", "turn")[: MAX_PARAGRAPHS + 1])
    truncated = len(rows) > MAX_PARAGRAPHS
    rows = rows[:MAX_PARAGRAPHS]
    words = {m.group().lower() for row in rows for m in WORD.finditer(row.text)}
    hits = matching_words(words, query_lexemes(search.query))
    lines = [line for row in rows for line in lines_of(row, hits, width)]
    if len(lines) > MAX_LINES:
        lines, truncated = lines[:MAX_LINES], True
    if order == "left":
        lines.sort(key=lambda line: (line.left_key, line.keyword.lower()))
    elif order == "right":
        lines.sort(key=lambda line: (line.right_key, line.keyword.lower()))
    return {"lines": lines, "paragraphs": len(rows), "truncated": truncated}
