"""Reads of the calls app, named for their purpose (STYLE.md: reads in one place per app)."""

import re

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.search import SearchQuery
from django.db import models


def ticker_alias(ticker: str) -> str:
    """How a former ticker (of a company merged into another) is kept among a company's aliases.

    Prefixed so that a ticker never passes for a name key ("ACME" the ticker, "acme" the name).
    """
    return f"ticker:{ticker.upper()}"


class CompanyQuerySet(models.QuerySet):
    def named_like(self, typed: str):
        """Companies with a word of their name, or their ticker, starting with each word typed
        ("nor" for Northwind Optical, "optic", "ALLT"): a prefix lookup in the name words' index."""
        prefixes = _word_prefixes(typed)
        return self if prefixes is None else self.filter(name_words=prefixes)

    def matching_each_word(self, words: list[str]):
        """Companies that every word names: a word of the name or the ticker starting with it, a slug
        starting with it ("societe" for Société Générale), or the ticker itself; each an index."""
        companies = self
        for word in words:
            condition = models.Q(slug__startswith=word) | models.Q(ticker__iexact=word)
            if (prefixes := _word_prefixes(word)) is not None:
                condition |= models.Q(name_words=prefixes)
            companies = companies.filter(condition)
        return companies

    def with_call_counts(self):
        """Companies that have calls, each with how many and its latest period."""
        return (
            self.annotate(call_count=models.Count("calls"), latest_year=models.Max("calls__fiscal_year"))
            .filter(call_count__gt=0)
            .order_by("name")
        )

    def by_name_or_ticker(self, *, names: set[str], ticker: str) -> list:
        """The companies known by one of these name keys, or holding this ticker now or as a former one.

        Which of them a file belongs to is decided by calls.services.company_for_transcript.
        """
        condition = models.Q(slug__in=names) | models.Q(aliases__overlap=list(names))
        if ticker:
            condition |= models.Q(ticker__iexact=ticker) | models.Q(aliases__contains=[ticker_alias(ticker)])
        return list(self.filter(condition).order_by("pk")) if names or ticker else []

    def for_transcript(self, transcript):
        """Kept for uploads/preview.py: use calls.services.company_for_transcript."""
        from calls.services import company_for_transcript

        return company_for_transcript(transcript)

    def at_former_address(self, slug: str):
        """The company a slug no company has now leads to (a company merged into it), or None.

        Only when exactly one company holds it among its aliases: an address is never guessed.
        """
        if self.filter(slug=slug).exists():
            return None
        found = list(self.filter(aliases__contains=[slug]).order_by("pk")[:2])
        return found[0] if len(found) == 1 else None


class CallQuerySet(models.QuerySet):
    def recent(self):
        """Newest fiscal periods first, with the company fetched in the same query."""
        return self.select_related("company").order_by("-fiscal_year", "-fiscal_quarter", "-imported_at")

    def for_period(self, *, company_slug: str, year: int, quarter: int):
        return self.select_related("company").filter(
            company__slug=company_slug, fiscal_year=year, fiscal_quarter=quarter
        )


def _word_prefixes(typed: str) -> SearchQuery | None:
    """Each word typed as the start of a word ('hend':* & 'al':*), for the name_words indexes; None
    when nothing typed is a word."""
    words = re.findall(r"\w+", typed.casefold())
    if not words:
        return None
    return SearchQuery(" & ".join(f"'{word}':*" for word in words[:8]), search_type="raw", config="simple")


class SpeakerQuerySet(models.QuerySet):
    def with_turn_counts(self):
        return self.annotate(turn_count=models.Count("turns", distinct=True))

    def appearances(self, speaker_ids: list[int]) -> dict[int, tuple[int, list[str]]]:
        """For each of these speakers, how many calls they spoke on and in which roles; one query."""
        rows = (
            self.filter(pk__in=speaker_ids)
            .annotate(
                calls=models.Count("turns__call", distinct=True),
                roles=ArrayAgg("turns__role", distinct=True, default=[]),
            )
            .values_list("pk", "calls", "roles")
        )
        return {pk: (calls, roles) for pk, calls, roles in rows}

    def by_family_name(self):
        """As a list of people is read: by family name, then the whole name, then the firm."""
        return self.order_by("family_name", "name", "firm")

    def named_like(self, typed: str):
        """Speakers with a word of their name or firm starting with each word typed ("hender",
        "alex hen", "needh" for Needham): a prefix lookup in the GIN index of the name words, where
        a substring match would read every speaker."""
        prefixes = _word_prefixes(typed)
        return self if prefixes is None else self.filter(name_words=prefixes)


class UtteranceQuerySet(models.QuerySet):
    def for_results_page(self):
        """What a list of hits shows: call, company and speaker in the same query."""
        return self.select_related("call__company", "speaker")


class UtteranceManager(models.Manager.from_queryset(UtteranceQuerySet)):
    # The search columns are large and only ever read inside PostgreSQL; never fetch them into Python.
    def get_queryset(self):
        return super().get_queryset().defer("search_en", "search_zh", "cjk_terms")
