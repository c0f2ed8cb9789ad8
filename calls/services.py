"""Writes of the calls app: the one way a transcript gets into the archive (STYLE.md: one way in)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from calls.ingestion import LoadedTranscript, company_display_name
from calls.models import Call, Company, Exchange, Role, Speaker, Turn, Utterance
from calls.parsing import Transcript
from search.chinese import has_cjk, index_terms
from search.services import tally_call

# Speaker lines that name nobody: such turns keep their label but belong to no Speaker.
_ANONYMOUS = re.compile(r"^(operator|unidentified\b|unknown\b|participant\b)", re.IGNORECASE)


@dataclass
class ImportResult:
    status: str  # "created", "replaced" or "unchanged"
    call: Call


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", text.casefold()).strip()


@transaction.atomic
def call_import(*, loaded: LoadedTranscript) -> ImportResult:
    """Store a parsed transcript as a call, in one transaction; idempotent on the file's checksum.

    A different file for a company and period already stored replaces that call.
    """
    transcript = loaded.transcript
    company = company_get_or_create(transcript)
    existing = (
        Call.objects.select_for_update()
        .filter(company=company, fiscal_year=transcript.fiscal_year, fiscal_quarter=transcript.fiscal_quarter)
        .first()
    )
    if existing is not None and existing.checksum == loaded.checksum:
        return ImportResult(status="unchanged", call=existing)
    status = "created"
    if existing is not None:
        existing.delete()
        status = "replaced"

    call = Call.objects.create(
        company=company,
        fiscal_year=transcript.fiscal_year,
        fiscal_quarter=transcript.fiscal_quarter,
        held_on=transcript.held_on,
        title=transcript.title or f"{company.name} Q{transcript.fiscal_quarter} {transcript.fiscal_year}",
        source_name=loaded.source_name,
        checksum=loaded.checksum,
        layout=transcript.layout,
        warnings=[{"line": w.line, "message": w.message} for w in transcript.warnings],
    )
    _store_turns(call, transcript, speakers=_speakers_for(transcript, company))
    tally_call(call=call)
    return ImportResult(status=status, call=call)


def company_get_or_create(transcript: Transcript) -> Company:
    """The company a transcript belongs to, matched by normalised name, alias or ticker."""
    name = company_display_name(transcript)
    key = slugify(name)[:100]
    written = slugify(transcript.company)
    company = Company.objects.matching_name(key=key, ticker=transcript.ticker).order_by("pk").first()
    if company is None:
        company = Company(name=name, slug=key, ticker=transcript.ticker, aliases=[])
    changed = company.pk is None
    for alias in {key, written} - {company.slug, *company.aliases}:
        company.aliases.append(alias)
        changed = True
    if transcript.ticker and not company.ticker:
        company.ticker = transcript.ticker
        changed = True
    if changed:
        company.save()
    return company


def _speakers_for(transcript: Transcript, company: Company) -> dict[str, Speaker]:
    """Speaker rows for the named people of the transcript, by lower-cased name; created as needed."""
    wanted: dict[str, tuple[str, str]] = {}
    for person in transcript.speakers:
        if person.role == Role.OPERATOR or _ANONYMOUS.match(person.name):
            continue
        # An executive speaks for the company; an analyst's firm is what the operator announced.
        firm = company.name if person.role == Role.EXECUTIVE else person.firm
        wanted[person.name.casefold()] = (person.name, firm)
    keys = {name: f"{_key(n)}|{_key(f)}" for name, (n, f) in wanted.items()}
    found = {s.key: s for s in Speaker.objects.filter(key__in=keys.values())}
    missing = [(name, key) for name, key in keys.items() if key not in found]
    if missing:
        taken = set(
            Speaker.objects.filter(
                slug__in=[slugify(wanted[n][0]) for n, _ in missing]
                + [slugify(" ".join(wanted[n])) for n, _ in missing]
            ).values_list("slug", flat=True)
        )
        new = []
        for name, key in missing:
            person_name, firm = wanted[name]
            slug = _free_slug(person_name, firm, taken)
            taken.add(slug)
            new.append(Speaker(name=person_name, firm=firm, slug=slug, key=key))
        for speaker in Speaker.objects.bulk_create(new):
            found[speaker.key] = speaker
    return {name: found[key] for name, key in keys.items()}


def _free_slug(name: str, firm: str, taken: set[str]) -> str:
    base = slugify(name)[:100] or "speaker"
    candidates = [base, slugify(f"{name} {firm}")[:110] if firm else base]
    for candidate in candidates:
        if candidate not in taken and not Speaker.objects.filter(slug=candidate).exists():
            return candidate
    number = 2
    while f"{base}-{number}" in taken or Speaker.objects.filter(slug=f"{base}-{number}").exists():
        number += 1
    return f"{base}-{number}"


def _store_turns(call: Call, transcript: Transcript, *, speakers: dict[str, Speaker]) -> None:
    exchanges = Exchange.objects.bulk_create(
        Exchange(
            call=call,
            number=number,
            questioner=speakers.get(parsed.questioner.casefold()),
            questioner_name=parsed.questioner,
            introduced_as=parsed.introduced_as,
            firm=parsed.firm,
        )
        for number, parsed in enumerate(transcript.exchanges, start=1)
    )
    turns = Turn.objects.bulk_create(
        Turn(
            call=call,
            position=position,
            speaker=speakers.get(parsed.name.casefold()),
            exchange=exchanges[parsed.exchange] if parsed.exchange is not None else None,
            speaker_line=parsed.speaker_line[:300],
            name=parsed.name[:200],
            title=parsed.title[:200],
            firm=parsed.firm[:200],
            role=str(parsed.role),
            section=str(parsed.section),
        )
        for position, parsed in enumerate(transcript.turns, start=1)
    )
    utterances = []
    position = 0
    for turn, parsed in zip(turns, transcript.turns, strict=True):
        for paragraph in parsed.paragraphs:
            position += 1
            utterances.append(
                Utterance(
                    call=call,
                    company_id=call.company_id,
                    fiscal_year=call.fiscal_year,
                    fiscal_quarter=call.fiscal_quarter,
                    turn=turn,
                    position=position,
                    speaker=turn.speaker,
                    role=turn.role,
                    section=turn.section,
                    text=paragraph.text,
                    translation=paragraph.translation,
                    cjk_terms=_chinese_terms(paragraph.text, paragraph.translation),
                )
            )
    Utterance.objects.bulk_create(utterances, batch_size=2000)


def _chinese_terms(text: str, translation: str) -> str:
    """The Chinese side of a paragraph, as search terms: its translation, or the text if it is Chinese."""
    if translation:
        return index_terms(translation)
    return index_terms(text) if has_cjk(text) else ""
