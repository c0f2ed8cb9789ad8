"""Full-text search over utterances, with facet counts (STYLE.md: the multi-step search lives here).

Steps, each one query: the data version (the cache key's part that changes with the data); the
total and every facet not in use in one GROUPING SETS pass over the matches (over the per-call
tallies when there is no query), plus one pass per facet in use; rank and cut the page's ids with
LIMIT; fetch those rows; find which of their words match (highlighting works on one page, never on
every match). The counts and the ids are remembered per search state (search/cache.py), so a
second page, or the same search again, skips the passes over the matches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy

from calls.models import Role, Section, Utterance
from search.cache import keep, recall, remembered
from search.chinese import has_cjk, query_terms
from search.highlight import english_lexemes, mark_chinese, mark_words, words_matching
from search.models import UtteranceTally

PAGE_SIZE = 20
PAGES_PER_BLOCK = 10  # pages of ids ranked by relevance and remembered at once
FACET_SIZE = 25  # values shown per facet; counts stay exact for the values shown
NOTHING = "<nothing>"  # a facet's selection in the cache key when only unknown values were asked for


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Hit:
    utterance: Utterance
    snippet: SafeString
    translation: SafeString


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    pages: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    message: str = ""


@dataclass
class TextQuery:
    """The words typed, as PostgreSQL queries over the English and the Chinese index."""

    text: str
    english: SearchQuery
    chinese: SearchQuery | None

    @classmethod
    def parse(cls, text: str, *, translations: bool = False) -> TextQuery | None:
        """The query; `translations` searches the Chinese index for it even without Chinese in it."""
        if not text:
            return None
        # The Chinese index is searched when the query has Chinese in it, its other words then in
        # the same translation ("SECaaS 營收"), or when only Chinese matches are asked for: the
        # translations keep Latin words (tickers, GAAP, SECaaS), and an English word there is what
        # "match the Chinese text" means. An English query otherwise reads the English index only.
        terms = query_terms(text) if has_cjk(text) or translations else ""
        chinese = SearchQuery(terms, search_type="raw", config="simple") if terms else None
        return cls(
            text=text, english=SearchQuery(text, search_type="websearch", config="english"), chinese=chinese
        )

    def condition(self, langs: set[str]) -> Q:
        condition = Q()
        if not langs or "en" in langs:
            condition |= Q(search_en=self.english)
        if self.chinese is not None and (not langs or "zh" in langs):
            condition |= Q(search_zh=self.chinese)
        return condition if condition else Q(pk__in=[])

    def rank(self):
        english = SearchRank(F("search_en"), self.english)
        if self.chinese is None:
            return english
        return Greatest(english, SearchRank(F("search_zh"), self.chinese))

    def is_empty(self) -> bool:
        """True when the query has no searchable word (only stop words or punctuation)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT numnode(websearch_to_tsquery('english', %s))", [self.text])
            english_nodes = cursor.fetchone()[0]
        return english_nodes == 0 and self.chinese is None


def filtered(filterset, *, skip: str = "", queryset: QuerySet | None = None) -> QuerySet:
    """Utterances (or tallies) passing every facet filter but `skip` (a facet's counts ignore its own)."""
    queryset = Utterance.objects.all() if queryset is None else queryset
    rejected = filterset.form.rejected
    for name, value in filterset.form.cleaned_data.items():
        if name == skip:
            continue
        if value:
            queryset = filterset.filters[name].filter(queryset, value)
        elif name in rejected:
            # Only unknown values asked for: they match nothing (dropping the filter would widen it).
            queryset = queryset.none()
    return queryset


def search_utterances(*, filterset, query: str, langs: set[str], sort: str, page: int) -> SearchResult:
    """One page of hits for the query and filters, with exact facet counts for the whole result set.

    The counts and the page's ids are remembered per search state and data version (search/cache.py):
    paging through a large result set counts it once, and picking a facet value counts only the
    narrower set.
    """
    text_query = TextQuery.parse(query, translations="zh" in langs)
    matches = Q() if text_query is None else text_query.condition(langs)
    state = _search_state(filterset, query=query, langs=langs, text_query=text_query)
    version = data_version()
    counted = facet_counts(filterset, text_query=text_query, langs=langs, version=version, state=state)
    total = counted["total"]
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 1), pages)

    ids = []
    if total:
        # Ranked in blocks of pages: ranking every match costs the same for 20 ids as for 200, so
        # the next pages come from the cache. Date orders read an index and stop at the page, so
        # they take one page at a time.
        per_block = PAGES_PER_BLOCK if text_query is not None and sort == "relevance" else 1
        block = (page - 1) // per_block
        block_ids = remembered(
            "ids",
            version,
            {**state, "sort": sort, "block": block, "per_block": per_block},
            lambda: _block_ids(
                filtered(filterset).filter(matches), text_query, sort=sort, block=block, per_block=per_block
            ),
        )
        start = (page - 1 - block * per_block) * PAGE_SIZE
        ids = block_ids[start : start + PAGE_SIZE]

    result = SearchResult(
        query=query,
        total=total,
        page=page,
        pages=pages,
        hits=_hits(ids, text_query),
        facets=_facet_values(counted, filterset.form.cleaned_data, langs),
    )
    if total == 0 and text_query is not None and text_query.is_empty():
        result.message = gettext(
            "Your search has no words to look for (only common words or punctuation). Try other words."
        )
    elif total == 0 and text_query is not None and langs == {"zh"} and not has_cjk(query):
        result.message = gettext(
            "No Chinese translation contains these words. The Chinese language filter matches the "
            "translations only: remove it to search the English text."
        )
    return result


def data_version() -> int:
    """The version of the searchable data (search_data_version, kept by triggers); 0 before any."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM search_data_version WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def _search_state(filterset, *, query: str, langs: set[str], text_query: TextQuery | None) -> dict:
    """What decides the result set, as plain values: the cache key of its counts."""
    cleaned, rejected = filterset.form.cleaned_data, filterset.form.rejected
    return {
        "q": query,
        "lang": sorted(langs),
        # Whether the translations are searched: it changes the language facet's counts, which are
        # remembered without the language selection (an English word with and without lang=zh).
        "chinese": text_query is not None and text_query.chinese is not None,
        "filters": {
            name: sorted(_selected_values(name, cleaned.get(name)))
            # A facet of unknown values only matches nothing: not the same as no filter at all.
            or ([NOTHING] if name in rejected else [])
            for name in FACET_COLUMNS
        },
    }


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


def _hits(ids: list[int], text_query: TextQuery | None) -> list[Hit]:
    rows = Utterance.objects.for_results_page().select_related("turn").in_bulk(ids)
    rows = [rows[pk] for pk in ids]
    if text_query is None:
        return [
            Hit(utterance=row, snippet=escape(row.text), translation=escape(row.translation)) for row in rows
        ]
    words = words_matching([row.text for row in rows], english_lexemes(text_query.text))
    return [
        Hit(
            utterance=row,
            snippet=mark_words(row.text, words, snippet=True),
            translation=mark_chinese(
                row.translation, text_query.text, words=text_query.chinese is not None, snippet=True
            ),
        )
        for row in rows
    ]


# Facet name -> the utterance column it groups by (company and speaker are shown by slug and name).
FACET_COLUMNS = {
    "company": "company_id",
    "year": "fiscal_year",
    "quarter": "fiscal_quarter",
    "speaker": "speaker_id",
    "role": "role",
    "section": "section",
}
LANG_LABELS = {"en": gettext_lazy("English"), "zh": gettext_lazy("Chinese")}
# Facets whose every value is shown: they have few values and read best in order.
ORDERED_FACETS = ("year", "quarter")


def facet_counts(
    filterset, *, text_query: TextQuery | None, langs: set[str], version: int, state: dict
) -> dict:
    """The total and the counts per facet value, exact over the whole result set.

    Returns {"total": n, facet: [(value, label or None, count), ...]}: plain values, as cached.

    A facet's counts ignore its own selection (so that a second value can be added), so they depend
    on the query and the other filters only, and are remembered under that: after a search, the
    facet a value is picked from is not counted again, only the others, over the narrower set.
    Facets whose filter is not in use share one pass over the matches (GROUPING SETS), which also
    gives the total; each facet in use needs a pass of its own.
    """
    cleaned, rejected = filterset.form.cleaned_data, filterset.form.rejected
    in_use = [name for name in FACET_COLUMNS if cleaned.get(name) or name in rejected]
    names = [*FACET_COLUMNS, "lang"] if text_query is not None else list(FACET_COLUMNS)
    # What each count depends on: the total on the whole state, a facet on all but its selection.
    own_states = {"total": state} | {name: _without(state, name) for name in names}
    counted = {name: recall(f"count:{name}", version, own) for name, own in own_states.items()}
    missing = {name for name, values in counted.items() if values is None}
    if not missing:
        return counted

    lang_conditions = {}
    if text_query is not None and text_query.chinese is not None:
        lang_conditions = {"en": Q(search_en=text_query.english), "zh": Q(search_zh=text_query.chinese)}
    # Without a query every utterance matches: count from the tallies instead of the utterances.
    if text_query is None:
        base, weight = UtteranceTally.objects.all(), "utterances"
    else:
        base, weight = Utterance.objects.filter(text_query.condition(langs)), None

    shared = [name for name in FACET_COLUMNS if name not in in_use and name in missing]
    lang_in_shared_pass = "lang" in missing and not langs and bool(lang_conditions)
    if shared or "total" in missing or lang_in_shared_pass:
        counted.update(
            grouped_counts(
                filtered(filterset, queryset=base),
                facets=shared,
                languages=lang_conditions if lang_in_shared_pass else {},
                weight=weight,
            )
        )
    for name in in_use:
        if name in missing:
            own = grouped_counts(
                filtered(filterset, skip=name, queryset=base), facets=[name], languages={}, weight=weight
            )
            counted[name] = own[name]
    if "lang" in missing and not lang_in_shared_pass:
        if langs:
            # The language facet ignores its own selection: the matches in either language.
            either = grouped_counts(
                filtered(filterset).filter(text_query.condition(set())), facets=[], languages=lang_conditions
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


def _without(state: dict, name: str) -> dict:
    """The search state with facet `name`'s own selection taken out."""
    if name == "lang":
        return {**state, "lang": []}
    return {**state, "filters": {**state["filters"], name: []}}


def _facet_values(counted: dict, cleaned: dict, langs: set[str]) -> dict[str, list[FacetValue]]:
    """Counted values as the page shows them: labelled in the interface language, selected or not."""
    labels = {"role": dict(Role.choices), "section": dict(Section.choices), "lang": LANG_LABELS}
    facets = {}
    for name in [*FACET_COLUMNS, "lang"]:
        if name not in counted:
            continue
        selected = langs if name == "lang" else _selected_values(name, cleaned.get(name))
        values = [
            FacetValue(
                value=value,
                label=gettext("Q%(quarter)s") % {"quarter": value}
                if name == "quarter"
                else (label or labels.get(name, {}).get(value, value)),
                count=count,
                selected=value in selected,
            )
            for value, label, count in counted[name]
        ]
        if name in ORDERED_FACETS:
            values.sort(key=lambda v: v.value, reverse=name == "year")
        facets[name] = values
    return facets


def grouped_counts(
    queryset: QuerySet, *, facets: list[str], languages: dict[str, Q], weight: str | None = None
) -> dict:
    """Counts of `queryset` per value of each facet, its total and its matches per language: one query.

    Returns {"total": n, facet: [(value, label, count), ...] (largest first, FACET_SIZE at most
    except for ORDERED_FACETS), "lang": [(code, None, count), ...] when languages are given}.
    Matches are grouped by the utterance's own columns; company and speaker names are looked up
    only for the values shown. With `weight`, each row counts as that many (tallies).
    """
    columns = {"weight": F(weight) if weight else Value(1)}
    for name in facets:
        columns[f"{name}_value"] = F(FACET_COLUMNS[name])
    for code, condition in languages.items():
        columns[f"lang_{code}"] = ExpressionWrapper(condition, output_field=BooleanField())
    try:
        inner_sql, params = queryset.order_by().values(**columns).query.sql_with_params()
    except EmptyResultSet:  # a condition that matches nothing by construction (Q(pk__in=[]))
        return {name: [] for name in facets} | {"total": 0} | ({"lang": []} if languages else {})

    # Every name interpolated below is one of our own facet or language names, never user input.
    # Values keep their own types while grouping (cheaper than grouping text) and become text after.
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
        if name in ORDERED_FACETS:
            shown.append(f"UNION ALL {rows}")
        else:
            shown.append(f'UNION ALL ({rows} ORDER BY n DESC, value COLLATE "C" LIMIT %s)')
            limits.append(FACET_SIZE)
    sql = f"""
        WITH grouped AS MATERIALIZED (
            SELECT {per_facet("'{name}'")} AS facet, {per_facet("{name}_value::text")} AS value,
                   COALESCE(sum(weight), 0)::bigint AS n{language_counts}
            FROM ({inner_sql}) AS matches
            GROUP BY GROUPING SETS ({sets})
        )
        SELECT shown.facet, COALESCE(company.slug, speaker.slug, shown.value),
               COALESCE(company.name, speaker.name), shown.n{language_columns}
        FROM (SELECT * FROM grouped WHERE facet IS NULL {" ".join(shown)}) AS shown
        -- Names only for the values shown: a lookup each, never a join of every company or speaker.
        LEFT JOIN LATERAL (
            SELECT slug, name FROM calls_company
            WHERE id = CASE WHEN shown.facet = 'company' THEN shown.value::bigint END
        ) AS company ON true
        LEFT JOIN LATERAL (
            SELECT slug, name FROM calls_speaker
            WHERE id = CASE WHEN shown.facet = 'speaker' THEN shown.value::bigint END
        ) AS speaker ON true
    """  # noqa: S608
    with connection.cursor() as cursor:
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


def _selected_values(name: str, value) -> set[str]:
    if not value:
        return set()
    if name in ("company", "speaker"):
        return {obj.slug for obj in value}
    return {str(v) for v in value}
