"""The total and the facet counts of a search: exact when the exact answer fits the first
response's budget, estimated from a fixed-rate sample of paragraphs above it (and labelled so).

Exact: the total and every facet not in use are counted in one GROUPING SETS pass over the matches
(over the per-call tallies when there is no query), each facet in use in a pass of its own; the
whole archive, browsed with no query and no filter, is read from the totals the database keeps
(search/migrations/0005), since that pass over every tally grew with the archive. Each
exact count is remembered under what it depends on (search/cache.py), so once the exact figures
have been asked for (the page fetches them in the background, the API with exact=1) every visitor
gets them at once.

Estimated: counting every match costs in proportion to the matches (half a second for a common
word at a million paragraphs, growing with the archive). The first response of a search with more
than EXACT_LIMIT matches counts its matches among the paragraphs whose id is a multiple of the
sample rate instead (a partial GIN index each: search/migrations/0003), the same passes over a
16th or a 256th of the rows, scaled up. A facet value is shown from the sample only when enough
sampled matches support it (MIN_SAMPLE_HITS: relative error about 1/sqrt(hits)); the others wait
for the exact counts. Estimates are never remembered as counts.

Counts are plain values, as cached: {"total": n, facet: [(value, name or None, count), ...]};
`Counts` adds which of them are estimates; search/results.py labels them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db.models import BooleanField, ExpressionWrapper, F, Func, Q, QuerySet, Value

from config.routers import read_connection
from search.cache import keep, recall, remembered, without
from search.models import UtteranceTally
from search.registry import FACETS, FACETS_BY_NAME, LANGUAGE
from search.textquery import TextQuery

FACET_SIZE = 25  # values shown per facet; counts stay exact for the values shown

# The sample rates, densest first: paragraphs whose id is a multiple of the rate are sampled
# (the partial indexes utterance_sample_<rate>_en/_zh).
SAMPLE_RATES = (16, 256)
# Matches counted exactly in a pass of the first response; above it, estimated. Exact counting
# costs 2 to 10 ms per thousand matches (a phrase re-reads each match's positions) on two cores
# (bench/search.py), so this keeps a pass under about 50 ms.
EXACT_LIMIT = 10_000
# Sampled matches grouped at most: past it, the next, sparser sample, so that the cost stays
# bounded as the archive grows.
SAMPLE_BUDGET = 10_000
# A facet value is estimated only from at least this many sampled matches: ±3.2% standard error,
# so that the largest error among the fifty-odd values a page shows (about three standard errors)
# stays under 10%. 400 (±5%) showed values 15.6% off at ten million paragraphs (bench/search.py).
MIN_SAMPLE_HITS = 1_000


@dataclass
class Counts:
    """A search's total and facet counts, with the names of those that are estimates."""

    values: dict
    estimated: frozenset[str] = field(default_factory=frozenset)

    @property
    def total(self) -> int:
        return self.values["total"]

    def is_exact(self, name: str) -> bool:
        return name not in self.estimated


class InSample(Func):
    """Paragraphs in the sample of `rate`: mod(id, rate) = 0, word for word the partial indexes'
    predicate, without which the planner would not use them."""

    output_field = BooleanField()

    def __init__(self, rate: int):
        if rate not in SAMPLE_RATES:
            raise ValueError(f"no sample index for rate {rate}")
        super().__init__(F("id"))
        self.rate = rate

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"mod({column}, {int(self.rate)}) = 0", params


def facet_counts(
    filterset,
    *,
    text_query: TextQuery | None,
    langs: set[str],
    version: int,
    state: dict,
    exact: bool = False,
) -> Counts:
    """The total and the counts per facet value: exact, or estimated where a pass over the matches
    would not fit the first response (more than EXACT_LIMIT of them) unless `exact` is asked for.

    A facet's counts ignore its own selection (so that a second value can be added), so they depend
    on the query and the other filters only, and are remembered under that: after a search, the
    facet a value is picked from is not counted again, only the others, over the narrower set.
    Facets whose filter is not in use share one pass over the matches (GROUPING SETS), which also
    gives the total; each facet in use needs a pass of its own. Each pass is estimated or exact on
    its own: `?q=margin&role=analyst` counts the analysts' few matches exactly and estimates the
    role facet, which counts every role's.
    """
    names = [facet.name for facet in FACETS] + ([LANGUAGE.name] if text_query is not None else [])
    # What each count depends on: the total on the whole state, a facet on all but its selection.
    own_states = {"total": state} | {name: without(state, name) for name in names}
    counted = {name: recall(f"count:{name}", version, own) for name, own in own_states.items()}
    missing = {name for name, values in counted.items() if values is None}
    may_estimate = text_query is not None and not exact
    remembered_estimates = set()
    if missing and may_estimate:
        # Estimates are remembered too, apart from the exact counts, which replace them once counted.
        for name in missing:
            counted[name] = recall(f"estimate:{name}", version, own_states[name])
            if counted[name] is not None:
                remembered_estimates.add(name)
        missing -= remembered_estimates
    if not missing:
        return Counts(counted, estimated=frozenset(remembered_estimates))
    counter = _Counter(estimate=may_estimate and _paragraphs(version) > EXACT_LIMIT)
    fresh = _counted(
        filterset, text_query=text_query, langs=langs, state=state, missing=missing, counter=counter
    )
    if "lang" in fresh and fresh["lang"] is None:  # an English-only query: all its matches English
        total = fresh.get("total", counted.get("total"))
        fresh["lang"] = [("en", None, total)] if total else []
        if "total" in counter.estimated:
            counter.estimated.add("lang")
    counted.update(fresh)
    for name in missing:
        kind = "estimate" if name in counter.estimated else "count"
        keep(f"{kind}:{name}", version, own_states[name], counted[name])
    return Counts(counted, estimated=frozenset(counter.estimated | remembered_estimates))


def _paragraphs(version: int) -> int:
    """About how many paragraphs the archive holds (no pass can match more), once per data version:
    a small archive is always counted exactly, without asking the samples first."""
    return remembered("paragraphs", version, {}, _paragraph_count)


def _paragraph_count() -> int:
    # The planner's figure (kept by ANALYZE and autovacuum) costs nothing; it is trusted only when it
    # says "large", since a table not yet analyzed says -1 or 0. A figure too high (rows deleted
    # since) only means the samples are asked, and they answer exactly for small result sets.
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN reltuples > %s THEN reltuples::bigint"
            " ELSE (SELECT count(*) FROM calls_utterance) END"
            " FROM pg_class WHERE oid = 'calls_utterance'::regclass",
            [EXACT_LIMIT],
        )
        return cursor.fetchone()[0]


@dataclass
class _Counter:
    """Runs the counting passes: each exactly, or over a sample when `estimate` and the pass has
    more matches than EXACT_LIMIT. Remembers which counts are estimates."""

    estimate: bool
    estimated: set[str] = field(default_factory=set)

    def grouped(
        self,
        queryset: QuerySet,
        *,
        facets: list[str],
        languages: dict,
        weight=None,
        giving: list[str],
        selected: frozenset[str] = frozenset(),
        selection: Callable[[], QuerySet] | None = None,
    ) -> dict:
        """grouped_counts(...) of `queryset`, or its estimate; `giving`: the counts the caller takes
        from it (marked estimated if it is one); `selected`: values shown even when uncertain (a
        value the user picked stays on the page, to be taken away). `selection`: makes the matches
        of the selected values alone (one facet's), which count those values again, exactly or from
        a denser sample, where this pass's sample holds too few of them."""
        rate = sample_rate(queryset) if self.estimate else None
        if rate is None:
            return grouped_counts(queryset, facets=facets, languages=languages, weight=weight)
        # Values too few sampled matches support are left out: the exact counts show them. Without
        # a value to keep, PostgreSQL leaves them out itself (a common word's sample groups into
        # thousands of speakers and companies, of which a handful can be shown).
        sampled = grouped_counts(
            queryset.filter(InSample(rate)),
            facets=facets,
            languages=languages,
            at_least=0 if selected else MIN_SAMPLE_HITS,
        )
        self.estimated.update(giving)
        counts = {
            name: rows * rate
            if name == "total"
            else [
                (value, label, n * rate)
                for value, label, n in rows
                if n >= MIN_SAMPLE_HITS or value in selected
            ]
            for name, rows in sampled.items()
        }
        if selection is not None and len(facets) == 1:
            # A year picked, on a common word: its own pass groups every year's matches from the
            # sparsest sample, where the year picked had 73 sampled matches at ten million
            # paragraphs (shown 13% off). Among its own matches it is counted, or has 1,040.
            (name,) = facets
            # Only the values shown are counted again: a value picked that the sample missed is
            # left out, as the exact counts leave out one past the top values they list.
            thin = {value for value, _label, n in sampled[name] if value in selected and n < MIN_SAMPLE_HITS}
            if thin:
                again = self.grouped(
                    selection(), facets=[name], languages={}, weight=weight, giving=giving, selected=thin
                )
                recounted = {value: n for value, _label, n in again[name] if value in thin}
                # In the order PostgreSQL gives (count, then value); a facet shown in value order
                # is sorted again where it is shown.
                counts[name] = sorted(
                    [(value, label, recounted.get(value, n)) for value, label, n in counts[name]],
                    key=lambda row: (-row[2], row[0]),
                )
        return counts


def sample_rate(matches: QuerySet) -> int | None:
    """The sample to estimate `matches`' counts from, or None when they are few enough to count.

    One count, over the sparsest sample (a 256th of the matches, read from its own partial index),
    says about how many matches there are; the densest sample whose share of them fits
    SAMPLE_BUDGET is then chosen without counting it too (a second count cost as much as the
    estimate itself). Near EXACT_LIMIT the sparse count is rough, which only moves the line
    between counting exactly and estimating a little: either answer is labelled as what it is.
    """
    sparsest = max(SAMPLE_RATES)
    matched = matches.filter(InSample(sparsest)).count() * sparsest
    if matched <= EXACT_LIMIT:
        return None  # few enough to count every match
    for rate in sorted(SAMPLE_RATES):
        if matched / rate <= SAMPLE_BUDGET:
            return rate
    return sparsest


def _counted(
    filterset,
    *,
    text_query: TextQuery | None,
    langs: set[str],
    state: dict,
    missing: set[str],
    counter: _Counter,
) -> dict:
    """The counts named in `missing`; "lang" is None when every match is English (the total's)."""
    in_use = [name for name, values in state["filters"].items() if values]
    lang_conditions = text_query.language_conditions() if text_query is not None else {}
    # Without a query every utterance matches: count from the tallies instead of the utterances.
    weight = "utterances" if text_query is None else None

    def matches(skip: str = "") -> QuerySet:
        if text_query is None:
            return filterset.filter_queryset(UtteranceTally.objects.all(), skip=skip)
        return filterset.matching(text_query, langs, skip=skip)

    counted = {}
    shared = [facet.name for facet in FACETS if facet.name not in in_use and facet.name in missing]
    lang_in_shared_pass = "lang" in missing and not langs and bool(lang_conditions)
    english_only = "lang" in missing and text_query is not None and not langs and not lang_conditions
    if text_query is None and not in_use:
        # The whole archive, browsed: its totals are kept as the tallies are written.
        counted.update(archive_counts(shared))
    elif shared or "total" in missing or lang_in_shared_pass or english_only:
        counted.update(
            counter.grouped(
                matches(),
                facets=shared,
                languages=lang_conditions if lang_in_shared_pass else {},
                weight=weight,
                giving=["total", *shared, *(["lang"] if lang_in_shared_pass else [])],
            )
        )
    for name in in_use:
        if name in missing and text_query is None and in_use == [name]:
            # Its own counts ignore its selection, the only filter: the whole archive's, kept.
            counted[name] = archive_counts([name])[name]
        elif name in missing:
            own = counter.grouped(
                matches(skip=name),
                facets=[name],
                languages={},
                weight=weight,
                giving=[name],
                selected=frozenset(filterset.selected(name)),
                selection=matches,
            )
            counted[name] = own[name]
    if english_only:
        # An English-only query matches English text only: no need to test every match again.
        counted["lang"] = None
    elif "lang" in missing and text_query is not None and not lang_in_shared_pass:
        # The language facet ignores its own selection: the matches in either language.
        either = counter.grouped(
            filterset.matching(text_query, set()),
            facets=[],
            languages=lang_conditions,
            giving=["lang"],
        )
        counted["lang"] = either.get("lang") or _english_only(either["total"])
    return counted


def _english_only(total: int) -> list[tuple[str, None, int]]:
    """The language facet of matches that are all English."""
    return [("en", None, total)] if total else []


def grouped_counts(
    queryset: QuerySet,
    *,
    facets: list[str],
    languages: dict[str, Q],
    weight: str | None = None,
    at_least: int = 0,
) -> dict:
    """Counts of `queryset` per value of each facet, its total and its matches per language: one query.

    Returns {"total": n, facet: [(value, name, count), ...] (largest first, FACET_SIZE at most
    except for facets that show all their values), "lang": [(code, None, count), ...] when
    languages are given}. Matches are grouped by their own columns; the names of facets counted by
    id (company, speaker) are looked up only for the values shown. With `weight`, each row counts
    as that many (tallies). `at_least`: the values counted fewer times are left out.
    """
    columns = {"weight": F(weight) if weight else Value(1)}
    for name in facets:
        columns[f"{name}_value"] = F(FACETS_BY_NAME[name].column)
    for code, condition in languages.items():
        columns[f"lang_{code}"] = ExpressionWrapper(condition, output_field=BooleanField())
    try:
        inner_sql, params = queryset.order_by().values(**columns).query.sql_with_params()
    except EmptyResultSet:  # a condition that matches nothing by construction (Q(pk__in=[]))
        return {name: [] for name in facets} | {"total": 0} | ({"lang": []} if languages else {})

    # Every name interpolated below is one of the registry's facet names, its tables' names or our
    # own language codes, never user input. Values keep their own types while grouping (cheaper
    # than grouping text) and become text after.
    sets = ", ".join([f"({name}_value)" for name in facets] + ["()"])
    # The grand total's row is the one grouped by none of the facets.
    having = (
        f"HAVING COALESCE(sum(weight), 0) >= %s OR GROUPING({', '.join(f'{n}_value' for n in facets)})"
        f" = {2 ** len(facets) - 1}"
        if at_least and facets
        else ""
    )

    def per_facet(column: str) -> str:
        """The grouped facet's `column`, NULL on the grand-total row."""
        cases = " ".join(f"WHEN GROUPING({n}_value) = 0 THEN {column.format(name=n)}" for n in facets)
        return f"CASE {cases} END" if facets else "NULL"

    language_columns = "".join(f", shown.lang_{code}" for code in languages)
    language_counts = "".join(f", count(*) FILTER (WHERE lang_{code}) AS lang_{code}" for code in languages)
    # Each facet's values shown, from the grouped rows: its largest FACET_SIZE (a top-N sort, where
    # ranking every group of every facet sorted tens of thousands of rows), or all of them.
    # Byte order ("C") for ties: the locale's rules cost far more and the values are ids or codes.
    shown, limits = _shown_per_facet(
        facets,
        rows="SELECT * FROM grouped WHERE facet = '{name}' AND value IS NOT NULL",
        order='n DESC, value COLLATE "C"',
    )
    lookups, slugs, names = _name_lookups(facets)
    sql = f"""
        WITH grouped AS MATERIALIZED (
            SELECT {per_facet("'{name}'")} AS facet, {per_facet("{name}_value::text")} AS value,
                   COALESCE(sum(weight), 0)::bigint AS n{language_counts}
            FROM ({inner_sql}) AS matches
            GROUP BY GROUPING SETS ({sets}) {having}
        )
        SELECT shown.facet, COALESCE({slugs}shown.value), COALESCE({names}), shown.n{language_columns}
        FROM (SELECT * FROM grouped WHERE facet IS NULL {" ".join(shown)}) AS shown{lookups}
    """  # noqa: S608
    with read_connection().cursor() as cursor:
        cursor.execute(sql, [*params, *([at_least] if having else []), *limits])
        return _collected(cursor.fetchall(), facets=facets, languages=languages)


def archive_counts(facets: list[str]) -> dict:
    """grouped_counts of the whole archive, with no query and no filter, read from the totals the
    database keeps as tallies are written (search/migrations/0005): a few rows per facet from an
    index, where summing the tallies grew with the archive."""
    shown, limits = _shown_per_facet(
        facets,
        rows="SELECT facet, value, utterances FROM search_archive_total WHERE facet = '{name}'",
        order="utterances DESC, value",  # the column is in byte order ("C") already
    )
    lookups, slugs, names = _name_lookups(facets)
    sql = f"""
        SELECT shown.facet, COALESCE({slugs}shown.value), COALESCE({names}), shown.n
        FROM (
            SELECT NULL AS facet, value, utterances AS n FROM search_archive_total WHERE facet = 'total'
            {" ".join(shown)}
        ) AS shown{lookups}
    """  # noqa: S608 - only the registry's facet names and tables are interpolated
    with read_connection().cursor() as cursor:
        cursor.execute(sql, limits)
        return _collected(cursor.fetchall(), facets=facets, languages={})


def archive_values(name: str) -> list[tuple[int | str, int]]:
    """Every value of facet `name` over the whole archive with its paragraphs, largest first (ties
    in the column's own order), from the totals kept as tallies are written."""
    facet = FACETS_BY_NAME[name]
    typed = int if facet.model is not None or facet.bounds else str
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT value, utterances FROM search_archive_total WHERE facet = %s AND utterances > 0",
            [name],
        )
        rows = [(typed(value), count) for value, count in cursor.fetchall()]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def _shown_per_facet(facets: list[str], *, rows: str, order: str) -> tuple[list[str], list[int]]:
    """The UNION ALL parts that pick each facet's values shown from `rows` (a SELECT with `{name}`
    for the facet's name): its largest FACET_SIZE in `order`, or all of them; and the LIMITs' values."""
    shown, limits = [], []
    for name in facets:
        selected = rows.format(name=name)
        if FACETS_BY_NAME[name].shows_all:
            shown.append(f"UNION ALL ({selected})")
        else:
            shown.append(f"UNION ALL ({selected} ORDER BY {order} LIMIT %s)")
            limits.append(FACET_SIZE)
    return shown, limits


def _name_lookups(facets: list[str]) -> tuple[str, str, str]:
    """The joins that name the values shown of facets counted by id (company, speaker), and the
    columns they give: a lookup per value shown, never a join of every company or speaker."""
    named = [FACETS_BY_NAME[name] for name in facets if FACETS_BY_NAME[name].model is not None]
    lookups = "".join(
        f"""
        LEFT JOIN LATERAL (
            SELECT slug, name FROM {facet.model._meta.db_table}
            WHERE id = CASE WHEN shown.facet = '{facet.name}' THEN shown.value::bigint END
        ) AS {facet.name}_named ON true"""  # noqa: S608
        for facet in named
    )
    slugs = "".join(f"{facet.name}_named.slug, " for facet in named)
    names = ", ".join(f"{facet.name}_named.name" for facet in named) or "NULL"
    return lookups, slugs, names


def _collected(rows: list[tuple], *, facets: list[str], languages: dict) -> dict:
    """The counts' rows (facet or NULL for the total, value, name, count, per-language counts) as
    grouped_counts returns them."""
    result: dict = {name: [] for name in facets}
    result["total"] = 0
    for facet, value, label, count, *language_counts in rows:
        if facet is None:
            result["total"] = count
            if languages:
                result["lang"] = [
                    (code, None, n) for code, n in zip(languages, language_counts, strict=True) if n
                ]
        else:
            result[facet].append((value, label, count))
    for values in result.values():
        if isinstance(values, list):
            values.sort(key=lambda row: (-row[2], row[0]))
    return result
