from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from calls.models import Call, Company, Exchange, Speaker, Turn, Utterance
from calls.services import (
    MergeRefused,
    calls_delete,
    companies_delete,
    company_merge,
    family_name,
    speaker_key,
    turn_changed,
    utterances_refresh,
)
from calls.textquery import TextQuery, trimmed_query

# Every edit here that changes what a paragraph row copies (its call's company and period, its
# turn's speaker, role and section) or derives (its Chinese terms, the search's tallies) ends in a
# calls.services call that recomputes them: the admin's form saves only the row it shows.
#
# The structure of a call is the import's: turns, paragraphs and exchanges are neither added nor
# deleted here, and their call and position are read-only. Positions are the permalinks' anchors
# (#p12, #t4, qa-3), a split call's halves are counted in them (Call.parts), and a paragraph moved
# to another turn or call would contradict the file it came from. Import the corrected file instead
# (it replaces the call at the same URL) or delete the call.


# Shown read-only on a paragraph: what it copies of its call and turn.
utterance_copies = ["company", "fiscal_year", "fiscal_quarter", "speaker", "role", "section"]


class NoStructureEdits:
    """Rows that only the import creates or deletes (see above)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DeletesWholeCalls:
    """A call's turns, paragraphs and exchanges go with it (or with its company), though nobody may
    delete them one by one (NoStructureEdits): the delete pages must not ask for that permission."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        parts_of_a_call = {str(model._meta.verbose_name) for model in (Turn, Utterance, Exchange)}
        return deleted, counts, {p for p in perms_needed if str(p) not in parts_of_a_call}, protected


class MergeForm(forms.Form):
    survivor = forms.ModelChoiceField(
        queryset=Company.objects.none(), widget=forms.RadioSelect, label=gettext_lazy("Company that stays")
    )

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = Company.objects.filter(pk__in=[c.pk for c in companies])
        # Offered first: the company with the most calls, whose URLs most links already point to.
        self.fields["survivor"].initial = max(companies, key=lambda c: (c.call_count, -c.pk)).pk


@admin.register(Company)
class CompanyAdmin(DeletesWholeCalls, admin.ModelAdmin):
    list_display = ["name", "ticker", "slug"]
    search_fields = ["name", "ticker", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_companies"]
    # Name, slug, ticker and aliases are read by id wherever they show (facets, results, pages):
    # nothing copies them, so saving a company needs no refresh; the data version's trigger on the
    # company table already keeps cached searches from showing the old name.

    def delete_model(self, request, obj):
        companies_delete(company_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        companies_delete(company_ids=list(queryset.values_list("pk", flat=True)))

    def has_merge_permission(self, request) -> bool:
        # A merge changes one company and deletes the others (the admin ORs an action's permissions).
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description=gettext_lazy("Merge selected companies into one"), permissions=["merge"])
    def merge_companies(self, request, queryset):
        """A confirmation page asking which company stays, then `company_merge` (like delete_selected)."""
        companies = list(queryset.annotate(call_count=Count("calls")).order_by("name", "pk"))
        if len(companies) < 2:
            self.message_user(request, _("Select two or more companies to merge."), messages.WARNING)
            return None
        form = MergeForm(request.POST if request.POST.get("post") else None, companies=companies)
        if form.is_bound and form.is_valid():
            survivor = form.cleaned_data["survivor"]
            try:
                moved = company_merge(survivor=survivor, merged=[c for c in companies if c.pk != survivor.pk])
            except MergeRefused as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext(
                    "Merged into %(company)s: %(count)d call moved.",
                    "Merged into %(company)s: %(count)d calls moved.",
                    moved,
                )
                % {"company": survivor, "count": moved},
                messages.SUCCESS,
            )
            return None
        periods: dict[tuple[int, int], list[str]] = {}
        for year, quarter, name in (
            Call.objects.filter(company__in=companies)
            .order_by("fiscal_year", "fiscal_quarter", "company__name")
            .values_list("fiscal_year", "fiscal_quarter", "company__name")
        ):
            periods.setdefault((year, quarter), []).append(name)
        clashes = [
            (f"Q{quarter} {year}", names) for (year, quarter), names in periods.items() if len(names) > 1
        ]
        return TemplateResponse(
            request,
            "admin/calls/company/merge_companies.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge companies"),
                "opts": self.model._meta,
                "companies": companies,
                "form": form,
                "clashes": clashes,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


class ExchangeInline(NoStructureEdits, admin.TabularInline):
    model = Exchange
    extra = 0
    fields = ["number", "questioner_name", "introduced_as", "firm", "questioner"]
    readonly_fields = ["number"]
    raw_id_fields = ["questioner"]


@admin.register(Call)
class CallAdmin(DeletesWholeCalls, admin.ModelAdmin):
    list_display = ["company", "fiscal_year", "fiscal_quarter", "held_on", "source_name", "imported_at"]
    list_filter = ["fiscal_year", "fiscal_quarter", "company"]
    list_select_related = ["company"]
    search_fields = ["company__name", "title", "source_name"]
    # What the file was (its name, checksum, layout, warnings, halves) is the import's record of it.
    readonly_fields = ["source_name", "checksum", "imported_at", "layout", "warnings", "parts"]
    inlines = [ExchangeInline]

    def has_add_permission(self, request) -> bool:
        return False  # a call comes from a file: the import or the upload page

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Company and period are copied into every paragraph row and the tallies.
        utterances_refresh(call=form.instance, texts=False)

    def delete_model(self, request, obj):
        calls_delete(call_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        calls_delete(call_ids=list(queryset.values_list("pk", flat=True)))


class SpeakerForm(forms.ModelForm):
    class Meta:
        model = Speaker
        fields = ["name", "firm", "slug"]

    def clean(self):
        cleaned = super().clean()
        key = speaker_key(cleaned.get("name", ""), cleaned.get("firm", ""))
        same = Speaker.objects.filter(key=key).exclude(pk=self.instance.pk).first()
        if same is not None:
            raise forms.ValidationError(
                _("%(speaker)s already has this name and firm: they are one person, keep one of them.")
                % {"speaker": same}
            )
        return cleaned


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    form = SpeakerForm
    list_display = ["name", "firm", "slug"]
    search_fields = ["name", "firm"]
    # The import's identity of the person, derived from name and firm on every save (below).
    readonly_fields = ["key"]

    def save_model(self, request, obj, form, change):
        # A corrected name or firm is how later imports find the person (by key, or by family name).
        obj.key = speaker_key(obj.name, obj.firm)
        obj.family_name = family_name(obj.name)
        super().save_model(request, obj, form, change)
        # Paragraphs and tallies hold the speaker's id only, read with its name where shown: nothing
        # to refresh, and the data version's trigger on the speaker table bumps cached searches.


@admin.register(Exchange)
class ExchangeAdmin(NoStructureEdits, admin.ModelAdmin):
    list_display = ["call", "number", "questioner_name", "introduced_as", "firm"]
    list_select_related = ["call__company"]
    search_fields = ["questioner_name", "firm", "call__company__name"]
    readonly_fields = ["call", "number"]
    raw_id_fields = ["questioner"]


class TurnForm(forms.ModelForm):
    class Meta:
        model = Turn
        fields = ["speaker", "exchange", "name", "title", "firm", "role", "section"]

    def clean_exchange(self):
        exchange = self.cleaned_data.get("exchange")
        if exchange is not None and exchange.call_id != self.instance.call_id:
            raise forms.ValidationError(_("Choose an exchange of the same call."))
        return exchange


@admin.register(Turn)
class TurnAdmin(NoStructureEdits, admin.ModelAdmin):
    form = TurnForm
    list_display = ["call", "position", "name", "title", "role", "section"]
    list_filter = ["role", "section"]
    list_select_related = ["call__company"]
    search_fields = ["name", "speaker_line"]
    # The speaker line is the file's text as written; call and position: see the top of this module.
    readonly_fields = ["call", "position", "speaker_line"]
    raw_id_fields = ["speaker", "exchange"]

    def save_model(self, request, obj, form, change):
        obj.speaker_was = form.initial.get("speaker")
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Speaker, role and section are copied into every paragraph of the turn and the tallies.
        turn_changed(turn=form.instance, speaker_was=getattr(form.instance, "speaker_was", None))


@admin.register(Utterance)
class UtteranceAdmin(NoStructureEdits, admin.ModelAdmin):
    list_display = ["call", "position", "role", "section", "short_text"]
    list_filter = ["role", "section"]
    list_select_related = ["call__company"]
    # Admin text search goes through the full-text index, not an icontains scan.
    search_fields = ["search_en"]
    fields = ["call", "turn", "position", "text", "translation", *utterance_copies, "cjk_terms"]
    # Company, period, speaker, role and section are copies of the call's and the turn's: edit those
    # there (every paragraph follows). The Chinese terms are computed from text and translation.
    readonly_fields = ["call", "turn", "position", *utterance_copies, "cjk_terms"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        utterances_refresh(call_ids=[form.instance.call_id])

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text[:100]

    def get_search_results(self, request, queryset, search_term):
        text_query = TextQuery.parse(trimmed_query(search_term))
        if text_query is None:
            return queryset, False
        return queryset.filter(text_query.condition({"en"})), False
