"""The trend drawn server-side as an SVG bar chart, stacked by series: no script, readable by screen
readers (role="img" with a title and a description; the numbers are in a table beside it)."""

from __future__ import annotations

import math

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

# Okabe–Ito colours, told apart with the common colour-vision deficiencies; grey for "other".
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
OTHER_COLOUR = "#8c8c8c"
WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 44


def colours(series: list[dict]) -> dict[str, str]:
    return {
        one["value"]: OTHER_COLOUR if one["value"] == "other" else PALETTE[index % len(PALETTE)]
        for index, one in enumerate(series)
    }


def period_label(year: int, quarter: int | None) -> str:
    if quarter is None:
        return str(year)
    return gettext("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}


def rows(trend: dict, *, per_call: bool) -> list[dict]:
    """One row per period: its label, each series' value (count or per call), total and calls."""
    periods: dict[tuple, dict] = {}
    for bucket in trend["buckets"]:
        when = (bucket["fiscal_year"], bucket["fiscal_quarter"])
        row = periods.setdefault(
            when,
            {"label": period_label(*when), "year": when[0], "quarter": when[1], "values": {}, "count": 0},
        )
        row["values"][bucket["series"]] = bucket
        row["count"] += bucket["count"]
    result = []
    for row in periods.values():
        cells = []
        for one in trend["series"]:
            bucket = row["values"].get(one["value"], {"count": 0, "calls": 0})
            value = _value(bucket, per_call)
            cells.append({"series": one, "count": bucket["count"], "calls": bucket["calls"], "value": value})
        row["cells"] = cells
        row["value"] = sum(cell["value"] for cell in cells)
        # Split by company, each series has its own calls; otherwise every series shares the period's.
        row["calls"] = (
            sum(c["calls"] for c in cells)
            if trend["split"] == "company"
            else (cells[0]["calls"] if cells else 0)
        )
        result.append(row)
    return result


def _value(bucket: dict, per_call: bool) -> float:
    if not per_call:
        return bucket["count"]
    return round(bucket["count"] / bucket["calls"], 3) if bucket["calls"] else 0.0


def nice_ceiling(value: float) -> float:
    """The axis' top: 1, 2 or 5 times a power of ten, at or above `value`."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def trend_svg(
    trend: dict, *, per_call: bool, title: str, description: str, ident: str = "trend"
) -> SafeString:
    """The stacked bar chart of `rows(trend)`, as an inline <svg> element."""
    table = rows(trend, per_call=per_call)
    palette = colours(trend["series"])
    top = nice_ceiling(max((row["value"] for row in table), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(table), 1)
    bar = max(min(slot * 0.7, 48), 1)
    parts = []
    for tick in (0, top / 2, top):
        y = TOP + plot_h - tick / top * plot_h
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#dde1e8"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#5d6577">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                f"{y:.1f}",
                f"{y:.1f}",
                LEFT - 6,
                f"{y + 4:.1f}",
                number(tick),
            )
        )
    # A label under every bar when they fit, else under every n-th.
    every = max(1, math.ceil(len(table) * 56 / plot_w))
    for index, row in enumerate(table):
        x = LEFT + index * slot + (slot - bar) / 2
        base = TOP + plot_h
        for cell in row["cells"]:
            if not cell["value"]:
                continue
            height = cell["value"] / top * plot_h
            base -= height
            tip = f"{row['label']} · {cell['series']['label']}: {number(cell['value'])}"
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" data-series="{}">'
                    "<title>{}</title></rect>",
                    f"{x:.1f}",
                    f"{base:.1f}",
                    f"{bar:.1f}",
                    f"{height:.1f}",
                    palette[cell["series"]["value"]],
                    cell["series"]["value"],
                    tip,
                )
            )
        if index % every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#1d2330">{}</text>',
                    f"{x + bar / 2:.1f}",
                    HEIGHT - BOTTOM + 16,
                    row["label"],
                )
            )
    return format_html(
        '<svg class="trend-chart" role="img" aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}"'
        ' xmlns="http://www.w3.org/2000/svg"><title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>'
        '<line x1="{5}" x2="{5}" y1="{6}" y2="{7}" stroke="#5d6577"/>{8}</svg>',
        ident,
        WIDTH,
        HEIGHT,
        title,
        description,
        LEFT,
        TOP,
        TOP + plot_h,
        mark_safe("".join(parts)),  # noqa: S308
    )


def describe(table: list[dict], *, per_call: bool) -> str:
    """One sentence saying what the chart shows, for its <desc>."""
    if not table:
        return gettext("No matching paragraphs.")
    peak = max(table, key=lambda row: row["value"])
    unit = gettext("matching paragraphs per call") if per_call else gettext("matching paragraphs")
    return gettext("%(unit)s from %(first)s to %(last)s; the most in %(peak)s (%(value)s).") % {
        "unit": unit[:1].upper() + unit[1:],
        "first": table[0]["label"],
        "last": table[-1]["label"],
        "peak": peak["label"],
        "value": number(peak["value"]),
    }
