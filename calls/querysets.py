"""Reads of the calls app, named for their purpose (STYLE.md: reads in one place per app)."""

from django.db import models

from calls.ingestion import company_display_name, company_name_keys, ticker_alias
from calls.parsing import TranscriptError


class CompanyQuerySet(models.QuerySet):
    def with_call_counts(self):
        """Companies that have calls, each with how many and its latest period."""
        return (
            self.annotate(call_count=models.Count("calls"), latest_year=models.Max("calls__fiscal_year"))
            .filter(call_count__gt=0)
            .order_by("name")
        )

    def for_transcript(self, transcript):
        """The stored company a parsed transcript belongs to, or None when it is a new one.

        The ticker decides when both sides have one: the company with the file's ticker (or with it
        as a former ticker) is the one, and a company with another ticker never is, whatever its
        name. Otherwise the names must agree once legal forms are dropped (`company_name_keys`).
        Raises TranscriptError when the file cannot be placed: it names no company and no company
        has its ticker, or it gives no ticker and its name fits companies with different tickers.
        """
        ticker = transcript.ticker.strip().upper()
        names = company_name_keys(transcript)
        condition = models.Q(slug__in=names) | models.Q(aliases__overlap=list(names))
        if ticker:
            condition |= models.Q(ticker__iexact=ticker) | models.Q(aliases__contains=[ticker_alias(ticker)])
        candidates = list(self.filter(condition).order_by("pk")) if names or ticker else []
        return _choose_company(
            candidates,
            ticker=ticker,
            names=names,
            written=company_display_name(transcript),
            part=transcript.part,
        )

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


class SpeakerQuerySet(models.QuerySet):
    def with_turn_counts(self):
        return self.annotate(turn_count=models.Count("turns", distinct=True))


class UtteranceQuerySet(models.QuerySet):
    def for_results_page(self):
        """What a list of hits shows: call, company and speaker in the same query."""
        return self.select_related("call__company", "speaker")


class CompanyUnknown(TranscriptError):
    """The file names no company, and no stored company has its ticker (yet: see `ingest`)."""


def _holds_ticker(company, ticker: str) -> bool:
    return company.ticker.upper() == ticker or ticker_alias(ticker) in company.aliases


def _choose_company(candidates: list, *, ticker: str, names: set[str], written: str, part: str):
    """Which of the companies found by name or ticker a transcript belongs to (see for_transcript)."""
    if ticker:
        by_ticker = [company for company in candidates if _holds_ticker(company, ticker)]
        if len(by_ticker) > 1:
            # One ticker on two exchanges, or a merge left to do: the name may still tell them apart.
            named = [c for c in by_ticker if c.slug in names or names & set(c.aliases)]
            if len(named) != 1:
                listed = " or ".join(str(company) for company in by_ticker)
                raise TranscriptError(
                    f"the ticker {ticker} is that of {listed}: give the company with --company"
                )
            by_ticker = named
        if by_ticker:
            return by_ticker[0]
        # Different tickers are different companies, even under one name.
        candidates = [company for company in candidates if not company.ticker]
    if not names:
        # Refused rather than stored under the ticker: a company named "AAPL" would keep that name's
        # slug in its URLs for good, even once the presentation half says "Apple Inc.".
        where = f"no stored company has the ticker {ticker}" if ticker else "it gives no ticker either"
        first = "import the call's presentation half first (it names the company), or "
        first = first if part == "qa" else ""
        raise CompanyUnknown(f"the file names no company and {where}: {first}give the company with --company")
    if len(candidates) > 1:
        listed = " or ".join(str(company) for company in candidates)
        raise TranscriptError(f"“{written}” could be {listed}: give the ticker with --ticker")
    return candidates[0] if candidates else None


class UtteranceManager(models.Manager.from_queryset(UtteranceQuerySet)):
    # The search columns are large and only ever read inside PostgreSQL; never fetch them into Python.
    def get_queryset(self):
        return super().get_queryset().defer("search_en", "search_zh", "cjk_terms")
