"""Writes of the uploads app. The archive itself is only ever written by calls.services.call_import."""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone, translation

from calls.ingestion import CallFacts, LoadedTranscript, load_transcript
from calls.models import Call
from calls.parsing import Transcript, TranscriptError
from calls.services import call_attach_translation, call_import
from uploads.alignment import Alignment, align
from uploads.corrections import SpeakerCorrection, apply_corrections, corrected_checksum
from uploads.forms import FactsForm
from uploads.models import Upload
from uploads.preview import Target, target_for

# What the import asks command-line users to give, by option, and the CallFacts field each one sets.
_OPTIONS = {
    "--company": "company",
    "--ticker": "ticker",
    "--year": "fiscal_year",
    "--quarter": "fiscal_quarter",
}
_HINT = re.compile(
    r"(?P<lead>[:;] (?:.*, or )?)give (?:them|the \w+) with (?P<options>--\w+(?:(?:, | and )--\w+)*)$"
)


class UploadError(Exception):
    """Something a person can act on went wrong; the message says what."""


class PreviewOutdated(UploadError):
    """What the file would replace has changed since the preview was shown: nothing was stored."""


def refusal_needs(error: TranscriptError) -> tuple[str, tuple[str, ...]]:
    """An import refusal as (the problem, the CallFacts fields that would settle it).

    Read from the error's `problem` (ending with its separator, e.g. "...: ") and `needs` when
    calls gives them; until then from the command-line hint the message ends with (`give the
    company with --company`), the only place the import says which facts it lacks.
    """
    needs = getattr(error, "needs", None)
    if needs is not None:
        return error.problem, tuple(needs)
    message = str(error)
    hint = _HINT.search(message)
    options = re.findall(r"--\w+", hint["options"]) if hint else []
    if not options or not all(option in _OPTIONS for option in options):
        return message, ()
    return message[: hint.start()] + hint["lead"], tuple(_OPTIONS[option] for option in options)


def web_message(error: TranscriptError) -> str:
    """The import's refusal told in the upload form's own terms: which of its fields to fill in."""
    problem, needs = refusal_needs(error)
    if not needs:
        return problem
    with translation.override("en"):  # kept in Upload.error, in the language of the rest of the message
        labels = [str(FactsForm.base_fields[name].label) for name in needs]
    listed = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
    return f"{problem}fill in {listed} in the upload form and upload it again"


def size_refusal(size: int) -> str:
    """Why a file of `size` bytes is refused unread, or "" when its size is allowed.

    The one size rule of the upload pages (the forms show the same limit, the browser checks it first).
    """
    limit = settings.TRANSCRIPT_MAX_BYTES
    return f"the file is {size:,} bytes, over the limit of {limit:,} bytes" if size > limit else ""


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


@dataclass
class Preview:
    """An upload's file read once: as parsed, as it would be stored, and where it would go."""

    upload: Upload
    facts: CallFacts
    parsed: Transcript  # with the facts, before the corrections: the speaker rows are keyed on it
    corrections: list[SpeakerCorrection]  # only those that change a speaker
    loaded: LoadedTranscript  # what storing stores: corrections applied, and in its checksum
    target: Target

    @property
    def transcript(self) -> Transcript:
        return self.loaded.transcript

    def speaker_rows(self) -> list[dict]:
        """Each speaker as parsed, with the saved correction if any: the preview's speaker forms."""
        corrected = {c.speaker.casefold(): c for c in self.corrections}
        rows = []
        for speaker in self.parsed.speakers:
            correction = corrected.get(speaker.name.casefold())
            name, role = (correction.name, correction.role) if correction else (speaker.name, speaker.role)
            rows.append({"speaker": speaker.name, "name": name, "role": str(role)})
        return rows


def _load(upload: Upload, facts: CallFacts) -> LoadedTranscript:
    """The upload's file parsed with the facts: the one parse of a request. Raises UploadError."""
    try:
        return load_transcript(
            upload.content, source_name=upload.file_name, max_bytes=settings.TRANSCRIPT_MAX_BYTES, facts=facts
        )
    except TranscriptError as error:
        raise UploadError(web_message(error)) from None
    except DatabaseError:
        raise
    except Exception as error:  # a bug the file triggers (a RecursionError...): it fails alone
        raise UploadError(f"could not parse: {type(error).__name__}: {error}") from error


def changed_corrections(
    transcript: Transcript, corrections: list[SpeakerCorrection]
) -> list[SpeakerCorrection]:
    """The corrections that change a speaker of the transcript (the form sends every speaker's row)."""
    as_parsed = {speaker.name.casefold(): speaker for speaker in transcript.speakers}
    changed = []
    for correction in corrections:
        speaker = as_parsed.get(correction.speaker.casefold())
        if speaker is not None and (correction.name, correction.role) != (speaker.name, speaker.role):
            changed.append(correction)
    return changed


def upload_preview(
    upload: Upload, *, facts: CallFacts | None = None, corrections: list[SpeakerCorrection] | None = None
) -> Preview:
    """The upload's file parsed once, with its facts and corrections (the saved ones unless given).

    Raises UploadError with a message a person can act on.
    """
    if facts is None:
        facts = facts_from_json(upload.facts)
    if corrections is None:
        corrections = [SpeakerCorrection.from_json(item) for item in upload.corrections]
    return _corrected(upload, _load(upload, facts), facts=facts, corrections=corrections)


def _corrected(
    upload: Upload, loaded: LoadedTranscript, *, facts: CallFacts, corrections: list[SpeakerCorrection]
) -> Preview:
    """The preview of a file already parsed, with the corrections applied (no parsing here)."""
    corrections = changed_corrections(loaded.transcript, corrections)
    # The corrections are part of what is stored: a corrected file is not the file already stored.
    stored = LoadedTranscript(
        source_name=loaded.source_name,
        checksum=corrected_checksum(loaded.checksum, corrections),
        transcript=apply_corrections(loaded.transcript, corrections),
    )
    try:
        target = target_for(stored, file_checksum=loaded.checksum)
    except TranscriptError as error:
        raise UploadError(web_message(error)) from None
    return Preview(
        upload=upload,
        facts=facts,
        parsed=loaded.transcript,
        corrections=corrections,
        loaded=stored,
        target=target,
    )


def _stored_corrections(target: Target, checksum: str) -> list[SpeakerCorrection]:
    """The corrections this very file was stored with in the call it would go to, if it was uploaded."""
    if target.unchanged or target.call is None:
        return []
    stored = (
        Upload.objects.filter(
            call=target.call,
            checksum=checksum,
            status__in=[Upload.Status.STORED, Upload.Status.REPLACED],
        )
        .order_by("-decided_at", "-pk")
        .values_list("corrections", flat=True)
        .first()
    )
    return [SpeakerCorrection.from_json(item) for item in stored or []]


def _receive(upload: Upload, file: UploadedFile, judge: Callable[[Upload], None]) -> Upload:
    """Keep an uploaded file and judge it (`judge` sets what it found, or raises UploadError).

    The one way in for both kinds of file: the size rule, the bytes and checksum, the failure.
    Nothing of the archive changes here.
    """
    refusal = size_refusal(file.size)
    if not refusal:
        upload.data = file.read()
        upload.checksum = hashlib.sha256(upload.data).hexdigest()
        try:
            judge(upload)
        except UploadError as error:
            refusal = str(error)
    # else not read at all: the bytes of a refused oversize file are not worth keeping.
    if refusal:
        upload.status = Upload.Status.FAILED
        upload.error = refusal
        upload.decided_at = timezone.now()
    upload.save()
    return upload


def upload_receive(*, file: UploadedFile, facts: CallFacts, user, batch: uuid.UUID) -> Upload:
    """Keep an uploaded transcript: pending (to preview), unchanged (already stored) or failed."""

    def judge(upload: Upload) -> None:
        loaded = _load(upload, facts)
        preview = _corrected(upload, loaded, facts=facts, corrections=[])
        # The very file stored with corrections made in its preview is the same file again, with them.
        earlier = _stored_corrections(preview.target, upload.checksum)
        if earlier:
            preview = _corrected(upload, loaded, facts=facts, corrections=earlier)
            upload.corrections = [c.as_json() for c in preview.corrections]
        transcript, target = preview.transcript, preview.target
        upload.layout = transcript.layout
        upload.warnings = [{"line": w.line, "message": w.message} for w in transcript.warnings]
        upload.call_label = target.label
        if target.unchanged:
            upload.status = Upload.Status.UNCHANGED
            upload.call = target.call
            upload.call_label = str(target.call)
            upload.decided_at = timezone.now()

    upload = Upload(
        batch=batch, file_name=file.name[:255], size=file.size, uploaded_by=user, facts=facts_to_json(facts)
    )
    return _receive(upload, file, judge)


def upload_receive_translation(*, file: UploadedFile, call: Call, user) -> Upload:
    """Keep an uploaded translation of a stored call: pending (to preview) or failed."""

    def judge(upload: Upload) -> None:
        alignment = translation_alignment(upload, call=call)
        upload.layout = alignment.layout
        upload.warnings = [note.as_json() for note in alignment.errors + alignment.warnings]

    upload = Upload(
        kind=Upload.Kind.TRANSLATION,
        file_name=file.name[:255],
        size=file.size,
        uploaded_by=user,
        call=call,
        call_label=str(call),
    )
    return _receive(upload, file, judge)


def upload_revise(*, upload: Upload, facts: CallFacts, corrections: list[SpeakerCorrection]) -> Preview:
    """The preview with the facts and corrections given, saved on the pending upload.

    Still nothing of the archive changes. Raises UploadError (nothing saved) when the file cannot
    be placed with these facts.
    """
    preview = upload_preview(upload, facts=facts, corrections=corrections)
    saved = {"facts": facts_to_json(facts), "corrections": [c.as_json() for c in preview.corrections]}
    Upload.objects.filter(pk=upload.pk, status=Upload.Status.PENDING).update(**saved)
    upload.facts, upload.corrections = saved["facts"], saved["corrections"]
    return preview


_OUTCOMES = {
    "created": Upload.Status.STORED,
    "replaced": Upload.Status.REPLACED,
    "unchanged": Upload.Status.UNCHANGED,
}


def upload_store(*, preview: Preview, expect: str) -> Upload:
    """Store a previewed upload as a call through call_import, in one transaction with its outcome.

    `expect` is what the preview showed the file would replace (Target.expectation): if that has
    changed since, nothing is stored (PreviewOutdated). On a database error nothing of the call is
    left and the upload is marked failed; raises UploadError.
    """
    upload = preview.upload
    if preview.target.expectation != expect:
        raise PreviewOutdated(
            "What this file would replace has changed since the preview: check it and confirm again."
        )
    try:
        with transaction.atomic():
            locked = Upload.objects.select_for_update().get(pk=upload.pk)
            if not locked.is_pending:
                raise UploadError(f"“{upload.file_name}” was already {locked.get_status_display().lower()}")
            try:
                result = call_import(loaded=preview.loaded)
            except TranscriptError as error:  # the archive changed since the preview: cannot place it
                raise UploadError(f"“{upload.file_name}”: {web_message(error)}") from None
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


def uploads_expire(*, older_than: datetime.timedelta) -> int:
    """Remove the pending uploads received longer ago than `older_than`, with their bytes.

    Never confirmed nor cancelled, they changed nothing of the archive; their bytes (kept in the row)
    go with them. Returns how many were removed.
    """
    cutoff = timezone.now() - older_than
    removed, _ = Upload.objects.filter(status=Upload.Status.PENDING, uploaded_at__lt=cutoff).delete()
    return removed


def translation_alignment(upload: Upload, *, call: Call | None = None) -> Alignment:
    """A translation upload's file lined up with its call's paragraphs as they are now.

    Raises UploadError when the call is gone or the file is not text.
    """
    call = call or upload.call
    if call is None:
        raise UploadError(f"“{upload.file_name}”: the call {upload.call_label} has been deleted or replaced")
    paragraphs = list(call.utterances.order_by("position").values_list("text", "translation"))
    try:
        return align(upload.content, paragraphs)
    except TranscriptError as error:
        raise UploadError(str(error)) from None


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
            alignment = translation_alignment(locked)
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
