"""Reads for the upload pages: what a file would become, and what it would change in the archive."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from calls.ingestion import LoadedTranscript, company_display_name
from calls.models import Call, Company
from calls.parsing import Transcript


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
    unchanged: bool  # the stored call was imported from this very file
    changes: Changes | None

    @property
    def label(self) -> str:
        return f"{self.company_name} {self.period_label}"


def target_for(loaded: LoadedTranscript) -> Target:
    """Where the file would go. The company is found as the import finds it, not created.

    Raises TranscriptError when the import would refuse to place the file.
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
    unchanged = call is not None and call.checksum == loaded.checksum
    return Target(
        company_name=company.name if company else company_display_name(transcript),
        period_label=f"Q{transcript.fiscal_quarter} {transcript.fiscal_year}",
        call=call,
        unchanged=unchanged,
        changes=compare(call, transcript) if call is not None and not unchanged else None,
    )


def compare(call: Call, transcript: Transcript) -> Changes:
    """What replacing `call` with `transcript` changes, in counts and in who asked questions."""
    stored_questioners = list(call.exchanges.order_by("number").values_list("questioner_name", flat=True))
    utterances = call.utterances.all()
    counts = [
        ("turns", call.turns.count(), len(transcript.turns)),
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
