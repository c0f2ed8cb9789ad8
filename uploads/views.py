"""Staff pages for uploading transcripts: upload, preview and correct, then store or cancel.

Plain views under /admin/uploads/ that look like the admin by extending its templates. Staff with
the permission `uploads.add_upload` may upload; each sees their own uploads, and those with
`uploads.view_upload` everyone's. Another's upload is a 404 to the others, not a 403: upload ids
run in sequence, and a 403 would tell which exist.
"""

from __future__ import annotations

import uuid
from functools import wraps

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import DisallowedRedirect, PermissionDenied, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods
from django.views.defaults import bad_request

from config.middleware import CONTENT_SECURITY_POLICY
from uploads import alignment as aligning
from uploads import picker
from uploads.forms import AttachForm, PreviewForm, SpeakerFormSet, TranslationForm, UploadForm
from uploads.models import Upload
from uploads.preview import speaker_turns
from uploads.services import (
    Preview,
    PreviewOutdated,
    UploadError,
    translation_alignment,
    upload_attach_translation,
    upload_cancel,
    upload_preview,
    upload_receive,
    upload_receive_translation,
    upload_revise,
    upload_store,
)

DOUBTS = {
    aligning.NO_CHINESE: gettext_lazy("no Chinese in the translation"),
    aligning.PERCENTAGES: gettext_lazy("the percentages differ"),
    aligning.SHORTER: gettext_lazy("much shorter than the English"),
    aligning.LONGER: gettext_lazy("much longer than the English"),
}


def staff_page(view):
    """Staff with `uploads.add_upload` only (else the login page, or a 403), never cached, CSRF-checked.

    Django refuses a request with more than DATA_UPLOAD_MAX_NUMBER_FILES files while parsing it,
    which the CSRF middleware does first: the page would be a bare "400 Bad Request". So the
    middleware's check is moved into the view (csrf_exempt outside, csrf_protect inside) and a
    request refused for its file count gets a message instead; it reaches no view, so it changes
    nothing. Every other request is checked exactly as the middleware would.

    The pages carry the site's strict Content-Security-Policy, not the admin's (which allows the
    inline styles of Django's own admin pages): theirs are in static/css/uploads.css.
    """
    protected = csrf_protect(view)

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.has_perm("uploads.add_upload"):
            raise PermissionDenied
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

    guarded = staff_member_required(never_cache(checked))

    @wraps(view)
    def answered(request, *args, **kwargs):
        try:
            response = guarded(request, *args, **kwargs)
        except DisallowedRedirect as error:
            # The login redirect carries the address in ?next=, and Django refuses a redirect over
            # 16 kB: Django's 400 page, in the site's layout (templates/400.html), not a traceback.
            response = bad_request(request, error)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    return csrf_exempt(answered)


def _page(request, template: str, *, status: int = 200, **context) -> HttpResponse:
    return render(request, template, {**admin.site.each_context(request), **context}, status=status)


def _upload_form(request, form: UploadForm, *, status: int = 200) -> HttpResponse:
    recent = Upload.objects.visible_to(request.user).defer("data").select_related("uploaded_by")[:10]
    return _page(
        request,
        "uploads/upload_form.html",
        status=status,
        title=_("Upload transcripts"),
        form=form,
        recent=recent,
    )


def _received(request, uploads: list[Upload]) -> HttpResponse:
    """After files are received (both kinds): what became of each, then its page or the batch's."""
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
    return redirect("uploads:batch", batch=uploads[0].batch)


@staff_page
@require_http_methods(["GET", "POST"])
def upload_new(request):
    if request.method != "POST":
        return _upload_form(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_form(request, form, status=400)
    batch = uuid.uuid4()
    return _received(
        request,
        [
            upload_receive(file=file, facts=form.facts(), user=request.user, batch=batch)
            for file in form.cleaned_data["files"]
        ],
    )


@staff_page
@require_http_methods(["GET"])
def upload_batch(request, batch: uuid.UUID):
    uploads = list(Upload.objects.visible_to(request.user).defer("data").filter(batch=batch).order_by("pk"))
    if not uploads:
        return redirect("uploads:new")
    return _page(
        request,
        "uploads/batch.html",
        title=ngettext("%(count)d uploaded file", "%(count)d uploaded files", len(uploads))
        % {"count": len(uploads)},
        uploads=uploads,
    )


def _visible_upload(request, pk: int, queryset=None) -> Upload:
    """The upload if the user may see it; else a 404, as for an upload that does not exist."""
    queryset = Upload.objects if queryset is None else queryset
    return get_object_or_404(queryset.visible_to(request.user), pk=pk)


@staff_page
@require_http_methods(["GET"])
def upload_original(request, pk: int):
    """The file as it was uploaded, as a download (never rendered: it is whatever someone sent)."""
    upload = _visible_upload(request, pk)
    return HttpResponse(
        upload.content,
        content_type="application/octet-stream",
        headers={"Content-Disposition": content_disposition_header(True, upload.file_name)},
    )


@staff_page
@require_http_methods(["GET", "POST"])
def upload_detail(request, pk: int):
    """A pending upload's preview, with corrections, store and cancel; else what became of it."""
    upload = _visible_upload(request, pk, Upload.objects.select_related("uploaded_by", "call__company"))
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

    # The file is parsed once per request: with the form's facts and corrections when they are
    # valid, else (or when the file cannot be placed with them) as last saved, to show the form again.
    form, formset, preview = None, None, None
    if request.method == "POST":
        form = PreviewForm(request.POST)
        formset = SpeakerFormSet(request.POST, prefix="speakers")
        if form.is_valid() and formset.is_valid():
            corrections = [speaker_form.correction() for speaker_form in formset.forms]
            try:
                preview = upload_revise(upload=upload, facts=form.facts(), corrections=corrections)
            except UploadError as error:
                form.add_error(None, str(error))
            else:
                return _confirm(request, preview, action=request.POST.get("action"), form=form)
    try:
        preview = upload_preview(upload)
    except UploadError as error:
        messages.error(request, _("“%(file)s”: %(error)s") % {"file": upload.file_name, "error": error})
        return _outcome(request, upload)
    if form is None:
        transcript = preview.transcript
        form = PreviewForm(
            initial={
                "company": transcript.company,
                "ticker": transcript.ticker,
                "fiscal_year": transcript.fiscal_year,
                "fiscal_quarter": transcript.fiscal_quarter,
                "held_on": transcript.held_on,
                "expect": preview.target.expectation,
            }
        )
        formset = SpeakerFormSet(prefix="speakers", initial=preview.speaker_rows())
    return _preview_page(request, preview, form=form, formset=formset)


def _preview_page(request, preview: Preview, *, form: PreviewForm, formset) -> HttpResponse:
    turns = speaker_turns(preview.parsed)
    speakers = [
        {"form": speaker_form, "parsed": speaker, "turns": turns[speaker.name.casefold()]}
        for speaker_form, speaker in zip(formset.forms, preview.parsed.speakers, strict=False)
    ]
    upload, transcript, target = preview.upload, preview.transcript, preview.target
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


def _confirm(request, preview: Preview, *, action: str | None, form: PreviewForm) -> HttpResponse:
    """After the preview's corrections are saved: store the call for "store", else show it again."""
    upload = preview.upload
    if action != "store":
        messages.info(request, _("Preview updated; nothing is stored yet."))
        return redirect(upload)
    try:
        stored = upload_store(preview=preview, expect=form.cleaned_data["expect"])
    except PreviewOutdated:
        messages.warning(
            request,
            _("What this file would replace has changed since the preview: check it and confirm again."),
        )
        return redirect(upload)
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
    return _received(request, [upload])


@staff_page
@require_http_methods(["GET"])
def call_choices(request):
    """The calls the translation form's picker suggests for ?q= (JSON; see uploads/picker.py)."""
    calls = picker.calls_matching(request.GET.get("q", ""), limit=picker.SUGGESTIONS + 1)
    return JsonResponse(
        {
            "results": [
                {
                    "value": picker.picker_value(call),
                    "label": f"{call.company.name} · {call.period_label}",
                    "held_on": call.held_on.isoformat() if call.held_on else None,
                    "url": call.get_absolute_url(),
                }
                for call in calls[: picker.SUGGESTIONS]
            ],
            "more": len(calls) > picker.SUGGESTIONS,
        }
    )


def _translation_form(request, form: TranslationForm, *, status: int = 200) -> HttpResponse:
    recent = (
        Upload.objects.visible_to(request.user)
        .defer("data")
        .filter(kind=Upload.Kind.TRANSLATION)
        .select_related("uploaded_by")
    )
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
    except UploadError as error:
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
