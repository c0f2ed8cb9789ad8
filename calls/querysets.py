"""Reads of the calls app, named for their purpose (STYLE.md: reads in one place per app)."""

from django.db import models

from calls.ingestion import company_key


class CompanyQuerySet(models.QuerySet):
    def with_call_counts(self):
        """Companies that have calls, each with how many and its latest period."""
        return (
            self.annotate(call_count=models.Count("calls"), latest_year=models.Max("calls__fiscal_year"))
            .filter(call_count__gt=0)
            .order_by("name")
        )

    def for_transcript(self, transcript):
        """The stored company a parsed transcript names (normalised name, alias or ticker), or None."""
        return (
            self.matching_name(key=company_key(transcript), ticker=transcript.ticker).order_by("pk").first()
        )

    def matching_name(self, *, key: str, ticker: str = ""):
        """Companies known by this normalised name (slug-like key) or ticker."""
        condition = models.Q(slug=key) | models.Q(aliases__contains=[key])
        if ticker:
            condition |= models.Q(ticker__iexact=ticker)
        return self.filter(condition)


class CallQuerySet(models.QuerySet):
    def recent(self):
        """Newest fiscal periods first, with the company fetched in the same query."""
        return self.select_related("company").order_by("-fiscal_year", "-fiscal_quarter", "-imported_at")

    def for_period(self, *, company_slug: str, year: int, quarter: int):
        return self.select_related("company").filter(
            company__slug=company_slug, fiscal_year=year, fiscal_quarter=quarter
        )


class SpeakerQuerySet(models.QuerySet):
    def with_turn_counts(self):
        return self.annotate(turn_count=models.Count("turns", distinct=True))


class UtteranceQuerySet(models.QuerySet):
    def for_results_page(self):
        """What a list of hits shows: call, company and speaker in the same query."""
        return self.select_related("call__company", "speaker")


class UtteranceManager(models.Manager.from_queryset(UtteranceQuerySet)):
    # The search columns are large and only ever read inside PostgreSQL; never fetch them into Python.
    def get_queryset(self):
        return super().get_queryset().defer("search_en", "search_zh", "cjk_terms")
