"""Companies, their earnings calls, who spoke, and what was said.

A call is a list of turns (speaker blocks); a turn is a list of utterances (paragraphs). Utterances
carry the search vectors; they also repeat their turn's speaker, role and section so that search and
facet queries never join through turns.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy

from calls.markers import Marked
from calls.querysets import CallQuerySet, CompanyQuerySet, SpeakerQuerySet, UtteranceManager


class Role(models.TextChoices):
    OPERATOR = "operator", pgettext_lazy("role", "Operator")
    EXECUTIVE = "executive", pgettext_lazy("role", "Executive")
    ANALYST = "analyst", pgettext_lazy("role", "Analyst")
    UNKNOWN = "unknown", pgettext_lazy("role", "Unknown")


class Section(models.TextChoices):
    PREPARED = "prepared", pgettext_lazy("section", "Prepared remarks")
    QA = "qa", pgettext_lazy("section", "Q&A")


# Each value's label, looked up once per call of get_role_display / get_section_display: Django's
# own version hashes every lazy label of the choices each time (17 µs; a results page asks 40 times).
ROLE_LABELS = dict(Role.choices)
SECTION_LABELS = dict(Section.choices)


def _role_display(row) -> str:
    return str(ROLE_LABELS.get(row.role, row.role))


def _section_display(row) -> str:
    return str(SECTION_LABELS.get(row.section, row.section))


# The halves of a call published in two files, in the order the call holds them.
PARTS = ("presentation", "qa")
PART_LABELS = {"presentation": "presentation", "qa": "Q&A"}
HALF_COUNTS = ("turns", "paragraphs", "exchanges")


class Company(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    ticker = models.CharField(max_length=16, blank=True)
    # Other names the company goes by in transcripts ("Allot Ltd", "Allot's"), kept as normalised keys.
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    # The words of the name and the ticker, for the companies list's filter and the call picker.
    name_words = models.GeneratedField(
        expression=SearchVector("name", "ticker", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        indexes = [
            # Which company a search names (search/suggest.py) and a file belongs to
            # (CompanyQuerySet.by_name_or_ticker) is asked by ticker, any case, and by alias, on
            # every search and every import: without these, a scan of the companies (10 ms at
            # 38,000, the ten-million-paragraph benchmark's).
            models.Index(Upper("ticker"), name="company_ticker_upper"),
            GinIndex(fields=["aliases"], name="company_aliases"),
            GinIndex(fields=["name_words"], name="company_name_words"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ticker})" if self.ticker else self.name

    def get_absolute_url(self) -> str:
        return reverse("calls:company", kwargs={"slug": self.slug})


class Call(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="calls")
    fiscal_year = models.PositiveSmallIntegerField()
    fiscal_quarter = models.PositiveSmallIntegerField()
    held_on = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=300, blank=True)
    source_name = models.CharField(max_length=255, help_text="File name the call was imported from.")
    checksum = models.CharField(max_length=64, db_index=True, help_text="SHA-256 of the imported file.")
    layout = models.CharField(max_length=30, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    # A call published in two files holds one entry per half it has, by part ("presentation", "qa"):
    # {"checksum", "source_name", "layout", "title", "held_on", "warnings", "turns", "paragraphs",
    # "exchanges"}. The presentation's rows come first: each half's turns, paragraphs and exchanges
    # are the next run of positions after those of the halves before it (see `half_ranges`).
    # Empty for a call imported from one file.
    parts = models.JSONField(default=dict, blank=True, editable=False)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year", "-fiscal_quarter", "company__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "fiscal_year", "fiscal_quarter"], name="one_call_per_company_period"
            ),
            models.CheckConstraint(
                condition=models.Q(fiscal_quarter__gte=1, fiscal_quarter__lte=4), name="fiscal_quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=models.Q(fiscal_year__gte=1900, fiscal_year__lte=2200), name="fiscal_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company.name} {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("calls:call", kwargs={"company": self.company.slug, "period": self.period})

    def half_ranges(self, part: str) -> dict[str, tuple[int, int]]:
        """Where a half's rows are, by kind (turns, paragraphs, exchanges): positions p, after < p <= last.

        For a half the call does not hold yet: where it would go (an empty range).
        """
        before = PARTS[: PARTS.index(part)]
        ranges = {}
        for kind in HALF_COUNTS:
            after = sum(self.parts[other][kind] for other in before if other in self.parts)
            ranges[kind] = (after, after + self.parts.get(part, {}).get(kind, 0))
        return ranges

    def refuses_half(self, part: str) -> str:
        """Why this call cannot take that half of a split call ("" when it can)."""
        if self.parts:
            return ""
        return (
            f"{self} is stored from one file holding the whole call; the {PART_LABELS[part]} alone would"
            " replace all of it: import a file with the whole call, or delete the stored call in the"
            " admin first"
        )

    @property
    def period(self) -> str:
        """The period as it appears in URLs: 2023-q2."""
        return f"{self.fiscal_year}-q{self.fiscal_quarter}"

    @property
    def period_label(self) -> str:
        """The period for people, in the interface language: Q2 2023, 2023 年第 2 季."""
        return gettext("Q%(quarter)s %(year)s") % {"quarter": self.fiscal_quarter, "year": self.fiscal_year}


class Speaker(models.Model):
    """One person across calls: the same name at the same firm is the same speaker."""

    name = models.CharField(max_length=200)
    firm = models.CharField(max_length=200, blank=True)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    # Normalised "name|firm", the identity used when importing.
    key = models.CharField(max_length=420, unique=True)
    # The folded family name (calls.people.name_tokens): other spellings of a person are looked up by
    # it with an index, where a name search would scan every speaker for every import.
    family_name = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    # The words of the name and firm, for the people list's name filter (SpeakerQuerySet.named_like).
    name_words = models.GeneratedField(
        expression=SearchVector("name", "firm", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [GinIndex(fields=["name_words"], name="speaker_name_words")]

    def __str__(self) -> str:
        return f"{self.name} ({self.firm})" if self.firm else self.name

    def get_absolute_url(self) -> str:
        return reverse("calls:speaker", kwargs={"slug": self.slug})


class Exchange(models.Model):
    """One questioner's Q&A slot: the question, the answers and the follow-ups."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="exchanges")
    number = models.PositiveSmallIntegerField(help_text="1-based position among the call's exchanges.")
    questioner = models.ForeignKey(
        Speaker, on_delete=models.PROTECT, null=True, blank=True, related_name="exchanges"
    )
    questioner_name = models.CharField(max_length=200)
    introduced_as = models.CharField(max_length=200, blank=True)
    firm = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["call", "number"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="one_exchange_number_per_call")
        ]

    def __str__(self) -> str:
        return f"{self.call} Q&A {self.number}: {self.questioner_name}"

    def get_absolute_url(self) -> str:
        call = self.call
        return reverse(
            "calls:exchange",
            kwargs={"company": call.company.slug, "period": call.period, "number": self.number},
        )

    @property
    def anchor(self) -> str:
        return f"qa-{self.number}"


class Turn(models.Model):
    """One speaker block of a call, in order."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="turns")
    position = models.PositiveIntegerField()
    # Indexed with the role (Meta.indexes), not alone: the lookups by speaker use that index too.
    speaker = models.ForeignKey(
        Speaker, on_delete=models.PROTECT, null=True, blank=True, related_name="turns", db_index=False
    )
    exchange = models.ForeignKey(
        Exchange, on_delete=models.SET_NULL, null=True, blank=True, related_name="turns"
    )
    speaker_line = models.CharField(max_length=300, help_text="The speaker line as written.")
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True, help_text="Title as written.")
    firm = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices)
    section = models.CharField(max_length=10, choices=Section.choices)

    class Meta:
        ordering = ["call", "position"]
        constraints = [models.UniqueConstraint(fields=["call", "position"], name="one_turn_per_position")]
        indexes = [
            # The speakers list filtered by role asks, for each speaker, whether any turn of theirs
            # has it: answered from this index alone (at 675,000 turns, a heap visit per speaker
            # took 146 ms).
            models.Index(fields=["speaker", "role"], name="turn_speaker_role"),
        ]

    def __str__(self) -> str:
        return f"{self.call} #{self.position} {self.name}"

    # In the class's own namespace: Django adds its own get_FOO_display unless the class has one.
    get_role_display = _role_display
    get_section_display = _section_display

    @property
    def anchor(self) -> str:
        return f"t{self.position}"


class Utterance(models.Model):
    """One paragraph (or sentence, as the transcript gives it) of a turn, with its translation."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="utterances")
    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, related_name="utterances")
    position = models.PositiveIntegerField(help_text="1-based position in the call; the paragraph's anchor.")
    # Repeated from the call and the turn so that search filters, facets and the newest-first order
    # read one table: at a million rows, joining every match to its call doubled the facet time.
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    fiscal_quarter = models.PositiveSmallIntegerField()
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    section = models.CharField(max_length=10, choices=Section.choices)
    text = models.TextField()
    translation = models.TextField(blank=True)
    # Chinese written as overlapping bigrams, folded to Simplified, computed in Python by the import
    # service (calls/text.py): PostgreSQL's parser cannot split Chinese words by itself.
    cjk_terms = models.TextField(blank=True, editable=False)
    search_en = models.GeneratedField(
        expression=SearchVector("text", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    search_zh = models.GeneratedField(
        expression=SearchVector("cjk_terms", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = UtteranceManager()

    class Meta:
        ordering = ["call", "position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "position"], name="one_utterance_per_position")
        ]
        indexes = [
            GinIndex(fields=["search_en"], name="utterance_search_en"),
            GinIndex(fields=["search_zh"], name="utterance_search_zh"),
            # Over the vectors with the paragraph's role, company and year as marker lexemes
            # (calls/markers.py): read when one of those is filtered on, which narrows the lookup.
            GinIndex(Marked(models.F("search_en")), name="utterance_marked_en"),
            GinIndex(Marked(models.F("search_zh")), name="utterance_marked_zh"),
            # Browsing newest first (the default without a query) reads this index and stops at a page.
            models.Index(
                models.F("fiscal_year").desc(),
                models.F("fiscal_quarter").desc(),
                "call",
                "position",
                name="utterance_newest_first",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} ¶{self.position}"

    def get_absolute_url(self) -> str:
        return f"{self.call.get_absolute_url()}#{self.anchor}"

    get_role_display = _role_display  # as Turn's
    get_section_display = _section_display

    @property
    def anchor(self) -> str:
        return f"p{self.position}"
