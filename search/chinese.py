"""Chinese text as PostgreSQL can search it. Pure Python: no Django here.

PostgreSQL's parser makes a whole run of Chinese characters one token, so "營收" inside a sentence is
never found. We write Chinese as overlapping two-character terms (bigrams) instead, in positions
that keep phrases adjacent, and fold Traditional to Simplified (OpenCC's character table) on both the
text and the query, so that 营收 finds 營收. Words in other scripts pass through, lower-cased.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

# CJK Unified Ideographs (with extension A), compatibility ideographs.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_]+", re.UNICODE)
_CJK_RUN = re.compile(rf"[{_CJK}]+")


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


def _quote(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "\\\\") + "'"


def query_terms(query: str) -> str:
    """A to_tsquery('simple', ...) expression matching every word of the query, Chinese as phrases.

    Returns "" when the query has nothing searchable. The result only ever contains quoted terms and
    the operators & and <->, so user input cannot change the query's structure.
    """
    parts = []
    for token in _TOKEN.findall(fold(query)):
        if _CJK_RUN.fullmatch(token):
            parts.append(" <-> ".join(_quote(term) for term in _run_terms(token)))
        else:
            parts.append(_quote(token.lower()))
    return " & ".join(f"({part})" for part in parts)
