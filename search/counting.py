"""The total and the facet counts of a search, exact over the whole result set.

The total and every facet not in use are counted in one GROUPING SETS pass over the matches (over
the per-call tallies when there is no query), each facet in use in a pass of its own. Each count is
remembered under what it depends on (search/cache.py). Counts are plain values, as cached:
{"total": n, facet: [(value, name or None, count), ...]}; search/results.py labels them.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, Value

from calls.models import Utterance
from config.routers import read_connection
from search.cache import keep, recall, without
from search.models import UtteranceTally
from search.registry import FACETS, FACETS_BY_NAME, LANGUAGE
from search.textquery import TextQuery

FACET_SIZE = 25  # values shown per facet; counts stay exact for the values shown


def facet_counts(
    filterset, *, text_query: TextQuery | None, langs: set[str], version: int, state: dict
) -> dict:
    """The total and the counts per facet value, exact over the whole result set.

    A facet's counts ignore its own selection (so that a second value can be added), so they depend
    on the query and the other filters only, and are remembered under that: after a search, the
    facet a value is picked from is not counted again, only the others, over the narrower set.
    Facets whose filter is not in use share one pass over the matches (GROUPING SETS), which also
    gives the total; each facet in use needs a pass of its own.
    """
    in_use = [name for name, values in state["filters"].items() if values]
    names = [facet.name for facet in FACETS] + ([LANGUAGE.name] if text_query is not None else [])
    # What each count depends on: the total on the whole state, a facet on all but its selection.
    own_states = {"total": state} | {name: without(state, name) for name in names}
    counted = {name: recall(f"count:{name}", version, own) for name, own in own_states.items()}
    missing = {name for name, values in counted.items() if values is None}
    if not missing:
        return counted

    lang_conditions = text_query.language_conditions() if text_query is not None else {}
    # Without a query every utterance matches: count from the tallies instead of the utterances.
    if text_query is None:
        base, weight = UtteranceTally.objects.all(), "utterances"
    else:
        base, weight = Utterance.objects.filter(text_query.condition(langs)), None

    shared = [facet.name for facet in FACETS if facet.name not in in_use and facet.name in missing]
    lang_in_shared_pass = "lang" in missing and not langs and bool(lang_conditions)
    if shared or "total" in missing or lang_in_shared_pass:
        counted.update(
            grouped_counts(
                filterset.filter_queryset(base),
                facets=shared,
                languages=lang_conditions if lang_in_shared_pass else {},
                weight=weight,
            )
        )
    for name in in_use:
        if name in missing:
            own = grouped_counts(
                filterset.filter_queryset(base, skip=name), facets=[name], languages={}, weight=weight
            )
            counted[name] = own[name]
    if "lang" in missing and not lang_in_shared_pass:
        if langs:
            # The language facet ignores its own selection: the matches in either language.
            either = grouped_counts(
                filterset.qs.filter(text_query.condition(set())), facets=[], languages=lang_conditions
            )
            counted["lang"] = either.get("lang", _english_only(either["total"]))
        else:
            # An English-only query matches English text only: no need to test every match again.
            counted["lang"] = _english_only(counted["total"])

    for name in missing:
        keep(f"count:{name}", version, own_states[name], counted[name])
    return counted


def _english_only(total: int) -> list[tuple[str, None, int]]:
    """The language facet of matches that are all English."""
    return [("en", None, total)] if total else []


def grouped_counts(
    queryset: QuerySet, *, facets: list[str], languages: dict[str, Q], weight: str | None = None
) -> dict:
    """Counts of `queryset` per value of each facet, its total and its matches per language: one query.

    Returns {"total": n, facet: [(value, name, count), ...] (largest first, FACET_SIZE at most
    except for facets that show all their values), "lang": [(code, None, count), ...] when
    languages are given}. Matches are grouped by their own columns; the names of facets counted by
    id (company, speaker) are looked up only for the values shown. With `weight`, each row counts
    as that many (tallies).
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

    def per_facet(column: str) -> str:
        """The grouped facet's `column`, NULL on the grand-total row."""
        cases = " ".join(f"WHEN GROUPING({n}_value) = 0 THEN {column.format(name=n)}" for n in facets)
        return f"CASE {cases} END" if facets else "NULL"

    language_columns = "".join(f", shown.lang_{code}" for code in languages)
    language_counts = "".join(f", count(*) FILTER (WHERE lang_{code}) AS lang_{code}" for code in languages)
    # Each facet's values shown, from the grouped rows: its largest FACET_SIZE (a top-N sort, where
    # ranking every group of every facet sorted tens of thousands of rows), or all of them.
    # Byte order ("C") for ties: the locale's rules cost far more and the values are ids or codes.
    shown, limits = [], []
    for name in facets:
        rows = f"SELECT * FROM grouped WHERE facet = '{name}' AND value IS NOT NULL"  # noqa: S608
        if FACETS_BY_NAME[name].shows_all:
            shown.append(f"UNION ALL {rows}")
        else:
            shown.append(f'UNION ALL ({rows} ORDER BY n DESC, value COLLATE "C" LIMIT %s)')
            limits.append(FACET_SIZE)
    # Names only for the values shown: a lookup each, never a join of every company or speaker.
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
    sql = f"""
        WITH grouped AS MATERIALIZED (
            SELECT {per_facet("'{name}'")} AS facet, {per_facet("{name}_value::text")} AS value,
                   COALESCE(sum(weight), 0)::bigint AS n{language_counts}
            FROM ({inner_sql}) AS matches
            GROUP BY GROUPING SETS ({sets})
        )
        SELECT shown.facet, COALESCE({slugs}shown.value), COALESCE({names}), shown.n{language_columns}
        FROM (SELECT * FROM grouped WHERE facet IS NULL {" ".join(shown)}) AS shown{lookups}
    """  # noqa: S608
    with read_connection().cursor() as cursor:
        cursor.execute(sql, [*params, *limits])
        rows = cursor.fetchall()
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
