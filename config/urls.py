from django.contrib import admin
from django.urls import include, path

# A database outage met in a middleware (outside any view) is a 503 too.
handler500 = "config.middleware.server_error"

urlpatterns = [
    # Before the admin's own URLs: the upload pages live under /admin/ but are not ModelAdmin views.
    path("admin/uploads/", include("uploads.urls")),
    path("admin/", admin.site.urls),
    # set_language only: URLs carry no language prefix, so permalinks are the same in every language.
    path("i18n/", include("django.conf.urls.i18n")),
    # Before search and calls: its paths sit under theirs (/search/export.csv, /calls/.../compare/...).
    path("", include("insight.urls")),
    path("", include("search.urls")),
    path("", include("calls.urls")),
]
