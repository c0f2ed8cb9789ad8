"""Staff pages for uploading transcripts: upload, preview and correct, then store or cancel.

Plain views under /admin/uploads/ rather than ModelAdmin views, so that any staff member may upload
without model permissions on Upload; they look like the admin by extending its templates.
"""

from __future__ import annotations

import uuid
from functools import wraps

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import TooManyFilesSent
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from calls.parsing import TranscriptError
from uploads import alignment as aligning
from uploads.corrections import SpeakerCorrection
from uploads.forms import AttachForm, PreviewForm, SpeakerFormSet, TranslationForm, UploadForm
from uploads.models import Upload
from uploads.preview import Target, speaker_turns, target_for
from uploads.services import (
    UploadError,
    form_hint,
    translation_alignment,
    upload_attach_translation,
    upload_cancel,
    upload_loaded,
    upload_receive,
    upload_receive_translation,
    upload_store,
    upload_update,
)

DOUBTS = {
    aligning.NO_CHINESE: gettext_lazy("no Chinese in the translation"),
    aligning.PERCENTAGES: gettext_lazy("the percentages differ"),
    aligning.SHORTER: gettext_lazy("much shorter than the English"),
    aligning.LONGER: gettext_lazy("much longer than the English"),
}


def staff_page(view):
    """Staff only (anyone else gets the admin login page), never cached, CSRF-checked.

    Django refuses a request with more than DATA_UPLOAD_MAX_NUMBER_FILES files while parsing it,
    which the CSRF middleware does first: the page would be a bare "400 Bad Request". So the
    middleware's check is moved into the view (csrf_exempt outside, csrf_protect inside) and a
    request refused for its file count gets a message instead; it reaches no view, so it changes
    nothing. Every other request is checked exactly as the middleware would.
    """
    protected = csrf_protect(view)

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method == "POST":
            try:
                request.FILES  # noqa: B018 - parses the body, where the file count is checked
            except TooManyFilesSent:
                limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
                messages.error(
                    request,
                    _("Too many files: at most %(limit)d can be uploaded at once.") % {"limit": limit},
                )
                return _upload_form(request, UploadForm(), status=400)
        return protected(request, *args, **kwargs)

    return csrf_exempt(staff_member_required(never_cache(checked)))


def _page(request, template: str, *, status: int = 200, **context) -> HttpResponse:
    return render(request, template, {**admin.site.each_context(request), **context}, status=status)


def _upload_form(request, form: UploadForm, *, status: int = 200) -> HttpResponse:
    recent = Upload.objects.defer("data").select_related("uploaded_by")[:10]
    return _page(
        request,
        "uploads/upload_form.html",
        status=status,
        title=_("Upload transcripts"),
        form=form,
        recent=recent,
    )


@staff_page
@require_http_methods(["GET", "POST"])
def upload_new(request):
    if request.method != "POST":
        return _upload_form(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_form(request, form, status=400)
    batch = uuid.uuid4()
    uploads = [
        upload_receive(file=file, facts=form.facts(), user=request.user, batch=batch)
        for file in form.cleaned_data["files"]
    ]
    for upload in uploads:
        if upload.status == Upload.Status.FAILED:
            messages.error(
                request,
                _("“%(file)s”: %(error)s. Nothing was stored.")
                % {"file": upload.file_name, "error": upload.error},
            )
        elif upload.status == Upload.Status.UNCHANGED:
            messages.info(
                request,
                _("“%(file)s”: unchanged, already stored as %(call)s.")
                % {"file": upload.file_name, "call": upload.call_label},
            )
    if len(uploads) == 1:
        return redirect(uploads[0])
    return redirect("uploads:batch", batch=batch)


@staff_page
@require_http_methods(["GET"])
def upload_batch(request, batch: uuid.UUID):
    uploads = list(Upload.objects.defer("data").filter(batch=batch).order_by("pk"))
    if not uploads:
        return redirect("uploads:new")
    return _page(
        request,
        "uploads/batch.html",
        title=ngettext("%(count)d uploaded file", "%(count)d uploaded files", len(uploads))
        % {"count": len(uploads)},
        uploads=uploads,
    )


@staff_page
@require_http_methods(["GET"])
def upload_original(request, pk: int):
    """The file as it was uploaded, as a download (never rendered: it is whatever someone sent)."""
    upload = get_object_or_404(Upload, pk=pk)
    return HttpResponse(
        upload.content,
        content_type="application/octet-stream",
        headers={"Content-Disposition": content_disposition_header(True, upload.file_name)},
    )


@staff_page
@require_http_methods(["GET", "POST"])
def upload_detail(request, pk: int):
    """A pending upload's preview, with corrections, store and cancel; else what became of it."""
    upload = get_object_or_404(Upload.objects.select_related("uploaded_by", "call__company"), pk=pk)
    if not upload.is_pending:
        return _outcome(request, upload)
    if upload.is_translation:
        return _translation_preview(request, upload)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        if upload_cancel(upload=upload):
            messages.info(
                request, _("“%(file)s”: cancelled; nothing was stored.") % {"file": upload.file_name}
            )
        return redirect(upload)
    try:
        parsed = upload_loaded(upload, corrections=[])  # speaker rows are keyed on the names as parsed
        current = upload_loaded(upload)
        target = target_for(current)
    except TranscriptError as error:
        messages.error(
            request, _("“%(file)s”: %(error)s") % {"file": upload.file_name, "error": form_hint(str(error))}
        )
        return _outcome(request, upload)

    form, formset = None, None
    if request.method == "POST":
        form = PreviewForm(request.POST)
        formset = SpeakerFormSet(request.POST, prefix="speakers")
        if form.is_valid() and formset.is_valid():
            response = _apply_preview(request, upload, parsed=parsed, form=form, formset=formset)
            if response is not None:
                return response
    if form is None:
        transcript = current.transcript
        form = PreviewForm(
            initial={
                "company": transcript.company,
                "ticker": transcript.ticker,
                "fiscal_year": transcript.fiscal_year,
                "fiscal_quarter": transcript.fiscal_quarter,
                "held_on": transcript.held_on,
                "expect": _expectation(target),
            }
        )
        corrected = {item["speaker"].casefold(): item for item in upload.corrections}
        formset = SpeakerFormSet(
            prefix="speakers",
            initial=[
                {
                    "speaker": speaker.name,
                    "name": corrected.get(speaker.name.casefold(), {}).get("name", speaker.name),
                    "role": corrected.get(speaker.name.casefold(), {}).get("role", str(speaker.role)),
                }
                for speaker in parsed.transcript.speakers
            ],
        )
    turns = speaker_turns(parsed.transcript)
    speakers = [
        {"form": speaker_form, "parsed": speaker, "turns": turns[speaker.name.casefold()]}
        for speaker_form, speaker in zip(formset.forms, parsed.transcript.speakers, strict=False)
    ]
    transcript = current.transcript
    return _page(
        request,
        "uploads/preview.html",
        status=400 if form.errors or formset.total_error_count() else 200,
        title=_("Preview: %(file)s") % {"file": upload.file_name},
        upload=upload,
        transcript=transcript,
        company_name=target.company_name,
        form=form,
        formset=formset,
        speakers=speakers,
        exchanges=list(enumerate(transcript.exchanges, start=1)),
        target=target,
        doubts=[warning for warning in transcript.warnings if warning.doubt],
    )


def _apply_preview(request, upload: Upload, *, parsed, form: PreviewForm, formset) -> HttpResponse | None:
    """Save the preview's corrections and, for "store", store the call; None to show the form again."""
    as_parsed = {speaker.name.casefold(): speaker for speaker in parsed.transcript.speakers}
    corrections = []
    for speaker_form in formset.forms:
        correction: SpeakerCorrection = speaker_form.correction()
        speaker = as_parsed.get(correction.speaker.casefold())
        if speaker is not None and (correction.name, correction.role) != (speaker.name, speaker.role):
            corrections.append(correction)
    facts = form.facts()
    try:
        loaded = upload_loaded(upload, facts=facts, corrections=corrections)
        target = target_for(loaded)
    except TranscriptError as error:
        form.add_error(None, form_hint(str(error)))
        return None
    upload_update(upload=upload, facts=facts, corrections=corrections)
    if request.POST.get("action") != "store":
        messages.info(request, _("Preview updated; nothing is stored yet."))
        return redirect(upload)
    if _expectation(target) != form.cleaned_data["expect"]:
        messages.warning(
            request,
            _("What this file would replace has changed since the preview: check it and confirm again."),
        )
        return redirect(upload)
    try:
        stored = upload_store(upload=upload)
    except UploadError as error:
        messages.error(request, str(error))
        return redirect(upload)
    done = {
        Upload.Status.STORED: _("“%(file)s”: stored."),
        Upload.Status.REPLACED: _("“%(file)s”: stored, replacing the previous call."),
    }.get(stored.status, _("“%(file)s”: unchanged."))
    messages.success(request, done % {"file": upload.file_name})
    return redirect(upload)


@staff_page
@require_http_methods(["GET", "POST"])
def upload_translation(request):
    """Upload a translation of a stored call; the preview shows how it lines up before anything is stored."""
    if request.method != "POST":
        form = TranslationForm(initial={"call": request.GET.get("call")})
        return _translation_form(request, form)
    form = TranslationForm(request.POST, request.FILES)
    if not form.is_valid():
        return _translation_form(request, form, status=400)
    upload = upload_receive_translation(
        file=form.cleaned_data["file"], call=form.cleaned_data["call"], user=request.user
    )
    if upload.status == Upload.Status.FAILED:
        messages.error(
            request,
            _("“%(file)s”: %(error)s. Nothing was stored.")
            % {"file": upload.file_name, "error": upload.error},
        )
    return redirect(upload)


def _translation_form(request, form: TranslationForm, *, status: int = 200) -> HttpResponse:
    recent = Upload.objects.defer("data").filter(kind=Upload.Kind.TRANSLATION).select_related("uploaded_by")
    return _page(
        request,
        "uploads/translation_form.html",
        status=status,
        title=_("Attach a translation"),
        form=form,
        recent=recent[:10],
    )


def _translation_preview(request, upload: Upload) -> HttpResponse:
    """A pending translation: how it lines up with the call, then attach or cancel."""
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "cancel":
        if upload_cancel(upload=upload):
            messages.info(
                request, _("“%(file)s”: cancelled; nothing was stored.") % {"file": upload.file_name}
            )
        return redirect(upload)
    if action == "store":
        form = AttachForm(request.POST)
        if form.is_valid():
            try:
                upload, changed = upload_attach_translation(upload=upload, expect=form.cleaned_data["expect"])
            except UploadError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    ngettext(
                        "“%(file)s”: translation stored for %(count)d paragraph.",
                        "“%(file)s”: translation stored for %(count)d paragraphs.",
                        changed,
                    )
                    % {"file": upload.file_name, "count": changed},
                )
        return redirect(upload)
    try:
        alignment = translation_alignment(upload)
    except (UploadError, TranscriptError) as error:
        messages.error(request, str(error))
        return _outcome(request, upload)
    return _page(
        request,
        "uploads/translation_preview.html",
        title=_("Preview: %(file)s") % {"file": upload.file_name},
        upload=upload,
        call=upload.call,
        alignment=alignment,
        rows=[(row, [DOUBTS[code] for code in row.doubts]) for row in alignment.shown_rows()],
        form=AttachForm(initial={"expect": alignment.fingerprint}),
    )


def _expectation(target: Target) -> str:
    return f"call-{target.call.pk}" if target.call is not None else "new"


def _outcome(request, upload: Upload) -> HttpResponse:
    call = upload.call
    first_exchange = call.exchanges.order_by("number").first() if call is not None else None
    return _page(
        request,
        "uploads/outcome.html",
        title=_("%(file)s: %(status)s")
        % {"file": upload.file_name, "status": upload.get_status_display().lower()},
        upload=upload,
        call=call,
        first_exchange=first_exchange,
    )
