"""Hits grouped by call (?group=call): the calls a search matches, each with how many paragraphs.

Three queries whatever the page: how many calls match, one page of them with their counts (one
GROUP BY over the matches, or over the per-call tallies when there is no query), and those calls
with their companies.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum

from calls.models import Call
from search.models import UtteranceTally
from search.textquery import TextQuery

CALLS_PER_PAGE = 20


@dataclass
class CallGroup:
    call: Call
    count: int  # paragraphs of the call that match


@dataclass
class CallGroups:
    total: int  # calls that match
    page: int
    groups: list[CallGroup]


def calls_matching(filterset, *, query: str, langs: set[str], sort: str, page: int) -> CallGroups:
    """Page `page` of the calls with paragraphs matching the search, each with how many.

    By relevance (the default with a query) the calls with the most matches come first, newest
    first among equals; "newest" and "oldest" order them by period.
    """
    text_query = TextQuery.parse(query, translations="zh" in langs)
    if text_query is None:
        matches, count = filterset.filter_queryset(UtteranceTally.objects.all()), Sum("utterances")
    else:
        matches, count = filterset.matching(text_query, langs), Count("pk")
    # Period columns are the call's own (every paragraph and tally of a call carries its period),
    # so grouping by them as well keeps one row per call and lets the rows be ordered by period.
    grouped = matches.order_by().values("call_id", "fiscal_year", "fiscal_quarter").annotate(n=count)
    total = grouped.count()
    pages = max(1, -(-total // CALLS_PER_PAGE))
    page = min(max(page, 1), pages)
    newest = ["-fiscal_year", "-fiscal_quarter", "call_id"]
    if sort == "oldest":
        order = ["fiscal_year", "fiscal_quarter", "call_id"]
    elif sort == "newest" or text_query is None:
        order = newest
    else:
        order = ["-n", *newest]
    start = (page - 1) * CALLS_PER_PAGE
    rows = list(grouped.order_by(*order)[start : start + CALLS_PER_PAGE]) if total else []
    calls = Call.objects.select_related("company").in_bulk([row["call_id"] for row in rows])
    return CallGroups(
        total=total,
        page=page,
        groups=[CallGroup(call=calls[row["call_id"]], count=row["n"]) for row in rows],
    )


__all__ = ["CALLS_PER_PAGE", "CallGroup", "CallGroups", "calls_matching"]
