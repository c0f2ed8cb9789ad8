"""Text rules the archive and its search share. Pure Python: no Django here.

- Chinese as PostgreSQL can search it. PostgreSQL's parser makes a whole run of Chinese characters
  one token, so "營收" inside a sentence is never found. We write Chinese as overlapping
  two-character terms (bigrams) instead, in positions that keep phrases adjacent, and fold
  Traditional to Simplified (OpenCC's character table) on both the text and the query, so that 营收
  finds 營收. Words in other scripts pass through, lower-cased.
- Marking words in a text: the spans of whole words or Chinese runs, and the text escaped around
  our own <mark> tags (search/highlight.py and the reading pages turn it into a SafeString).
- The search query as typed, trimmed the one way both the search and the reading pages trim it.
"""

from __future__ import annotations

import html
import re
from functools import cache, lru_cache
from importlib import resources

# CJK Unified Ideographs (with extension A), compatibility ideographs: what "Chinese" means here.
CJK_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHARACTER = re.compile(rf"[{CJK_IDEOGRAPHS}]")
_TOKEN = re.compile(rf"[{CJK_IDEOGRAPHS}]+|[^\W_]+", re.UNICODE)
_CJK_RUN = re.compile(rf"[{CJK_IDEOGRAPHS}]+")
# A word in a script other than Chinese, as _TOKEN splits them.
_LATIN_WORD = re.compile(rf"[^\W_{CJK_IDEOGRAPHS}]+")

MAX_QUERY_CHARS = 200  # longer queries are cut here (documented in README.md)
SNIPPET_CHARS = 320


def trimmed_query(raw: str | None) -> str:
    """A query as typed, as it is searched: NULs removed, surrounding space stripped, cut to length.

    PostgreSQL text cannot hold a NUL, and no stored transcript has one: "mar\\x00gin" finds "margin".
    """
    return (raw or "").replace("\x00", "").strip()[:MAX_QUERY_CHARS].strip()


# Chinese ---------------------------------------------------------------------------------------


@cache
def _traditional_to_simplified() -> dict[int, str]:
    """OpenCC's character-level Traditional-to-Simplified table, read from the opencc package's data."""
    table: dict[int, str] = {}
    text = resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text(encoding="utf-8")
    for row in text.splitlines():
        source, _, targets = row.partition("\t")
        if len(source) == 1 and targets:
            table[ord(source)] = targets.split()[0]
    return table


def fold(text: str) -> str:
    """Traditional characters to Simplified, one character at a time."""
    return text.translate(_traditional_to_simplified())


def has_cjk(text: str) -> bool:
    return _CJK_RUN.search(text) is not None


def cjk_runs(text: str) -> list[str]:
    """The runs of Chinese characters in `text`, folded to Simplified."""
    return _CJK_RUN.findall(fold(text))


def _run_terms(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_terms(text: str) -> str:
    """The text as a space-separated list of terms for a 'simple' tsvector.

    Bigrams stay in order so that a phrase query on them matches adjacent characters; the single
    characters of longer runs come after everything else, so they are searchable without breaking
    that adjacency.
    """
    inline: list[str] = []
    singles: list[str] = []
    for token in _TOKEN.findall(fold(text)):
        if _CJK_RUN.fullmatch(token):
            inline.extend(_run_terms(token))
            if len(token) > 1:
                singles.extend(token)
        else:
            inline.append(token.lower())
    return " ".join(inline + singles)


def chinese_terms(text: str, translation: str) -> str:
    """A paragraph's Chinese side as search terms (Utterance.cjk_terms): its translation, or its
    text when that is Chinese."""
    if translation:
        return index_terms(translation)
    return index_terms(text) if has_cjk(text) else ""


def _quote(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "\\\\") + "'"


# A query's items as web-search syntax has them: an optional "-", then a quoted phrase (its closing
# quote optional, as websearch_to_tsquery reads one) or a run of characters up to a space.
_QUERY_ITEM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


def _query_items(query: str) -> list[tuple[bool, str | None]]:
    """The query's items as (excluded, text); an OR between items is (False, None)."""
    items = []
    for match in _QUERY_ITEM.finditer(query):
        negated = bool(match.group(1) or match.group(3))
        phrase, word = match.group(2), match.group(4)
        if word is not None and not negated and word.lower() == "or":
            items.append((False, None))
        else:
            items.append((negated, phrase if phrase is not None else word))
    return items


def looked_for(query: str) -> str:
    """The query's words that a match contains: without the excluded items and the ORs (what is
    marked in a matching translation)."""
    return " ".join(text for negated, text in _query_items(query) if text is not None and not negated)


def query_terms(query: str) -> str:
    """A to_tsquery('simple', ...) expression for the query in web-search syntax, Chinese as phrases.

    The same syntax as the English index's websearch_to_tsquery: words are all required, `OR`
    between two items takes either (binding tighter than the words around it), `-` excludes an
    item, a quoted phrase needs its words in order. A run of Chinese is a phrase of its bigrams.
    Returns "" when the query has nothing searchable. The result only ever contains quoted terms,
    parentheses and the operators &, |, ! and <->, so user input cannot change the query's structure.
    """
    groups: list[list[str]] = []
    either = False  # the last item was OR: the next item joins the group before it
    for negated, text in _query_items(query):
        if text is None:
            either = bool(groups)
            continue
        chains = []
        for token in _TOKEN.findall(fold(text)):
            if _CJK_RUN.fullmatch(token):
                chains.append(" <-> ".join(_quote(term) for term in _run_terms(token)))
            else:
                chains.append(_quote(token.lower()))
        if not chains:
            continue
        item = " <-> ".join(chains)
        item = f"!({item})" if negated else f"({item})"
        if either:
            groups[-1].append(item)
        else:
            groups.append([item])
        either = False
    return " & ".join(group[0] if len(group) == 1 else "(" + " | ".join(group) + ")" for group in groups)


# Marking ---------------------------------------------------------------------------------------


def word_spans(text: str, words: set[str]) -> list[tuple[int, int]]:
    """Where each of `words` (lower-case) is in `text`, as a whole word in any case."""
    pattern = _words_pattern(frozenset(words))
    return [m.span() for m in pattern.finditer(text)] if pattern else []


@lru_cache(maxsize=64)
def _words_pattern(words: frozenset[str]) -> re.Pattern | None:
    """Whole words only: a match may not start or end inside a longer run of letters and digits."""
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)


def chinese_spans(text: str, query: str, *, words: bool = False) -> list[tuple[int, int]]:
    """Where the query's Chinese runs are in `text`, Traditional and Simplified alike.

    With `words`, the query's other words too, whole and in any case (the Chinese index matched them).
    """
    folded = fold(text)
    if len(folded) != len(text):
        return []
    query = looked_for(query)
    alternatives = [re.escape(run) for run in sorted(cjk_runs(query), key=len, reverse=True)]
    if words:
        latin = sorted({w.lower() for w in _LATIN_WORD.findall(query)}, key=len, reverse=True)
        alternatives += [rf"(?<![^\W_]){re.escape(word)}(?![^\W_])" for word in latin]
    if not alternatives:
        return []
    pattern = re.compile("|".join(alternatives), re.IGNORECASE)
    return [m.span() for m in pattern.finditer(folded)]


def snippet_bounds(text: str, first: int) -> tuple[int, int]:
    """Where the snippet of a long `text` whose first mark starts at `first` begins and ends: a little
    before the mark, about SNIPPET_CHARS long, cut at spaces."""
    start = 0 if first < SNIPPET_CHARS // 3 else text.rfind(" ", 0, first - SNIPPET_CHARS // 4) + 1
    end = text.find(" ", start + SNIPPET_CHARS)
    return start, len(text) if end == -1 else end


def marked_html(text: str, spans: list[tuple[int, int]], *, snippet: bool = False) -> str:
    """`text` escaped, each span in <mark>; cut to about SNIPPET_CHARS around the first mark if asked.

    Every piece of the text is escaped (html.escape, as Django's escape does): the result is safe.
    """
    start, end = 0, len(text)
    if snippet and len(text) > SNIPPET_CHARS:
        start, end = snippet_bounds(text, spans[0][0] if spans else 0)
    pieces = ["… " if start else ""]
    position = start
    for span_start, span_end in spans:
        if span_start < position or span_end > end:
            continue
        pieces += [
            html.escape(text[position:span_start]),
            "<mark>",
            html.escape(text[span_start:span_end]),
            "</mark>",
        ]
        position = span_end
    pieces += [html.escape(text[position:end]), " …" if end < len(text) else ""]
    return "".join(pieces)
