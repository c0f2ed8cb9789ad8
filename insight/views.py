"""Analyst tools over a search's whole result set: trend, exports, feed, keyword in context, and
comparing two calls. Thin views: the work is in the modules named for each tool."""

from __future__ import annotations

import csv
import io
import re

from django import forms
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from calls.models import Call, Exchange, Role
from insight import compare, concordance, drawing, exports, trend
from insight.searching import read_search, search_parameters

PERIOD = re.compile(r"^(?P<year>[0-9]{4})-q(?P<quarter>[1-4])$")


class TrendForm(forms.Form):
    by = forms.ChoiceField(choices=[(v, v) for v in trend.BYS], required=False)
    split = forms.ChoiceField(choices=[(v, v) for v in trend.SPLITS], required=False)
    per_call = forms.TypedChoiceField(choices=[("0", "0"), ("1", "1")], coerce=int, required=False)


def _trend_options(request) -> tuple[str, str, bool, list[str]]:
    """by, split and per_call; an invalid one is reported and its default used."""
    form = TrendForm(request.GET)
    errors = [] if form.is_valid() else [f"{n}: {' '.join(m)}" for n, m in form.errors.items()]
    cleaned = form.cleaned_data  # the valid fields only
    return (
        cleaned.get("by") or "quarter",
        cleaned.get("split") or "none",
        bool(cleaned.get("per_call")),
        errors,
    )


def _trend(request):
    search = read_search(request.GET)
    by, split, per_call, errors = _trend_options(request)
    return (
        search,
        trend.labelled(trend.mention_trend(search, by=by, split=split)),
        per_call,
        errors + search.errors,
    )


@require_GET
def trend_api(request):
    """GET /api/search/trend/: the search's matches per period (insight/urls.py: a public interface)."""
    search, counted, per_call, errors = _trend(request)
    if request.GET.get("format") == "csv":
        return _trend_csv(counted)
    buckets = [{**bucket, "per_call": trend.per_call(bucket)} for bucket in counted["buckets"]]
    payload = {
        "query": search.query,
        "by": counted["by"],
        "split": counted["split"],
        "per_call": per_call,
        "series": counted["series"],
        "buckets": buckets,
        "total": sum(bucket["count"] for bucket in buckets),
        "errors": errors,
    }
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def _trend_csv(counted: dict) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["fiscal_year", "fiscal_quarter", "series", "label", "count", "calls", "per_call"])
    labels = {one["value"]: one["label"] for one in counted["series"]}
    for bucket in counted["buckets"]:
        writer.writerow(
            [
                bucket["fiscal_year"],
                bucket["fiscal_quarter"] or "",
                bucket["series"],
                exports.neutralised(labels[bucket["series"]]),
                bucket["count"],
                bucket["calls"],
                trend.per_call(bucket),
            ]
        )
    response = HttpResponse(exports.BOM + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="callvault-trend.csv"'
    return response


@require_GET
def trend_page(request):
    """The chart with its table; ?fragment=1 is the chart alone, for the search page to fetch."""
    search, counted, per_call, errors = _trend(request)
    palette = drawing.colours(counted["series"])
    counted = {**counted, "series": [{**one, "colour": palette[one["value"]]} for one in counted["series"]]}
    table = drawing.rows(counted, per_call=per_call)
    query = search.query or ""
    per = {"quarter": gettext("quarter"), "year": gettext("year")}[counted["by"]]
    if query:
        title = gettext("Mentions of “%(query)s” per %(per)s") % {"query": query, "per": per}
    else:
        title = gettext("Paragraphs per %(per)s") % {"per": per}
    description = drawing.describe(table, per_call=per_call)
    parameters = search_parameters(request.GET)
    own = search_parameters(request.GET, drop=("page", "sort"))
    context = {
        "search": search,
        "trend": counted,
        "table": table,
        "per_call": per_call,
        "errors": errors,
        "chart": drawing.trend_svg(counted, per_call=per_call, title=title, description=description),
        "chart_title": title,
        "parameters": parameters,
        "csv_url": f"{reverse('insight:trend_api')}?{own}&by={counted['by']}&split={counted['split']}"
        f"&per_call={int(per_call)}&format=csv",
        "views": _trend_views(own, counted, per_call),
        "total": sum(row["count"] for row in table),
    }
    template = "insight/_trend.html" if request.GET.get("fragment") else "insight/trend.html"
    return render(request, template, context)


def _trend_views(parameters: str, counted: dict, per_call: bool) -> list[dict]:
    """Links to the same trend by year or quarter, split otherwise, per call or not."""
    prefix = f"/search/trend/?{parameters}&" if parameters else "/search/trend/?"
    current = {"by": counted["by"], "split": counted["split"], "per_call": str(int(per_call))}
    choices = [
        ("by", "quarter", gettext("Per quarter")),
        ("by", "year", gettext("Per year")),
        ("split", "none", gettext("All together")),
        ("split", "role", gettext("By role")),
        ("split", "company", gettext("By company")),
        ("per_call", "0", gettext("Paragraphs")),
        ("per_call", "1", gettext("Per call")),
    ]
    links = []
    for name, value, label in choices:
        chosen = {**current, name: value}
        links.append(
            {
                "group": name,
                "label": label,
                "url": prefix + "&".join(f"{k}={v}" for k, v in chosen.items()),
                "selected": current[name] == value,
            }
        )
    return links


@require_GET
def search_export(request, kind: str):
    """/search/export.csv and .jsonl: every match of the search, in the search page's order."""
    search = read_search(request.GET)
    return exports.streamed(search.ordered(), request=request, kind=kind, name="callvault-search")


def _call_or_404(company: str, period: str) -> Call:
    match = PERIOD.match(period)
    if match is None:
        raise Http404("No such period")
    call = Call.objects.for_period(
        company_slug=company, year=int(match["year"]), quarter=int(match["quarter"])
    ).first()
    if call is None:
        raise Http404("No such call")
    return call


@require_GET
def call_export(request, company: str, period: str, kind: str):
    call = _call_or_404(company, period)
    rows = call.utterances.order_by("position")
    return exports.streamed(rows, request=request, kind=kind, name=f"{call.company.slug}-{call.period}")


@require_GET
def exchange_export(request, company: str, period: str, number: int, kind: str):
    call = _call_or_404(company, period)
    exchange = get_object_or_404(Exchange, call=call, number=number)
    rows = call.utterances.filter(turn__exchange=exchange).order_by("position")
    return exports.streamed(
        rows, request=request, kind=kind, name=f"{call.company.slug}-{call.period}-qa-{number}"
    )


class ConcordanceForm(forms.Form):
    width = forms.IntegerField(min_value=1, max_value=concordance.MAX_WIDTH, required=False)
    order = forms.ChoiceField(choices=[(v, v) for v in concordance.ORDERS], required=False)


@require_GET
def concordance_page(request):
    """/search/concordance/?q=...: each occurrence with `width` words each side, aligned on it."""
    search = read_search(request.GET)
    form = ConcordanceForm(request.GET)
    errors = list(search.errors)
    if not form.is_valid():
        errors += [f"{n}: {' '.join(m)}" for n, m in form.errors.items()]
    width = form.cleaned_data.get("width") or concordance.DEFAULT_WIDTH
    order = form.cleaned_data.get("order") or ""
    found = concordance.concordance(search, width=width, order=order)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "query": search.query,
                "width": width,
                "order": order,
                "paragraphs": found["paragraphs"],
                "truncated": found["truncated"],
                "lines": [
                    {
                        "left": line.left,
                        "keyword": line.keyword,
                        "right": line.right,
                        "url": request.build_absolute_uri(line.utterance.get_absolute_url()),
                    }
                    for line in found["lines"]
                ],
                "errors": errors,
            },
            json_dumps_params={"ensure_ascii": False},
        )
    parameters = search_parameters(request.GET, drop=("page", "order"))
    return render(
        request,
        "insight/concordance.html",
        {
            "search": search,
            "found": found,
            "width": width,
            "order": order,
            "errors": errors,
            "parameters": parameters,
            "order_links": [
                {"value": value, "label": label, "url": f"?{parameters}&order={value}".replace("?&", "?")}
                for value, label in (
                    ("", gettext("In search order")),
                    ("left", gettext("By the word left")),
                    ("right", gettext("By the word right")),
                )
            ],
            "search_url": "/search/?" + search_parameters(request.GET, drop=("page", "order", "width")),
        },
    )


@require_GET
def compare_page(request, company: str, period: str, other: str):
    """Two calls of one company: speakers and distinctive terms that appeared or disappeared."""
    first, second = _call_or_404(company, period), _call_or_404(company, other)
    speakers = compare.compare_speakers(first, second)
    terms = compare.compare_terms(first, second)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "first": first.get_absolute_url(),
                "second": second.get_absolute_url(),
                "speakers": speakers,
                "terms": terms,
            },
            json_dumps_params={"ensure_ascii": False},
        )
    others = (
        Call.objects.filter(company=first.company)
        .exclude(pk=first.pk)
        .order_by("-fiscal_year", "-fiscal_quarter")
    )
    roles = dict(Role.choices)
    for people in speakers.values():
        for person in people:
            person["role_label"] = roles.get(person["role"], person["role"])
    a, b = first.period_label, second.period_label
    return render(
        request,
        "insight/compare.html",
        {
            "first": first,
            "second": second,
            "terms": terms,
            "speaker_groups": [
                ("appeared", gettext("In %(b)s, not in %(a)s") % {"a": a, "b": b}, speakers["appeared"]),
                (
                    "disappeared",
                    gettext("In %(a)s, not in %(b)s") % {"a": a, "b": b},
                    speakers["disappeared"],
                ),
                ("stayed", gettext("In both"), speakers["stayed"]),
            ],
            "term_groups": [
                ("appeared", gettext("A larger share in %(b)s") % {"b": b}, terms["appeared"]),
                ("disappeared", gettext("A larger share in %(a)s") % {"a": a}, terms["disappeared"]),
            ],
            "others": others,
        },
    )
