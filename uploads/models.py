"""Every transcript file staff upload through the admin, kept with what became of it."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class UploadQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The uploads `user` may open: their own, and everyone's with the permission uploads.view_upload."""
        if user.has_perm("uploads.view_upload"):
            return self
        return self.filter(uploaded_by=user) if user.is_authenticated else self.none()


class Upload(models.Model):
    """One uploaded file: its bytes, who sent it, and the outcome; pending until confirmed or cancelled.

    A pending upload changes nothing of the archive: the call is only stored on confirmation.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        STORED = "stored", _("Stored")
        REPLACED = "replaced", _("Replaced a call")
        UNCHANGED = "unchanged", _("Unchanged")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        TRANSCRIPT = "transcript", _("Transcript")
        TRANSLATION = "translation", _("Translation of a stored call")

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TRANSCRIPT)
    batch = models.UUIDField(default=uuid.uuid4, db_index=True, help_text="Files sent in one request.")
    file_name = models.CharField(max_length=255)
    # The original bytes; empty when the file was refused for its size (it was never read).
    data = models.BinaryField(blank=True, default=b"")
    size = models.PositiveIntegerField(help_text="Size of the uploaded file in bytes.")
    checksum = models.CharField(max_length=64, blank=True, db_index=True, help_text="SHA-256 of the file.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When it was stored or cancelled.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    layout = models.CharField(max_length=30, blank=True)
    # CallFacts given in the upload form or corrected in the preview (JSON-friendly values).
    facts = models.JSONField(default=dict, blank=True)
    # Speaker corrections from the preview: [{"speaker": name as parsed, "name": ..., "role": ...}].
    corrections = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    # The call this file became (or already was), or for a translation the call it is for; the label
    # survives the call's deletion.
    call = models.ForeignKey(
        "calls.Call", on_delete=models.SET_NULL, null=True, blank=True, related_name="uploads"
    )
    call_label = models.CharField(max_length=300, blank=True)

    objects = UploadQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("uploads:preview", kwargs={"pk": self.pk})

    @property
    def is_translation(self) -> bool:
        return self.kind == self.Kind.TRANSLATION

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def content(self) -> bytes:
        """The file's bytes (PostgreSQL hands a BinaryField back as a memoryview)."""
        return bytes(self.data)
