"""The analyst tools' URLs: a public interface (fields are only ever added, as for /api/search/).

Every search URL takes the search's own parameters (q, lang, sort, company, year, quarter, speaker,
role, section), read exactly as /search/ reads them:

- /api/search/trend/?...&by=quarter|year&split=none|role|company&per_call=0|1 (JSON; &format=csv):
  {"query", "by", "split", "per_call", "series": [{"value", "label"}], "total", "errors",
  "buckets": [{"fiscal_year", "fiscal_quarter", "series", "count", "calls", "per_call"}]}
- /search/trend/?... the chart and its table (&fragment=1: the chart alone, for the search page)
- /search/export.csv, /search/export.jsonl: every match, in the search's order
- /search/feed/?... Atom, the newest imported matches first
- /search/concordance/?q=...&width=1..20&order=|left|right (&format=json)
- /calls/<company>/<year>-q<n>/compare/<year>-q<n>/ (&format=json)
- /calls/<company>/<year>-q<n>/export.csv|jsonl, /calls/<company>/<year>-q<n>/qa/<n>/export.csv|jsonl
"""

from django.urls import path, register_converter

from calls.urls import PeriodConverter
from insight import feeds, views


class ExportKind:
    regex = r"csv|jsonl"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PeriodConverter, "insight_period")
register_converter(ExportKind, "export_kind")

app_name = "insight"
urlpatterns = [
    path("api/search/trend/", views.trend_api, name="trend_api"),
    path("search/trend/", views.trend_page, name="trend"),
    path("search/export.<export_kind:kind>", views.search_export, name="export"),
    path("search/feed/", feeds.SearchFeed(), name="feed"),
    path("search/concordance/", views.concordance_page, name="concordance"),
    path(
        "calls/<name_slug:company>/<insight_period:period>/compare/<insight_period:other>/",
        views.compare_page,
        name="compare",
    ),
    path(
        "calls/<name_slug:company>/<insight_period:period>/export.<export_kind:kind>",
        views.call_export,
        name="call_export",
    ),
    path(
        "calls/<name_slug:company>/<insight_period:period>/qa/<int:number>/export.<export_kind:kind>",
        views.exchange_export,
        name="exchange_export",
    ),
]
