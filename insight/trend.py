"""Mention trend: matching paragraphs per fiscal quarter or year, split by role or company.

Exact counts in one GROUP BY over the matches, and the calls per bucket in one over the per-call
tallies (search.models.UtteranceTally), whatever the number of buckets. Remembered per search
state and data version, as the search's facet counts are.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Sum
from django.utils.translation import gettext

from calls.models import Company, Role
from search.cache import remembered
from search.models import UtteranceTally
from search.queries import data_version

BYS = ("quarter", "year")
SPLITS = ("none", "role", "company")
TOP_COMPANIES = 5
OTHER = "other"
ALL = "all"
ROLE_ORDER = [Role.EXECUTIVE, Role.ANALYST, Role.OPERATOR, Role.UNKNOWN]


def mention_trend(search, *, by: str = "quarter", split: str = "none") -> dict:
    """{"by", "split", "series": [{"value", "label"}], "buckets": [...]}: plain values, as cached.

    Each bucket: fiscal_year, fiscal_quarter (None by year), series, count (matching paragraphs)
    and calls (calls of that period, and of that company when split by company, with any paragraph
    passing the search's filters); every period that has such a call has a bucket per series.
    """
    state = {**search.state(), "by": by, "split": split}
    return remembered("insight:trend", data_version(), state, lambda: _count(search, by=by, split=split))


def _count(search, *, by: str, split: str) -> dict:
    period = ["fiscal_year"] if by == "year" else ["fiscal_year", "fiscal_quarter"]
    column = {"none": None, "role": "role", "company": "company_id"}[split]
    grouped = [*period, column] if column else period

    def key(row) -> tuple:
        return (row["fiscal_year"], row.get("fiscal_quarter"))

    tallies = search.filtered(UtteranceTally.objects.all()).order_by()
    # Without a query every paragraph matches: the per-call tallies sum to the same counts, from a
    # few dozen rows per call instead of every paragraph (as the search's facets count).
    if search.text_query is None:
        matched = tallies.values(*grouped).annotate(n=Sum("utterances"))
    else:
        matched = search.matches().order_by().values(*grouped).annotate(n=Count("*"))
    counts = defaultdict(int)
    for row in matched:
        counts[key(row), row[column] if column else ALL] = row["n"]

    calls_grouped = [*period, "company_id"] if split == "company" else period
    calls = defaultdict(int)
    for row in tallies.values(*calls_grouped).annotate(calls=Count("call_id", distinct=True)):
        calls[key(row), row["company_id"] if split == "company" else ALL] = row["calls"]

    if split == "company":
        totals = defaultdict(int)
        for (_, company), n in counts.items():
            totals[company] += n
        top = sorted(totals, key=lambda company: (-totals[company], company))[:TOP_COMPANIES]
        named = {c.pk: c for c in Company.objects.filter(pk__in=top)}
        series = [{"value": named[pk].slug, "label": named[pk].name} for pk in top]
        slugs = {pk: named[pk].slug for pk in top}
        folded_counts, folded_calls = defaultdict(int), defaultdict(int)
        for (when, company), n in counts.items():
            folded_counts[when, slugs.get(company, OTHER)] += n
        for (when, company), n in calls.items():
            folded_calls[when, slugs.get(company, OTHER)] += n
        counts, calls = folded_counts, folded_calls
        if any(value == OTHER for (_, value) in counts):
            series.append({"value": OTHER, "label": ""})
    elif split == "role":
        present = {value for (_, value) in counts}
        series = [{"value": role.value, "label": ""} for role in ROLE_ORDER if role in present]
    else:
        series = [{"value": ALL, "label": ""}]

    periods = sorted({when for (when, _) in calls} | {when for (when, _) in counts})
    buckets = []
    for year, quarter in periods:
        for one in series:
            value = one["value"]
            # Split by role, each role's share of the period's calls (every call has every role).
            held = calls.get(((year, quarter), value if split == "company" else ALL), 0)
            buckets.append(
                {
                    "fiscal_year": year,
                    "fiscal_quarter": quarter,
                    "series": value,
                    "count": counts.get(((year, quarter), value), 0),
                    "calls": held,
                }
            )
    return {"by": by, "split": split, "series": series, "buckets": buckets}


def labelled(trend: dict) -> dict:
    """The trend with each series labelled in the interface language (companies by their name)."""
    roles = dict(Role.choices)
    names = {OTHER: gettext("Other companies"), ALL: gettext("All matching paragraphs")}
    series = [
        {**one, "label": one["label"] or names.get(one["value"]) or roles.get(one["value"], one["value"])}
        for one in trend["series"]
    ]
    return {**trend, "series": series}


def per_call(bucket: dict) -> float:
    """A bucket's matching paragraphs per call (0 where the period has no call)."""
    return round(bucket["count"] / bucket["calls"], 3) if bucket["calls"] else 0.0
