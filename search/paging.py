"""The ids of a page of hits: ranked by relevance or in period order, cut with LIMIT, remembered
in blocks of pages (search/cache.py).

Ranking scores every match it is given, so over a large result set it starts from the paragraphs
that repeat every word of the query (search.textquery.Tiers, an index lookup): ts_rank grows with how
often a query's words occur, so for a one-word query every paragraph saying it at least 16 times
outranks every paragraph saying it fewer times, and the top of that tier is the exact top of all
matches as long as the tier fills the page. A query ts_rank scores word by word (OR, or one word)
takes a tier's page only when it ranks above the best a paragraph outside the tier could
(Tiers.rank_bound), and goes down to the next tier otherwise: "pricing OR inflation" said 9 and 3
times outranks both words said 4 times. For the others (AND, phrases: scored by how close the
words are) a tier is an approximation, measured as recall@20 against ranking every match
(bench/search.py). A tier that cannot fill the page falls back to the next (8, 4, then 2 times),
then to every match.
"""

from __future__ import annotations

from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery

from search.cache import remembered
from search.textquery import REPEAT_TIERS, TextQuery, Tiers

PAGE_SIZE = 20
PAGES_PER_BLOCK = 10  # pages of ids ranked by relevance and remembered at once
# Above this many matches, ranking starts from the paragraphs repeating the query's words: scoring
# each match reads its positions, about 10 ms per thousand.
RANK_LIMIT = 2_000
# Paragraphs of a tier ranked at most (a tier larger than this is ranked from its first ones):
# ranking reads each one's positions. 5,000 keep recall@20 at 20,000's over bench/search.py's
# queries (2,000 lost a common word's) at three quarters of the time.
CANDIDATES = 5_000
# ts_rank is computed in single precision: a rank this close to a tier's bound is not above it.
RANK_SLACK = 1e-6


def page_ids(
    queryset: QuerySet,
    text_query: TextQuery | None,
    *,
    sort: str,
    page: int,
    version: int,
    state: dict,
    bounded: QuerySet | None = None,
    markers: str = "",
    langs: frozenset[str] | set[str] = frozenset(),
) -> list[int]:
    """The ids of page `page` of `queryset`'s matches, in order.

    Ranked in blocks of pages: ranking every match costs the same for 20 ids as for 200, so the
    next pages come from the cache. Date orders read an index and stop at the page, so they take
    one page at a time. `bounded`: the matches are many; rank from the repeating tiers first,
    found among `bounded` (the filtered paragraphs, without the text condition) and narrowed by
    the filters' `markers` in the index (calls.markers.marker_query's text), then tested for the
    query in `langs` one by one.
    """
    # Ranking every match costs the same for 20 ids as for 200; ranking a tier costs per candidate,
    # and a block of one page is filled from the smallest tier.
    per_block = PAGES_PER_BLOCK if text_query is not None and sort == "relevance" and bounded is None else 1
    block = (page - 1) // per_block
    block_ids = remembered(
        "ids",
        version,
        {**state, "sort": sort, "block": block, "per_block": per_block},
        lambda: _block_ids(
            queryset,
            text_query,
            sort=sort,
            block=block,
            per_block=per_block,
            bounded=bounded,
            markers=markers,
            langs=langs,
        ),
    )
    start = (page - 1 - block * per_block) * PAGE_SIZE
    return block_ids[start : start + PAGE_SIZE]


def _block_ids(
    queryset: QuerySet,
    text_query: TextQuery | None,
    *,
    sort: str,
    block: int,
    per_block: int,
    bounded: QuerySet | None = None,
    markers: str = "",
    langs: frozenset[str] | set[str] = frozenset(),
) -> list[int]:
    """The ids of a block of `per_block` pages of hits, in order."""
    size = PAGE_SIZE * per_block
    start, end = block * size, (block + 1) * size
    if text_query is None or sort in ("newest", "oldest"):
        ordered = queryset.order_by(*_period_order(sort or "newest"))
        return list(ordered.values_list("pk", flat=True)[start:end])
    if bounded is not None:
        # A tier's candidates are tested for the query row by row: the plain vectors cost less.
        rechecked = bounded.filter(text_query.row_condition(langs))
        tiers = Tiers(text_query)
        found = []
        # The higher tiers' best, down to the block's end, ranked among the next tier's candidates:
        # a tier of more than CANDIDATES is ranked from its first ones, which need not hold them.
        carried: list[int] = []
        for tier in sorted(REPEAT_TIERS, reverse=True):
            tier_condition = tiers.condition(tier, markers=markers)
            if tier_condition is None:
                break
            candidates = Q(InArray(bounded.filter(tier_condition).order_by().values("pk")[:CANDIDATES]))
            if carried:
                candidates |= Q(pk__in=carried)
            # From the first rank, not the block's start: the ranks before it are carried too.
            leading = _ranked(rechecked.filter(candidates), text_query, start=0, end=end)
            carried = [pk for pk, _rank in leading]
            ranked = leading[start:end]
            if len(ranked) < size:
                # Too few to fill the block: the lower tier holds these and more.
                continue
            found = [pk for pk, _rank in ranked]
            bound = tiers.rank_bound(tier)
            # Strictly above: a paragraph outside ranked the same would come first if newer.
            if bound is None or ranked[-1][1] > bound * (1 + RANK_SLACK):
                return found
        if found:
            # No tier is certainly the top, and ranking every match would read them all: the
            # lowest tier that filled the block, as recall@20 measures it.
            return found
    return ranked_ids(queryset, text_query, start=start, end=end)


class InArray(Func):
    """id = ANY(ARRAY(<subquery>)): the subquery's ids found once (an InitPlan), then each read by
    its primary key. The tier's paragraphs are found on their own: as `pk IN (subquery)` the
    planner may join them with the text condition, and a phrase's re-check would then run the
    tier's function again on every row; as a Python list, 20,000 ids cost more to send than to
    rank."""

    output_field = BooleanField()

    def __init__(self, subquery: QuerySet):
        super().__init__(F("pk"), Subquery(subquery))

    def as_sql(self, compiler, connection, **extra_context):
        column, column_params = compiler.compile(self.source_expressions[0])
        subquery, subquery_params = compiler.compile(self.source_expressions[1])
        return f"{column} = ANY(ARRAY{subquery})", [*column_params, *subquery_params]


def ranked_ids(queryset: QuerySet, text_query: TextQuery, *, start: int, end: int) -> list[int]:
    """The ids of `queryset`'s matches from `start` to `end` by relevance, ties newest first."""
    return [pk for pk, _rank in _ranked(queryset, text_query, start=start, end=end)]


def _ranked(queryset: QuerySet, text_query: TextQuery, *, start: int, end: int) -> list[tuple[int, float]]:
    """ranked_ids with each one's rank."""
    ordered = queryset.annotate(rank=text_query.rank()).order_by("-rank", *_period_order("newest"))
    return list(ordered.values_list("pk", "rank")[start:end])


def _period_order(sort: str) -> list[str]:
    # Newest first follows the utterance_newest_first index; oldest first reads it backwards for
    # the period and sorts each period's few calls (PostgreSQL's incremental sort).
    if sort == "oldest":
        return ["fiscal_year", "fiscal_quarter", "call_id", "position"]
    return ["-fiscal_year", "-fiscal_quarter", "call_id", "position"]
