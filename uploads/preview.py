"""Reads for the upload pages: what a file would become, and what it would change in the archive."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from calls.ingestion import LoadedTranscript, company_display_name
from calls.models import PART_LABELS, Call, Company
from calls.parsing import Transcript, TranscriptError


@dataclass
class Changes:
    """A stored call against the file that would replace it: counts before and after, questioners."""

    counts: list[tuple[str, int, int]]  # (what, stored, in the file)
    questioners_added: list[str] = field(default_factory=list)
    questioners_removed: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.questioners_added or self.questioners_removed) or any(
            before != after for _, before, after in self.counts
        )


@dataclass
class Target:
    """Where a file would go: the company's name, the call already stored for its period, if any."""

    company_name: str
    period_label: str
    call: Call | None
    unchanged: bool  # the stored call was imported from this very file, with the same corrections
    changes: Changes | None
    part: str = ""  # "presentation" or "qa" for one half of a call split in two files
    adds_half: bool = False  # the stored call holds only the other half: this file joins it
    # The stored call is this very file as it was read, and only the preview's corrections differ.
    corrects: bool = False

    @property
    def expectation(self) -> str:
        """What the preview shows the file would replace: storing checks it has not changed since."""
        return f"call-{self.call.pk}" if self.call is not None else "new"

    @property
    def part_label(self) -> str:
        return PART_LABELS.get(self.part, "")

    @property
    def label(self) -> str:
        return f"{self.company_name} {self.period_label}"


def target_for(loaded: LoadedTranscript, *, file_checksum: str = "") -> Target:
    """Where the file would go. The company is found as the import finds it, not created.

    `file_checksum` is the file's own when `loaded.checksum` also covers corrections: a call stored
    from this very file is then one the corrections would change. Raises TranscriptError when the
    import would refuse to place the file.
    """
    transcript = loaded.transcript
    company = Company.objects.for_transcript(transcript)
    call = (
        Call.objects.select_related("company")
        .filter(company=company, fiscal_year=transcript.fiscal_year, fiscal_quarter=transcript.fiscal_quarter)
        .first()
        if company is not None
        else None
    )
    part, adds_half = transcript.part, False
    if call is not None and part:
        refusal = call.refuses_half(part)
        if refusal:
            raise TranscriptError(refusal)
        stored = call.parts.get(part)
        stored_checksum = stored["checksum"] if stored is not None else None
        adds_half = stored is None
    else:
        stored_checksum = call.checksum if call is not None else None
    unchanged = stored_checksum is not None and stored_checksum == loaded.checksum
    corrects = not unchanged and stored_checksum is not None and stored_checksum == file_checksum
    return Target(
        company_name=company.name if company else company_display_name(transcript),
        period_label=f"Q{transcript.fiscal_quarter} {transcript.fiscal_year}",
        call=call,
        unchanged=unchanged,
        changes=compare(call, transcript, part=part) if call and not (unchanged or adds_half) else None,
        part=part,
        adds_half=adds_half,
        corrects=corrects,
    )


def compare(call: Call, transcript: Transcript, *, part: str = "") -> Changes:
    """What replacing `call` (or only its half `part`) with `transcript` changes: counts, questioners."""
    exchanges, turns, utterances = call.exchanges.all(), call.turns.all(), call.utterances.all()
    if part:
        ranges = call.half_ranges(part)
        exchanges = exchanges.filter(number__gt=ranges["exchanges"][0], number__lte=ranges["exchanges"][1])
        turns = turns.filter(position__gt=ranges["turns"][0], position__lte=ranges["turns"][1])
        utterances = utterances.filter(
            position__gt=ranges["paragraphs"][0], position__lte=ranges["paragraphs"][1]
        )
    stored_questioners = list(exchanges.order_by("number").values_list("questioner_name", flat=True))
    counts = [
        ("turns", turns.count(), len(transcript.turns)),
        ("paragraphs", utterances.count(), transcript.paragraph_count),
        (
            "translated paragraphs",
            utterances.exclude(translation="").count(),
            transcript.translated_paragraph_count,
        ),
        ("Q&A exchanges", len(stored_questioners), len(transcript.exchanges)),
    ]
    before = Counter(name.casefold() for name in stored_questioners)
    after = Counter(exchange.questioner.casefold() for exchange in transcript.exchanges)
    return Changes(
        counts=counts,
        questioners_added=_names(transcript.exchanges, after - before, lambda e: e.questioner),
        questioners_removed=_names(stored_questioners, before - after, lambda name: name),
    )


def _names(items, wanted: Counter, name_of) -> list[str]:
    """Names of the items in `wanted` (a multiset of case-folded names), in order, as written."""
    left = Counter(wanted)
    names = []
    for item in items:
        name = name_of(item)
        if left[name.casefold()] > 0:
            left[name.casefold()] -= 1
            names.append(name)
    return names


def speaker_turns(transcript: Transcript) -> Counter:
    """How many turns each speaker (by case-folded name) has."""
    return Counter(turn.name.casefold() for turn in transcript.turns)
