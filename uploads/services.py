"""Writes of the uploads app. The archive itself is only ever written by calls.services.call_import."""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from calls.ingestion import CallFacts, LoadedTranscript, load_transcript
from calls.models import Call
from calls.parsing import TranscriptError
from calls.services import call_attach_translation, call_import
from uploads.alignment import Alignment, align
from uploads.corrections import SpeakerCorrection, apply_corrections
from uploads.models import Upload
from uploads.preview import target_for

# The import's messages tell command-line users which options to give; here they are form fields.
_FORM_HINTS = {
    "give them with --company, --year and --quarter": (
        "fill in Company, Fiscal year and Quarter in the upload form and upload it again"
    ),
    "give the period with --year and --quarter": (
        "fill in Fiscal year and Quarter in the upload form and upload it again"
    ),
    "give the company with --company": "fill in Company in the upload form and upload it again",
    "give the ticker with --ticker": "fill in Ticker in the upload form and upload it again",
}


def form_hint(message: str) -> str:
    """An import message with its command-line hint told as the upload form's fields."""
    for option, field in _FORM_HINTS.items():
        message = message.replace(option, field)
    return message


class UploadError(Exception):
    """Something a person can act on went wrong; the message says what."""


def facts_from_json(data: dict) -> CallFacts:
    held_on = data.get("held_on")
    return CallFacts(
        company=data.get("company", ""),
        ticker=data.get("ticker", ""),
        fiscal_year=data.get("fiscal_year"),
        fiscal_quarter=data.get("fiscal_quarter"),
        held_on=datetime.date.fromisoformat(held_on) if held_on else None,
    )


def facts_to_json(facts: CallFacts) -> dict:
    return {
        "company": facts.company,
        "ticker": facts.ticker,
        "fiscal_year": facts.fiscal_year,
        "fiscal_quarter": facts.fiscal_quarter,
        "held_on": facts.held_on.isoformat() if facts.held_on else None,
    }


def upload_loaded(
    upload: Upload, *, facts: CallFacts | None = None, corrections: list[SpeakerCorrection] | None = None
) -> LoadedTranscript:
    """The upload's file parsed, with its facts and corrections (the saved ones unless given) applied.

    Raises TranscriptError with a message a person can act on.
    """
    if facts is None:
        facts = facts_from_json(upload.facts)
    if corrections is None:
        corrections = [SpeakerCorrection.from_json(item) for item in upload.corrections]
    try:
        loaded = load_transcript(
            upload.content, source_name=upload.file_name, max_bytes=settings.TRANSCRIPT_MAX_BYTES, facts=facts
        )
    except TranscriptError as error:
        raise TranscriptError(form_hint(str(error))) from None
    except DatabaseError:
        raise
    except Exception as error:  # a bug the file triggers (a RecursionError...): it fails alone
        raise TranscriptError(f"could not parse: {type(error).__name__}: {error}") from error
    loaded.transcript = apply_corrections(loaded.transcript, corrections)
    return loaded


def upload_receive(*, file: UploadedFile, facts: CallFacts, user, batch: uuid.UUID) -> Upload:
    """Keep an uploaded file and judge it: pending (to preview), unchanged (already stored) or failed.

    Nothing of the archive changes here.
    """
    upload = Upload(
        batch=batch, file_name=file.name[:255], size=file.size, uploaded_by=user, facts=facts_to_json(facts)
    )
    limit = settings.TRANSCRIPT_MAX_BYTES
    if file.size > limit:
        # Not read at all: the bytes of a refused oversize file are not worth keeping.
        upload.status = Upload.Status.FAILED
        upload.error = f"the file is {file.size:,} bytes, over the limit of {limit:,} bytes"
        upload.save()
        return upload
    upload.data = file.read()
    upload.checksum = hashlib.sha256(upload.data).hexdigest()
    try:
        loaded = upload_loaded(upload, facts=facts, corrections=[])
    except TranscriptError as error:
        upload.status = Upload.Status.FAILED
        upload.error = str(error)
        upload.save()
        return upload
    transcript = loaded.transcript
    upload.layout = transcript.layout
    upload.warnings = [{"line": w.line, "message": w.message} for w in transcript.warnings]
    try:
        target = target_for(loaded)
    except TranscriptError as error:
        upload.status = Upload.Status.FAILED
        upload.error = form_hint(str(error))
        upload.save()
        return upload
    upload.call_label = target.label
    if target.unchanged:
        upload.status = Upload.Status.UNCHANGED
        upload.call = target.call
        upload.call_label = str(target.call)
        upload.decided_at = timezone.now()
    upload.save()
    return upload


def upload_update(*, upload: Upload, facts: CallFacts, corrections: list[SpeakerCorrection]) -> None:
    """Save the preview's corrections on a pending upload (still nothing of the archive changes)."""
    Upload.objects.filter(pk=upload.pk, status=Upload.Status.PENDING).update(
        facts=facts_to_json(facts), corrections=[c.as_json() for c in corrections]
    )
    upload.facts = facts_to_json(facts)
    upload.corrections = [c.as_json() for c in corrections]


_OUTCOMES = {
    "created": Upload.Status.STORED,
    "replaced": Upload.Status.REPLACED,
    "unchanged": Upload.Status.UNCHANGED,
}


def upload_store(*, upload: Upload) -> Upload:
    """Store a pending upload as a call through call_import, in one transaction with the upload's outcome.

    On a database error nothing of the call is left and the upload is marked failed; raises UploadError.
    """
    try:
        loaded = upload_loaded(upload)
    except TranscriptError as error:
        raise UploadError(f"“{upload.file_name}”: {error}") from None
    try:
        with transaction.atomic():
            locked = Upload.objects.select_for_update().get(pk=upload.pk)
            if not locked.is_pending:
                raise UploadError(f"“{upload.file_name}” was already {locked.get_status_display().lower()}")
            try:
                result = call_import(loaded=loaded)
            except TranscriptError as error:  # the archive changed since the preview: cannot place it
                raise UploadError(f"“{upload.file_name}”: {form_hint(str(error))}") from None
            locked.status = _OUTCOMES[result.status]
            locked.call = result.call
            locked.call_label = str(result.call)
            locked.warnings = result.warnings
            locked.decided_at = timezone.now()
            locked.save()
    except DatabaseError as error:
        raise _refused(upload, "call", error) from error
    return locked


def _refused(upload: Upload, what: str, error: DatabaseError) -> UploadError:
    """Record that the database refused to store an upload (after the rollback); the error to show."""
    Upload.objects.filter(pk=upload.pk, status=Upload.Status.PENDING).update(
        status=Upload.Status.FAILED,
        error=f"the database refused the {what}: {error}".strip(),
        decided_at=timezone.now(),
    )
    return UploadError(f"“{upload.file_name}”: nothing was stored, the database refused the {what}")


def upload_cancel(*, upload: Upload) -> bool:
    """Mark a pending upload cancelled; False when it was no longer pending."""
    return bool(
        Upload.objects.filter(pk=upload.pk, status=Upload.Status.PENDING).update(
            status=Upload.Status.CANCELLED, decided_at=timezone.now()
        )
    )


def translation_alignment(upload: Upload, *, call: Call | None = None) -> Alignment:
    """A translation upload's file lined up with its call's paragraphs as they are now.

    Raises UploadError when the call is gone, TranscriptError when the file is not text.
    """
    call = call or upload.call
    if call is None:
        raise UploadError(f"“{upload.file_name}”: the call {upload.call_label} has been deleted or replaced")
    paragraphs = list(call.utterances.order_by("position").values_list("text", "translation"))
    return align(upload.content, paragraphs)


def upload_receive_translation(*, file: UploadedFile, call: Call, user) -> Upload:
    """Keep an uploaded translation of a stored call: pending (to preview) or failed. Nothing else changes."""
    upload = Upload(
        kind=Upload.Kind.TRANSLATION,
        file_name=file.name[:255],
        size=file.size,
        uploaded_by=user,
        call=call,
        call_label=str(call),
    )
    limit = settings.TRANSCRIPT_MAX_BYTES
    if file.size > limit:
        upload.status = Upload.Status.FAILED
        upload.error = f"the file is {file.size:,} bytes, over the limit of {limit:,} bytes"
        upload.decided_at = timezone.now()
        upload.save()
        return upload
    upload.data = file.read()
    upload.checksum = hashlib.sha256(upload.data).hexdigest()
    try:
        alignment = translation_alignment(upload, call=call)
    except TranscriptError as error:
        upload.status = Upload.Status.FAILED
        upload.error = str(error)
        upload.decided_at = timezone.now()
        upload.save()
        return upload
    upload.layout = alignment.layout
    upload.warnings = [note.as_json() for note in alignment.errors + alignment.warnings]
    upload.save()
    return upload


def upload_attach_translation(*, upload: Upload, expect: str) -> tuple[Upload, int]:
    """Attach a pending translation upload to its call, in one transaction with the upload's outcome.

    `expect` is the fingerprint of the call the preview showed: if its paragraphs or translations
    changed since, nothing is stored. Returns the upload and how many paragraphs changed; raises
    UploadError (nothing stored) when the file cannot be stored as it is.
    """
    try:
        with transaction.atomic():
            locked = (
                Upload.objects.select_for_update(of=("self",))
                .select_related("call__company")
                .get(pk=upload.pk)
            )
            if not locked.is_pending:
                raise UploadError(f"“{upload.file_name}” was already {locked.get_status_display().lower()}")
            try:
                alignment = translation_alignment(locked)
            except TranscriptError as error:
                raise UploadError(f"“{upload.file_name}”: {error}") from None
            if alignment.fingerprint != expect:
                raise UploadError(
                    f"{locked.call_label} has changed since the preview: check it and confirm again"
                )
            if not alignment.can_store:
                raise UploadError(f"“{upload.file_name}”: nothing to store, see the warnings")
            changed = call_attach_translation(call=locked.call, translations=alignment.translations)
            locked.status = Upload.Status.STORED
            locked.call_label = str(locked.call)
            locked.warnings = [note.as_json() for note in alignment.warnings]
            locked.decided_at = timezone.now()
            locked.save()
    except DatabaseError as error:
        raise _refused(upload, "translation", error) from error
    return locked, changed
