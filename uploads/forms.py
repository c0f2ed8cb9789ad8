from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from calls.ingestion import CallFacts
from calls.models import Call
from calls.models import Role as RoleLabel
from calls.parsing import Role
from uploads import picker
from uploads.corrections import SpeakerCorrection

# What the file picker offers: every format the parser reads (it reads any file; this only decides
# which files the picker shows without "All files").
TRANSCRIPT_FILE_TYPES = ",".join(
    (
        *(".txt", ".text", ".json", ".jsonl", ".csv", ".tsv", ".md", ".markdown", ".xml", ".htm", ".html"),
        *(".vtt", ".srt", ".docx", ".rtf", "text/plain", "text/csv", "text/markdown", "text/html"),
        *("application/json", "application/xml", "application/rtf"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern of Django's file-upload docs): cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple) and data:
            return [clean_one(item, initial) for item in data]
        return [clean_one(data, initial)]


class FactsForm(forms.Form):
    """What staff know better than the file: each field given overrides what the file says."""

    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    ticker = forms.CharField(label=_("Ticker"), max_length=16, required=False)
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=1900, max_value=2200, required=False)
    fiscal_quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[("", "---------"), *((q, f"Q{q}") for q in range(1, 5))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    held_on = forms.DateField(
        label=_("Date held"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def facts(self) -> CallFacts:
        data = self.cleaned_data
        return CallFacts(
            company=data["company"].strip(),
            ticker=data["ticker"].strip().upper(),
            fiscal_year=data["fiscal_year"],
            fiscal_quarter=data["fiscal_quarter"],
            held_on=data["held_on"],
        )


class UploadForm(FactsForm):
    # Empty files are let through so that the parser names them, file by file, like any bad file.
    files = MultipleFileField(label=_("Transcript files"), allow_empty_file=True)
    field_order = ["files"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        max_files, max_bytes = settings.DATA_UPLOAD_MAX_NUMBER_FILES, settings.TRANSCRIPT_MAX_BYTES
        self.fields["files"].help_text = _(
            "Up to %(files)d files of at most %(bytes)s bytes each."
            " The fields below override what the files say, for every file."
        ) % {"files": max_files, "bytes": f"{max_bytes:,}"}
        self.fields["files"].widget.attrs.update(
            {
                "accept": TRANSCRIPT_FILE_TYPES,
                "data-max-files": max_files,
                "data-max-bytes": max_bytes,
                # What uploads/static/uploads/upload.js says before sending, in the page's language.
                "data-too-many": _("Too many files: at most %(limit)d can be uploaded at once.")
                % {"limit": max_files},
                "data-too-large": _("{file}: {size} bytes, over the limit of %(limit)s bytes.")
                % {"limit": f"{max_bytes:,}"},
            }
        )


class PreviewForm(FactsForm):
    # What the preview showed: "new" or the id of the call it would replace. If the archive changed
    # in the meantime, confirming asks to look again instead of replacing a call nobody saw.
    expect = forms.CharField(widget=forms.HiddenInput, required=False)


class SpeakerForm(forms.Form):
    speaker = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(max_length=200)
    role = forms.ChoiceField(choices=RoleLabel.choices)  # the same values as the parser's Role

    def correction(self) -> SpeakerCorrection:
        data = self.cleaned_data
        return SpeakerCorrection(speaker=data["speaker"], name=data["name"].strip(), role=Role(data["role"]))


SpeakerFormSet = forms.formset_factory(SpeakerForm, extra=0)


class CallField(forms.CharField):
    """A stored call named in words: its slug and period ("allot 2013-q1", what the suggestions of
    static/js/call-picker.js fill in), its address, or any text only one call matches. Cleans to the Call.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", picker.MAX_CHARS)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return picker.picker_value(value) if isinstance(value, Call) else value

    def clean(self, value):
        text = super().clean(value)  # the text, its length checked
        if not text:
            return None
        found = picker.call_for_text(text)
        if found.call is not None:
            return found.call
        example = picker.picker_value(found.candidates[0]) if found.candidates else "allot 2013-q1"
        if not found.candidates:
            raise ValidationError(
                _("No stored call matches “%(text)s”. Type the company and the period, e.g. %(example)s."),
                code="no_call",
                params={"text": text, "example": example},
            )
        shown = found.candidates[:3]
        raise ValidationError(
            _("“%(text)s” matches several calls (%(calls)s%(more)s): add the period, e.g. %(example)s."),
            code="several_calls",
            params={
                "text": text,
                "calls": "; ".join(f"{call.company.name} · {call.period_label}" for call in shown),
                "more": "…" if len(found.candidates) > len(shown) else "",
                "example": example,
            },
        )


class TranslationForm(forms.Form):
    """A translation file for a call already stored."""

    call = CallField(
        label=_("Call"),
        help_text=_("Type the company and the period, e.g. allot 2013-q1, and pick the call."),
    )
    file = forms.FileField(label=_("Translation file"), allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A combobox (WAI-ARIA): static/js/call-picker.js fills the listbox the template puts after it.
        self.fields["call"].widget.attrs.update(
            {
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": "call-options",
                "autocomplete": "off",
                "spellcheck": "false",
                "data-call-picker": reverse("uploads:call_choices"),
                "class": "vTextField",
            }
        )
        self.fields["file"].widget.attrs["accept"] = ".txt,text/plain"
        self.fields["file"].help_text = _("At most %(bytes)s bytes.") % {
            "bytes": f"{settings.TRANSCRIPT_MAX_BYTES:,}"
        }


class AttachForm(forms.Form):
    # The call's paragraphs and translations as the preview showed them (alignment.fingerprint).
    expect = forms.CharField(widget=forms.HiddenInput)
