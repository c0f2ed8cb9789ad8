"""The ids of a page of hits: ranked by relevance or in period order, cut with LIMIT, remembered
in blocks of pages (search/cache.py)."""

from __future__ import annotations

from django.db.models import QuerySet

from search.cache import remembered
from search.textquery import TextQuery

PAGE_SIZE = 20
PAGES_PER_BLOCK = 10  # pages of ids ranked by relevance and remembered at once


def page_ids(
    queryset: QuerySet, text_query: TextQuery | None, *, sort: str, page: int, version: int, state: dict
) -> list[int]:
    """The ids of page `page` of `queryset`'s matches, in order.

    Ranked in blocks of pages: ranking every match costs the same for 20 ids as for 200, so the
    next pages come from the cache. Date orders read an index and stop at the page, so they take
    one page at a time.
    """
    per_block = PAGES_PER_BLOCK if text_query is not None and sort == "relevance" else 1
    block = (page - 1) // per_block
    block_ids = remembered(
        "ids",
        version,
        {**state, "sort": sort, "block": block, "per_block": per_block},
        lambda: _block_ids(queryset, text_query, sort=sort, block=block, per_block=per_block),
    )
    start = (page - 1 - block * per_block) * PAGE_SIZE
    return block_ids[start : start + PAGE_SIZE]


def _block_ids(
    queryset: QuerySet, text_query: TextQuery | None, *, sort: str, block: int, per_block: int
) -> list[int]:
    """The ids of a block of `per_block` pages of hits, in order."""
    if text_query is None or sort in ("newest", "oldest"):
        ordered = queryset.order_by(*_period_order(sort or "newest"))
    else:
        ordered = queryset.annotate(rank=text_query.rank()).order_by("-rank", *_period_order("newest"))
    size = PAGE_SIZE * per_block
    return list(ordered.values_list("pk", flat=True)[block * size : (block + 1) * size])


def _period_order(sort: str) -> list[str]:
    # Newest first follows the utterance_newest_first index; oldest first reads it backwards for
    # the period and sorts each period's few calls (PostgreSQL's incremental sort).
    if sort == "oldest":
        return ["fiscal_year", "fiscal_quarter", "call_id", "position"]
    return ["-fiscal_year", "-fiscal_quarter", "call_id", "position"]
