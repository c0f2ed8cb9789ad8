"""When a search finds nothing: which word of the query or which filter emptied it.

Only run when the total is zero. Each part of the query and each filter in use is taken away in
turn and the rest counted again (capped: "1000+" is enough to say it is worth dropping), a query
each: a few on a page that found nothing, where the queries are cheap anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.chips import Chip
from search.facets import without
from search.filters import DATE_FILTERS
from search.textquery import TextQuery

CAP = 1000  # counted up to this, then "1000+"
MAX_PARTS = 6  # words of the query tried one by one; a longer query is rare and costs a query each

# The parts of a websearch query: a quoted phrase (maybe excluded), or a word (maybe excluded).
PART = re.compile(r'-?"[^"]*"?|\S+')


@dataclass
class Culprit:
    kind: str  # "word" or "filter"
    label: str  # the word as typed, or the filter's value as shown
    title: str  # "" for a word; the filter's name ("Role")
    count: int  # paragraphs found without it, at most CAP
    drop_url: str

    @property
    def more(self) -> bool:
        return self.count >= CAP


def query_parts(query: str) -> list[str]:
    """The query's words and phrases as typed, without the OR between them."""
    return [part for part in PART.findall(query) if part != "OR"]


def query_without(query: str, index: int) -> str:
    """The query with its `index`-th part (as query_parts counts) taken out, with the OR joining it."""
    tokens = PART.findall(query)
    at = [i for i, word in enumerate(tokens) if word != "OR"][index]
    if at + 1 < len(tokens) and tokens[at + 1] == "OR":
        del tokens[at : at + 2]
    elif at > 0 and tokens[at - 1] == "OR":
        del tokens[at - 1 : at + 1]
    else:
        del tokens[at]
    return " ".join(tokens)


def why_nothing(filterset, params, *, query: str, langs: set[str], chips: list[Chip]) -> list[Culprit]:
    """What to take away to find something: each part of the query and each filter that does it alone."""
    culprits = []
    parts = query_parts(query)
    if len(parts) > 1:
        for index, part in enumerate(parts[:MAX_PARTS]):
            rest = query_without(query, index)
            found = _count(filterset, query=rest, langs=langs)
            if found:
                url = params.copy()
                url.pop("page", None)
                url["q"] = rest
                culprits.append(Culprit("word", part, "", found, "?" + url.urlencode()))
    by_filter: dict[str, list[Chip]] = {}
    for chip in chips:
        by_filter.setdefault("date" if chip.name in DATE_FILTERS else chip.name, []).append(chip)
    for name, group in by_filter.items():
        skipped = DATE_FILTERS if name == "date" else (name,)
        found = _count(
            filterset,
            query=query,
            langs=set() if name == "lang" else langs,
            skip=() if name == "lang" else skipped,
        )
        if found:
            label = " ".join(chip.label for chip in group)
            culprits.append(Culprit("filter", label, group[0].title, found, without(params, *skipped)))
    return culprits


def _count(filterset, *, query: str, langs: set[str], skip=()) -> int:
    text_query = TextQuery.parse(query, translations="zh" in langs)
    matches = filterset.matching(text_query, langs, skip=skip)
    return matches.order_by()[:CAP].count()
