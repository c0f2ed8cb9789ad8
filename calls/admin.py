from django.contrib import admin

from calls.models import Call, Company, Exchange, Speaker, Turn, Utterance


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "ticker", "slug"]
    search_fields = ["name", "ticker", "slug"]
    prepopulated_fields = {"slug": ["name"]}


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
    readonly_fields = ["checksum", "imported_at", "layout", "warnings"]
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
