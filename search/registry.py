"""The facets, declared once: what the filter set, the counting SQL, the tallies and the page read.

A facet is a column that paragraphs (calls_utterance) and the per-call tallies
(search_utterancetally) both carry, so one filter narrows either and one GROUP BY counts either.
Adding a facet is one entry below, its column on both tables and in the archive totals' triggers
(a migration: search/migrations/0005), and its heading's translation; tests/search/test_registry.py
checks the columns, tests/search/test_archive_totals.py the totals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from calls.models import Company, Role, Section, Speaker
from calls.textquery import LANGUAGES


@dataclass(frozen=True)
class Facet:
    name: str  # the URL parameter, the API's key in "facets", the cache key's part
    column: str  # the column of both tables that it filters and groups by
    title: Promise
    # How values are given and looked up, one of: by slug, counted by id and named from `model`'s
    # table (only for the values shown); one of `choices`; an integer within `bounds`.
    model: type[models.Model] | None = None
    choices: tuple[tuple[str, Promise], ...] = ()
    not_asked_for: tuple[str, ...] = ()  # choices counted and labelled, but no filter value
    bounds: tuple[int, int] | None = None
    # "count": the FACET_SIZE largest, largest first; "ascending"/"descending": every value, in
    # value order (few values, read best in order).
    order: str = "count"
    label_format: Callable[[str], str] | None = None  # the label of a value that has no name

    @property
    def shows_all(self) -> bool:
        return self.order != "count"

    def label(self, value: str, name: str | None = None) -> str:
        """The value as the page shows it, in the interface language."""
        if name:
            return name
        if self.label_format is not None:
            return self.label_format(value)
        return str(dict(self.choices).get(value, value))

    def selected(self, cleaned) -> set[str]:
        """The cleaned value of the facet's filter as URL values (slugs, codes, numbers as text)."""
        if not cleaned:
            return set()
        if self.model is not None:
            return {obj.slug for obj in cleaned}
        return {str(v) for v in cleaned}


FACETS: tuple[Facet, ...] = (
    Facet("company", "company_id", gettext_lazy("Company"), model=Company),
    Facet("year", "fiscal_year", gettext_lazy("Fiscal year"), bounds=(1900, 2200), order="descending"),
    Facet(
        "quarter",
        "fiscal_quarter",
        gettext_lazy("Quarter"),
        bounds=(1, 4),
        order="ascending",
        label_format=lambda value: gettext("Q%(quarter)s") % {"quarter": value},
    ),
    Facet("speaker", "speaker_id", gettext_lazy("Speaker"), model=Speaker),
    Facet(
        "role",
        "role",
        gettext_lazy("Role"),
        choices=tuple(Role.choices),
        not_asked_for=(Role.UNKNOWN,),
    ),
    Facet("section", "section", gettext_lazy("Section"), choices=tuple(Section.choices)),
)
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}

# Which language matched: counted from the query's two conditions, not from a column, and chosen
# with ?lang= (search.filters.SearchForm), so it is no filter of the filter set.
LANGUAGE = Facet(
    "lang",
    "",
    gettext_lazy("Language matched"),
    choices=tuple(
        (code, {"en": gettext_lazy("English"), "zh": gettext_lazy("Chinese")}[code]) for code in LANGUAGES
    ),
)

# The columns search.services.tally_call groups a call's paragraphs by.
TALLY_COLUMNS = tuple(facet.column for facet in FACETS)
