from django.urls import path, register_converter

from insight import feeds, views


class PeriodConverter:
    """A fiscal period in URLs: 2023-q2 (as calls.urls reads it)."""

    regex = r"[0-9]{4}-q[1-4]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


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
        "calls/<slug:company>/<insight_period:period>/compare/<insight_period:other>/",
        views.compare_page,
        name="compare",
    ),
    path(
        "calls/<slug:company>/<insight_period:period>/export.<export_kind:kind>",
        views.call_export,
        name="call_export",
    ),
    path(
        "calls/<slug:company>/<insight_period:period>/qa/<int:number>/export.<export_kind:kind>",
        views.exchange_export,
        name="exchange_export",
    ),
]
