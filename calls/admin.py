from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from calls.models import Call, Company, Exchange, Speaker, Turn, Utterance
from calls.services import MergeRefused, company_merge


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
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "ticker", "slug"]
    search_fields = ["name", "ticker", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_companies"]

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


class ExchangeInline(admin.TabularInline):
    model = Exchange
    extra = 0
    fields = ["number", "questioner_name", "introduced_as", "firm", "questioner"]
    raw_id_fields = ["questioner"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["company", "fiscal_year", "fiscal_quarter", "held_on", "source_name", "imported_at"]
    list_filter = ["fiscal_year", "fiscal_quarter", "company"]
    list_select_related = ["company"]
    search_fields = ["company__name", "title", "source_name"]
    readonly_fields = ["checksum", "imported_at", "layout", "warnings", "parts"]
    inlines = [ExchangeInline]


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "firm", "slug"]
    search_fields = ["name", "firm"]
    readonly_fields = ["key"]


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):
    list_display = ["call", "number", "questioner_name", "introduced_as", "firm"]
    list_select_related = ["call__company"]
    search_fields = ["questioner_name", "firm", "call__company__name"]
    raw_id_fields = ["call", "questioner"]


@admin.register(Turn)
class TurnAdmin(admin.ModelAdmin):
    list_display = ["call", "position", "name", "title", "role", "section"]
    list_filter = ["role", "section"]
    list_select_related = ["call__company"]
    search_fields = ["name", "speaker_line"]
    raw_id_fields = ["call", "speaker", "exchange"]


@admin.register(Utterance)
class UtteranceAdmin(admin.ModelAdmin):
    list_display = ["call", "position", "role", "section", "short_text"]
    list_filter = ["role", "section"]
    list_select_related = ["call__company"]
    raw_id_fields = ["call", "turn", "speaker"]
    # Admin text search goes through the full-text index, not an icontains scan.
    search_fields = ["search_en"]
    readonly_fields = ["cjk_terms"]

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text[:100]

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        from django.contrib.postgres.search import SearchQuery

        return queryset.filter(
            search_en=SearchQuery(search_term, search_type="websearch", config="english")
        ), False
