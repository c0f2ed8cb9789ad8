"""Under /admin/uploads/, beside the admin's own /admin/uploads/upload/ (the Upload changelist)."""

from django.urls import path

from uploads import views

app_name = "uploads"
urlpatterns = [
    path("new/", views.upload_new, name="new"),
    path("translation/", views.upload_translation, name="translation"),
    path("calls/", views.call_choices, name="call_choices"),
    path("batch/<uuid:batch>/", views.upload_batch, name="batch"),
    path("<int:pk>/", views.upload_detail, name="preview"),
    path("<int:pk>/original/", views.upload_original, name="original"),
]
