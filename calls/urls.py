from django.urls import path, register_converter

from calls import views
from calls.slugs import NameSlugConverter


class PeriodConverter:
    """A fiscal period in URLs: 2023-q2."""

    regex = r"[0-9]{4}-q[1-4]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PeriodConverter, "period")
register_converter(NameSlugConverter, "name_slug")

app_name = "calls"
urlpatterns = [
    path("", views.home, name="home"),
    path("companies/", views.company_list, name="company_list"),
    path("companies/<name_slug:slug>/", views.company_detail, name="company"),
    path("speakers/", views.speaker_list, name="speaker_list"),
    path("speakers/<name_slug:slug>/", views.speaker_detail, name="speaker"),
    path("calls/<name_slug:company>/<period:period>/", views.call_detail, name="call"),
    path(
        "calls/<name_slug:company>/<period:period>/qa/<int:number>/", views.exchange_detail, name="exchange"
    ),
]
