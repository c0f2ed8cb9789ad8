from django.urls import path

from search import views

app_name = "search"
urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/facet/<slug:name>/", views.facet_page, name="facet"),
    path("api/search/", views.search_api, name="api"),
]
