from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

# A database outage met in a middleware (outside any view) is a 503 too.
handler500 = "config.middleware.server_error"

# The admin says whose it is: Django's default "Django administration" tells staff nothing.
admin.site.site_header = _("Callvault administration")
admin.site.site_title = _("Callvault admin")
admin.site.index_title = _("Transcripts, speakers and uploads")

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
