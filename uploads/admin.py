from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from uploads.models import Upload


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    """Every upload, read-only: kept as a record, never edited or deleted here."""

    list_display = [
        "file_name",
        "kind",
        "status",
        "call_label",
        "uploaded_by",
        "uploaded_at",
        "size",
        "warning_count",
    ]
    list_filter = ["kind", "status", "uploaded_at"]
    list_select_related = ["uploaded_by"]
    search_fields = ["file_name", "checksum", "call_label"]
    date_hierarchy = "uploaded_at"
    fields = [
        "kind",
        "file_name",
        "original",
        "size",
        "checksum",
        "uploaded_by",
        "uploaded_at",
        "status",
        "decided_at",
        "page",
        "call",
        "call_label",
        "layout",
        "facts",
        "corrections",
        "error",
        "warnings",
        "batch",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # The file's bytes are only needed for the download, not for lists or the record's page.
        return super().get_queryset(request).visible_to(request.user).defer("data")

    def has_view_permission(self, request, obj=None):
        # As on the upload pages: who may upload sees their own uploads, view_upload everyone's.
        if super().has_view_permission(request, obj):
            return True
        own = obj is None or obj.uploaded_by_id == request.user.pk
        return own and request.user.has_perm("uploads.add_upload")

    def has_add_permission(self, request):
        return False  # uploads are made on the upload page (linked from the admin index)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="warnings")
    def warning_count(self, obj):
        return len(obj.warnings)

    @admin.display(description="original file")
    def original(self, obj):
        return format_html('<a href="{}">download</a>', reverse("uploads:original", kwargs={"pk": obj.pk}))

    @admin.display(description="upload page")
    def page(self, obj):
        return format_html(
            '<a href="{}">{}</a>', obj.get_absolute_url(), "preview" if obj.is_pending else "outcome"
        )
