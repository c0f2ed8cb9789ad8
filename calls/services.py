"""Writes of the calls app: the one way a transcript gets into the archive (STYLE.md: one way in)."""

from __future__ import annotations

import datetime
import hashlib
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils.text import slugify

from calls import people as people_rules
from calls.ingestion import LoadedTranscript, company_display_name, company_key, company_name_keys
from calls.models import PARTS, Call, Company, Exchange, Role, Speaker, Turn, Utterance
from calls.parsing import Transcript, TranscriptError
from calls.querysets import ticker_alias
from calls.signals import utterances_refreshed
from calls.slugs import name_slug
from calls.text import chinese_terms

T = TypeVar("T")
R = TypeVar("R")

# Speaker lines that name nobody: such turns keep their label but belong to no Speaker.
_ANONYMOUS = re.compile(r"^(operator|unidentified\b|unknown\b|participant\b)", re.IGNORECASE)


@dataclass
class ImportResult:
    status: str  # "created", "replaced" or "unchanged"
    call: Call
    # This file's warnings: the parser's and what storing noticed ({"line", "message"}). The call's
    # own `warnings` are those of both halves for a call split in two files.
    warnings: list[dict] = field(default_factory=list)


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", text.casefold()).strip()


def speaker_key(name: str, firm: str) -> str:
    """What Speaker.key holds for a person of this name at this firm: "name|firm", normalised."""
    return f"{_key(name)}|{_key(firm)}"


# What every utterance repeats of its call and of its turn (attribute names, which are the columns):
# read by utterances_for as it creates the rows, written back by utterances_refresh.
COPIED_FROM_CALL = ("company_id", "fiscal_year", "fiscal_quarter")
COPIED_FROM_TURN = ("speaker_id", "role", "section")


@transaction.atomic(savepoint=False)  # all or nothing with the caller's writes: no savepoint of its own
def utterances_refresh(
    *, call: Call | None = None, call_ids: Iterable[int] = (), texts: bool = True, copies: bool = True
) -> None:
    """Recompute everything derived from the paragraphs of a call (or of several calls).

    The columns each utterance copies from its call and turn (one UPDATE ... FROM for all; False
    `copies`: the caller wrote every row of these calls with its copies, as the import of a whole
    call does), the Chinese search terms when `texts` (False: the caller wrote no text or
    translation, or wrote the terms with them, as the import does), and then
    `utterances_refreshed`, on which the search recounts its tallies. Every write here bumps the
    search's data version (its triggers), so no cached result outlives the change. Call it after
    any write to a call, turn or utterance.
    """
    ids = sorted({*call_ids, *([call.pk] if call is not None else [])})
    if not ids:
        return
    if copies:
        _copy_to_utterances(ids)
    if texts:
        _write_chinese_terms(ids)
    utterances_refreshed.send(sender=Utterance, call_ids=ids)


def _copy_to_utterances(call_ids: list[int]) -> None:
    """The copied columns set from the call and turn of every utterance of these calls; one statement."""
    assignments = [f"{column} = c.{column}" for column in COPIED_FROM_CALL]
    assignments += [f"{column} = t.{column}" for column in COPIED_FROM_TURN]
    mine = ", ".join(f"u.{column}" for column in (*COPIED_FROM_CALL, *COPIED_FROM_TURN))
    theirs = ", ".join(
        [f"c.{column}" for column in COPIED_FROM_CALL] + [f"t.{column}" for column in COPIED_FROM_TURN]
    )
    # Only rows that differ are written: an import's fresh rows, or a title edit, rewrite nothing.
    sql = f"""
        UPDATE {Utterance._meta.db_table} AS u SET {", ".join(assignments)}
        FROM {Turn._meta.db_table} AS t, {Call._meta.db_table} AS c
        WHERE u.turn_id = t.id AND u.call_id = c.id AND u.call_id = ANY(%s)
          AND ({mine}) IS DISTINCT FROM ({theirs})
    """  # noqa: S608 - only our own column and table names are interpolated
    with connection.cursor() as cursor:
        cursor.execute(sql, [call_ids])


def _write_chinese_terms(call_ids: list[int]) -> None:
    """Utterance.cjk_terms recomputed from text and translation, written where they changed."""
    changed = []
    rows = Utterance.objects.filter(call_id__in=call_ids).only("pk", "text", "translation", "cjk_terms")
    for utterance in rows.iterator(chunk_size=2000):
        terms = chinese_terms(utterance.text, utterance.translation)
        if terms != utterance.cjk_terms:
            utterance.cjk_terms = terms
            changed.append(utterance)
    Utterance.objects.bulk_update(changed, ["cjk_terms"], batch_size=2000)


class CommitWindow:
    """When a transaction storing several calls (`ingest`'s) should commit: after
    INGEST_COMMIT_SECONDS or INGEST_COMMIT_FILES, whichever comes first.

    A commit waits for the disk, and moves the data version every cached search is keyed by: one
    a second instead of one per file. Each call is still all or nothing (a savepoint of
    call_import's), and a caller reports a call stored only once its transaction has committed.
    """

    def __init__(self) -> None:
        self.opened = time.monotonic()
        self.files = 0

    def add(self) -> None:
        self.files += 1

    @property
    def full(self) -> bool:
        """Whether to commit now; never before a first file (a window of 0 s is one file each)."""
        return self.files > 0 and (
            self.files >= settings.INGEST_COMMIT_FILES
            or time.monotonic() - self.opened >= settings.INGEST_COMMIT_SECONDS
        )


def stored_together(items: Iterable[T], store: Callable[[T], R]) -> Iterator[list[R]]:
    """`store` called on each item, a CommitWindow's worth of items to a transaction (each store a
    savepoint of its own, as call_import's is); each transaction's outcomes once it has committed.
    What `store` raises rolls back its whole transaction."""
    items = iter(items)
    while True:
        outcomes: list[R] = []
        with transaction.atomic():
            window = CommitWindow()
            for item in items:
                outcomes.append(store(item))
                window.add()
                if window.full:
                    break
        if not outcomes:
            return
        yield outcomes
        if not window.full:  # the items ran out
            return


def call_import(*, loaded: LoadedTranscript) -> ImportResult:
    """Store a parsed transcript as a call, in one transaction; idempotent on the file's checksum.

    A different file for a company and period already stored replaces that call. One half of a call
    split in two files (`Transcript.part`) joins the call holding the other half, in either order,
    or replaces only its own half. Raises TranscriptError when the file cannot be placed.

    Two imports at once of the same new file: the one that commits second finds the call stored
    and reports it `unchanged`, as it would have coming second.
    """
    # Each attempt is a transaction of its own, or a savepoint inside the caller's transaction (what
    # the attempt wrote goes, the caller's stays). Not a savepoint inside a transaction of ours:
    # 1,200 round trips for 300 files, 2% of an import on a quiet machine, 9% on a loaded one.
    try:
        with transaction.atomic():
            return _import(loaded)
    except IntegrityError:
        # Another transaction stored the same company, call or speaker meanwhile: our insert waited
        # on its unique key until it committed, then failed. Each statement sees committed rows
        # (READ COMMITTED), so a second attempt finds them and decides as if it had come second.
        with transaction.atomic():
            return _import(loaded)


def _import(loaded: LoadedTranscript) -> ImportResult:
    transcript = loaded.transcript
    company = company_get_or_create(transcript)
    existing = (
        Call.objects.select_for_update()
        .filter(company=company, fiscal_year=transcript.fiscal_year, fiscal_quarter=transcript.fiscal_quarter)
        .first()
    )
    if transcript.part:
        return _import_half(loaded, company=company, existing=existing)
    if existing is not None and existing.checksum == loaded.checksum:
        return ImportResult(status="unchanged", call=existing, warnings=existing.warnings)
    status = "created"
    left: set[int] = set()
    if existing is not None:
        left = _speakers_of(Turn.objects.filter(call=existing))
        existing.delete()
        status = "replaced"

    speakers, speaker_warnings = _speakers_for(transcript, company)
    call = Call.objects.create(
        company=company,
        fiscal_year=transcript.fiscal_year,
        fiscal_quarter=transcript.fiscal_quarter,
        held_on=transcript.held_on,
        title=transcript.title or _default_title(company, transcript),
        source_name=loaded.source_name,
        checksum=loaded.checksum,
        layout=transcript.layout,
        warnings=_warnings(transcript) + speaker_warnings,
    )
    _store_turns(call, transcript, speakers=speakers)
    # Every row of the call was just written with its copies and terms (utterance_rows): the
    # tallies are left. (Comparing the copies again took 7% of an import: bench/ingest.py --profile.)
    utterances_refresh(call=call, texts=False, copies=False)
    _delete_speakers_without_turns(left)
    return ImportResult(status=status, call=call, warnings=call.warnings)


def _default_title(company: Company, transcript: Transcript) -> str:
    return f"{company.name} Q{transcript.fiscal_quarter} {transcript.fiscal_year}"


def _warnings(transcript: Transcript) -> list[dict]:
    return [{"line": w.line, "message": w.message} for w in transcript.warnings]


def _import_half(loaded: LoadedTranscript, *, company: Company, existing: Call | None) -> ImportResult:
    """One half of a split call: a new call, the call's other half added, or this half replaced.

    The other half's rows stay as they are (their ids, speakers and any translation attached since);
    only when the presentation changes length do the Q&A's positions move, to follow it.
    """
    transcript, part = loaded.transcript, loaded.transcript.part
    if part not in PARTS:
        raise TranscriptError(f"unknown part of a call {part!r}: expected one of {', '.join(PARTS)}")
    if existing is not None:
        refusal = existing.refuses_half(part)
        if refusal:
            raise TranscriptError(refusal)
        stored = existing.parts.get(part)
        if stored is not None and stored["checksum"] == loaded.checksum:
            return ImportResult(status="unchanged", call=existing, warnings=stored["warnings"])

    call = existing or Call(
        company=company, fiscal_year=transcript.fiscal_year, fiscal_quarter=transcript.fiscal_quarter
    )
    status, left = "created", set()
    if existing is not None:
        old = existing.half_ranges(part)
        if part in existing.parts:
            status = "replaced"
            (after, last) = old["turns"]
            half_turns = Turn.objects.filter(call=call, position__gt=after, position__lte=last)
            left = _speakers_of(half_turns)
            half_turns.delete()  # and their utterances
            (after, last) = old["exchanges"]
            Exchange.objects.filter(call=call, number__gt=after, number__lte=last).delete()

    speakers, speaker_warnings = _speakers_for(transcript, company)
    new_counts = {
        "turns": len(transcript.turns),
        "paragraphs": transcript.paragraph_count,
        "exchanges": len(transcript.exchanges),
    }
    if existing is not None:
        # The halves after this one move by how much longer or shorter this one got.
        for model, field_name, kind in (
            (Turn, "position", "turns"),
            (Utterance, "position", "paragraphs"),
            (Exchange, "number", "exchanges"),
        ):
            _shift(
                model,
                call,
                field_name,
                after=old[kind][1],
                by=new_counts[kind] - (old[kind][1] - old[kind][0]),
            )
    call.parts = {
        **call.parts,
        part: {
            "checksum": loaded.checksum,
            "source_name": loaded.source_name,
            "layout": transcript.layout,
            "title": transcript.title,
            "held_on": transcript.held_on.isoformat() if transcript.held_on else None,
            "warnings": _warnings(transcript) + speaker_warnings,
            **new_counts,
        },
    }
    _describe_split_call(call, company)
    call.save()
    start = call.half_ranges(part)
    _store_turns(call, transcript, speakers=speakers, after={kind: start[kind][0] for kind in start})
    utterances_refresh(call=call, texts=False)  # the tallies, counted again over both halves
    _delete_speakers_without_turns(left)
    return ImportResult(status=status, call=call, warnings=call.parts[part]["warnings"])


# Beyond any call's count of turns, paragraphs (PositiveIntegerField) or exchanges (SmallInteger).
_FAR = {"position": 1_000_000_000, "number": 16_000}


def _shift(model, call: Call, field_name: str, *, after: int, by: int) -> None:
    """Move the call's rows numbered above `after` by `by` positions.

    In two steps, out of the way and back: the unique (call, position) is checked row by row, so a
    one-step shift would collide with the rows not moved yet.
    """
    if by == 0:
        return
    far = _FAR[field_name]
    model.objects.filter(call=call, **{f"{field_name}__gt": after}).update(
        **{field_name: F(field_name) + far}
    )
    model.objects.filter(call=call, **{f"{field_name}__gt": far}).update(
        **{field_name: F(field_name) - far + by}
    )


def _describe_split_call(call: Call, company: Company) -> None:
    """The call's own fields from its halves: title, date and layout from the first that has one."""
    halves = [call.parts[part] for part in PARTS if part in call.parts]
    call.title = next((half["title"] for half in halves if half["title"]), "") or (
        f"{company.name} Q{call.fiscal_quarter} {call.fiscal_year}"
    )
    held_on = next((half["held_on"] for half in halves if half["held_on"]), None)
    call.held_on = datetime.date.fromisoformat(held_on) if held_on else None
    call.layout = halves[0]["layout"]
    call.source_name = " + ".join(half["source_name"] for half in halves)[:255]
    # Changes whenever a half does; never equal to one file's checksum, so a whole-call file never
    # passes for this call unchanged.
    call.checksum = hashlib.sha256(
        "\n".join(f"{part}:{call.parts[part]['checksum']}" for part in PARTS if part in call.parts).encode()
    ).hexdigest()
    call.warnings = [
        {**warning, "part": part}
        for part in PARTS
        if part in call.parts
        for warning in call.parts[part]["warnings"]
    ]


def _speakers_of(turns) -> set[int]:
    """The ids of the speakers of these turns and of the questioners of their exchanges."""
    return set(turns.exclude(speaker=None).values_list("speaker", flat=True)) | set(
        Exchange.objects.filter(turns__in=turns, questioner__isnull=False).values_list(
            "questioner", flat=True
        )
    )


def _delete_speakers_without_turns(candidates: set[int]) -> None:
    """Delete those of these speakers whom no call mentions any more (a replaced call's misspellings).

    Otherwise a corrected name would leave its old spelling listed as a person with no words.
    """
    if not candidates:
        return
    mentioned = (
        Q(Exists(Turn.objects.filter(speaker=OuterRef("pk"))))
        | Q(Exists(Exchange.objects.filter(questioner=OuterRef("pk"))))
        | Q(Exists(Utterance.objects.filter(speaker=OuterRef("pk"))))
    )
    Speaker.objects.filter(pk__in=candidates).exclude(mentioned).delete()


@transaction.atomic
def call_attach_translation(*, call: Call, translations: list[str]) -> int:
    """Set the translations of a stored call's paragraphs, in position order; returns how many changed.

    One entry per paragraph; "" leaves that paragraph as it is. The Chinese search terms follow
    (utterances_refresh; the search_zh column follows them by itself). Raises ValueError, storing
    nothing, when the count differs from the call's paragraph count.
    """
    utterances = list(
        Utterance.objects.select_for_update().filter(call=call).order_by("position").only("pk", "translation")
    )
    if len(translations) != len(utterances):
        raise ValueError(f"{len(translations)} translations for the {len(utterances)} paragraphs of {call}")
    changed = []
    for utterance, translation in zip(utterances, translations, strict=True):
        translation = translation.strip()
        if not translation or translation == utterance.translation:
            continue
        utterance.translation = translation
        changed.append(utterance)
    Utterance.objects.bulk_update(changed, ["translation"], batch_size=2000)
    if changed:
        utterances_refresh(call=call)
    return len(changed)


@transaction.atomic
def turn_changed(*, turn: Turn, speaker_was: int | None) -> None:
    """After an edit of a turn: its paragraphs follow it, and a speaker it was the last mention of goes."""
    utterances_refresh(call_ids=[turn.call_id], texts=False)
    if speaker_was is not None and speaker_was != turn.speaker_id:
        _delete_speakers_without_turns({speaker_was})


@transaction.atomic
def calls_delete(*, call_ids: Iterable[int]) -> None:
    """Delete calls with their turns, paragraphs and exchanges, and the speakers only they mentioned.

    As a replaced call's speakers go with it: a person left with no words would still be listed.
    """
    call_ids = list(call_ids)
    left = _speakers_of(Turn.objects.filter(call_id__in=call_ids))
    Call.objects.filter(pk__in=call_ids).delete()  # the search's tallies go with them (CASCADE)
    _delete_speakers_without_turns(left)


@transaction.atomic
def companies_delete(*, company_ids: Iterable[int]) -> None:
    """Delete companies with their calls (see calls_delete)."""
    company_ids = list(company_ids)
    calls_delete(call_ids=Call.objects.filter(company_id__in=company_ids).values_list("pk", flat=True))
    Company.objects.filter(pk__in=company_ids).delete()


class CompanyUnknown(TranscriptError):
    """The file names no company, and no stored company has its ticker (yet: see `ingest`)."""


def company_for_transcript(transcript: Transcript) -> Company | None:
    """The stored company a parsed transcript belongs to, or None when it is a new one.

    The ticker decides when both sides have one: the company with the file's ticker (or with it
    as a former ticker) is the one, and a company with another ticker never is, whatever its
    name. Otherwise the names must agree once legal forms are dropped (`company_name_keys`).
    Raises TranscriptError when the file cannot be placed: it names no company and no company
    has its ticker, or it gives no ticker and its name fits companies with different tickers.
    """
    ticker = transcript.ticker.strip().upper()
    names = company_name_keys(transcript)
    return _choose_company(
        Company.objects.by_name_or_ticker(names=names, ticker=ticker),
        ticker=ticker,
        names=names,
        written=company_display_name(transcript),
        part=transcript.part,
    )


def _holds_ticker(company: Company, ticker: str) -> bool:
    return company.ticker.upper() == ticker or ticker_alias(ticker) in company.aliases


def _choose_company(
    candidates: list[Company], *, ticker: str, names: set[str], written: str, part: str
) -> Company | None:
    """Which of the companies found by name or ticker a transcript belongs to (see company_for_transcript)."""
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


def company_get_or_create(transcript: Transcript) -> Company:
    """The company a transcript belongs to (see company_for_transcript), created when new.

    Raises TranscriptError when the transcript cannot be placed.
    """
    company = company_for_transcript(transcript)
    ticker = transcript.ticker.strip().upper()
    if company is None:
        company = Company(
            name=company_display_name(transcript),
            slug=_free_company_slug(company_key(transcript), ticker),
            ticker=ticker,
            aliases=[],
        )
    changed = company.pk is None
    for alias in sorted(company_name_keys(transcript) - {company.slug, *company.aliases}):
        company.aliases.append(alias)
        changed = True
    if ticker and not company.ticker:
        company.ticker = ticker
        changed = True
    if changed:
        company.save()
    return company


def _free_company_slug(key: str, ticker: str) -> str:
    """A slug no company has, as slug or alias (an alias may be the old URL of a merged company).

    A second company of one name is told apart by its ticker: "acme-acmx".
    """
    base = key or slugify(ticker) or "company"
    candidates = [base, *([f"{base}-{slugify(ticker)}"[:100]] if ticker else [])]
    candidates += (f"{base[:90]}-{number}" for number in range(2, 1000))
    for candidate in candidates:
        if not Company.objects.filter(Q(slug=candidate) | Q(aliases__contains=[candidate])).exists():
            return candidate
    raise AssertionError(f"no free slug for {base}")  # pragma: no cover


class MergeRefused(Exception):
    """Two companies cannot be merged as they are; the message says why."""


@transaction.atomic
def company_merge(*, survivor: Company, merged: list[Company]) -> int:
    """Make `merged` companies part of `survivor`: their calls move to it and they are deleted.

    The survivor keeps its name and slug. Each merged company's slug, aliases and ticker become
    aliases of the survivor (a ticker becomes its ticker when it has none), so old URLs redirect and
    later imports under those names and tickers find the survivor. Returns how many calls moved.
    Raises MergeRefused, changing nothing, when two of the companies have a call for the same period.
    """
    merged = [company for company in merged if company.pk != survivor.pk]
    if not merged:
        raise MergeRefused("choose at least one company besides the one that stays")
    pks = [survivor.pk, *(company.pk for company in merged)]
    locked = {company.pk: company for company in Company.objects.select_for_update().filter(pk__in=pks)}
    if len(locked) != len(pks):
        raise MergeRefused("one of the companies has been deleted in the meantime")
    survivor, merged = locked[survivor.pk], [locked[company.pk] for company in merged]

    holders: dict[tuple[int, int], list[Company]] = {}
    for call in (
        Call.objects.filter(company__in=pks)
        .select_related("company")
        .order_by("fiscal_year", "fiscal_quarter", "company__name")
    ):
        holders.setdefault((call.fiscal_year, call.fiscal_quarter), []).append(call.company)
    clashes = [(period, companies) for period, companies in holders.items() if len(companies) > 1]
    if clashes:
        listed = "; ".join(
            f"{' and '.join(str(company) for company in companies)}"
            f" {'both' if len(companies) == 2 else 'each'} have a call for Q{quarter} {year}"
            for (year, quarter), companies in clashes
        )
        raise MergeRefused(
            f"not merged: {listed}. One company has one call per period: delete the call that should"
            " not stay first"
        )

    moving = list(Call.objects.filter(company__in=merged).values_list("pk", flat=True))
    moved = Call.objects.filter(pk__in=moving).update(company=survivor)
    # The copies of the company follow (utterances and the search's tallies repeat it to avoid joins).
    utterances_refresh(call_ids=moving, texts=False)
    aliases = list(survivor.aliases)
    for company in merged:
        tickers = [company.ticker.upper()] if company.ticker else []
        if tickers and not survivor.ticker:
            survivor.ticker = tickers.pop()
        for alias in [company.slug, *company.aliases, *map(ticker_alias, tickers)]:
            if alias not in aliases and alias != survivor.slug and alias != ticker_alias(survivor.ticker):
                aliases.append(alias)
    survivor.aliases = aliases
    Company.objects.filter(pk__in=[company.pk for company in merged]).delete()
    survivor.save()
    return moved


def _speakers_for(transcript: Transcript, company: Company) -> tuple[dict[str, Speaker], list[dict]]:
    """Speaker rows for the named people of the transcript, by lower-cased name; created as needed.

    Also returns warnings ({"line", "message"}) about people matched, or kept apart, on uncertain
    evidence. One person across calls: see `_match_speaker` and calls/people.py.
    """
    wanted: dict[str, tuple[str, str]] = {}
    for person in transcript.speakers:
        if person.role == Role.OPERATOR or _ANONYMOUS.match(person.name):
            continue
        # An executive speaks for the company; an analyst's firm is what the operator announced.
        firm = company.name if person.role == Role.EXECUTIVE else person.firm
        wanted[person.name.casefold()] = (person.name, firm)
    first_lines: dict[str, int] = {}
    for turn in transcript.turns:
        first_lines.setdefault(turn.name.casefold(), turn.line)

    keys = {name: speaker_key(n, f) for name, (n, f) in wanted.items()}
    pool = _speaker_candidates(wanted.values(), keys.values())
    chosen: dict[str, Speaker] = {}
    new: list[Speaker] = []
    warnings: list[dict] = []
    for name, (person_name, firm) in wanted.items():
        speaker, message = _match_speaker(person_name, firm, keys[name], pool)
        if speaker is None:
            # Slug later, in one query for all; in the pool now so that "Rob Ellison" and "Robert
            # Ellison" in the same transcript are one new speaker too.
            speaker = Speaker(
                name=person_name, firm=firm, key=keys[name], family_name=family_name(person_name)
            )
            new.append(speaker)
            pool.append(speaker)
        chosen[name] = speaker
        if message:
            warnings.append({"line": first_lines.get(name, 0), "message": message})
    if new:
        # Every slug the new speakers would take, looked up at once: one query, not one per slug.
        wanted_slugs = {slug for s in new for slug in _slug_candidates(s.name, s.firm)}
        taken = set(Speaker.objects.filter(slug__in=wanted_slugs).values_list("slug", flat=True))
        for speaker in new:
            speaker.slug = _free_slug(speaker.name, speaker.firm, taken)
            taken.add(speaker.slug)
        Speaker.objects.bulk_create(new)  # PostgreSQL sets the primary keys on these same objects
    return chosen, warnings


def _speaker_candidates(people: Iterable[tuple[str, str]], keys: Iterable[str]) -> list[Speaker]:
    """Stored speakers who might be one of these people: same key, or the same family name."""
    families = {family_name(name) for name, _ in people if len(people_rules.name_tokens(name)) >= 2}
    query = Q(key__in=list(keys)) | Q(family_name__in=families - {""})
    return list(Speaker.objects.filter(query).order_by("pk"))


def family_name(name: str) -> str:
    """What Speaker.family_name holds for a person called `name`."""
    words = people_rules.name_tokens(name)
    return words[-1][:100] if words else ""


def _match_speaker(name: str, firm: str, key: str, pool: list[Speaker]) -> tuple[Speaker | None, str]:
    """The stored speaker this mention is, or None for a new one; and a warning when unsure.

    - Same key (name and firm equal but for case and punctuation): that speaker.
    - Same firm (legal forms ignored) and one speaker whose name is the same, or else one whose name is
      a variant (short form, spelling, middle name or initial): that speaker; a variant is warned.
      Two or more variants and no same name: nobody, warned.
    - A firm-less mention never joins a speaker with a firm, nor a firm-less one under a variant
      name: a name alone is no evidence that two people are one. It joins a firm-less speaker of the
      same name (the key allows only one), warned when that speaker spoke in other calls.
    - Same or variant name at a related firm ("Barclays", "Barclays Capital"), or a firm-ful mention
      whose name matches a firm-less speaker: nobody, warned. Same name at an unrelated firm: nobody.
    """
    firm_key = people_rules.firm_key(firm)
    who = f"{name} ({firm})" if firm_key else f"{name} (firm unknown)"
    exact = next((speaker for speaker in pool if speaker.key == key), None)
    if exact is not None:
        if not firm_key and exact.pk is not None and exact.turns.exists():
            return exact, f"{who} taken to be the speaker of the same name in other calls, firm unknown too"
        return exact, ""

    same_firm: list[tuple[people_rules.Match, Speaker]] = []
    near: list[Speaker] = []
    # Names only match with equal family names: compare just those (a pool holds every candidate of
    # every person in the transcript, hundreds once the archive is large).
    family = family_name(name)
    for speaker in pool:
        if speaker.family_name != family:
            continue
        match = people_rules.names_match(name, speaker.name)
        if match is None:
            continue
        other_key = people_rules.firm_key(speaker.firm)
        if firm_key and other_key == firm_key:
            same_firm.append((match, speaker))
        elif not firm_key or not other_key or people_rules.related_firms(firm_key, other_key):
            near.append(speaker)

    exact_names = [speaker for match, speaker in same_firm if match is people_rules.Match.EXACT]
    if len(exact_names) == 1:
        return exact_names[0], ""
    if len(same_firm) == 1:
        [(_, speaker)] = same_firm
        where = "other calls" if speaker.pk is not None else "this call"
        return speaker, f"{who} taken to be {speaker} of {where}: same firm, name written differently"
    if same_firm:
        listed = "; ".join(str(speaker) for _, speaker in same_firm)
        return None, f"{who} could be any of {listed}: kept as a separate speaker"
    if near:
        listed = "; ".join(str(speaker) for speaker in near)
        firms_known = firm_key and all(people_rules.firm_key(speaker.firm) for speaker in near)
        reason = "the firms differ" if firms_known else "no firm to confirm it"
        return None, f"{who} kept apart from {listed}: {reason}"
    return None, ""


def _slug_candidates(name: str, firm: str) -> list[str]:
    """The slugs a new speaker takes, the first one free: the name's, then the name and firm's."""
    base = name_slug(name)[:100] or "speaker"
    return [base, name_slug(f"{name} {firm}")[:110] if firm else base]


def _free_slug(name: str, firm: str, taken: set[str]) -> str:
    """A slug for a new speaker; `taken` holds every stored slug among its _slug_candidates."""
    candidates = _slug_candidates(name, firm)
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    base = candidates[0]
    numbered = set(Speaker.objects.filter(slug__startswith=f"{base}-").values_list("slug", flat=True))
    number = 2
    while f"{base}-{number}" in taken or f"{base}-{number}" in numbered:
        number += 1
    return f"{base}-{number}"


def _store_turns(
    call: Call, transcript: Transcript, *, speakers: dict[str, Speaker], after: dict[str, int] | None = None
) -> None:
    """Store the transcript's rows; `after`: the turns, paragraphs and exchanges the call has before them.

    Turns and paragraphs, nearly all of the rows, go in with COPY: as model instances in multi-row
    INSERTs they took most of an import's time in Python (bench/ingest.py). A turn's id is taken
    from its table's sequence first, as an INSERT would, for its paragraphs to point to.
    """
    after = after or {}
    exchanges = Exchange.objects.bulk_create(
        exchanges_for(call, transcript, speakers=speakers, first=after.get("exchanges", 0) + 1)
    )
    ids = _new_ids(Turn, len(transcript.turns))
    turns = turn_rows(
        call, transcript, speakers=speakers, exchanges=exchanges, first=after.get("turns", 0) + 1, ids=ids
    )
    _copy_rows(Turn, TURN_COLUMNS, turns)
    copied = [TURN_COLUMNS.index(column) for column in ("id", *COPIED_FROM_TURN)]
    _copy_rows(
        Utterance,
        UTTERANCE_COLUMNS,
        utterance_rows(
            call,
            [tuple(row[i] for i in copied) for row in turns],
            transcript,
            first=after.get("paragraphs", 0) + 1,
        ),
    )


def _new_ids(model, count: int) -> list[int]:
    """`count` primary keys for new rows of `model`, from its table's own sequence (one query)."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


# The columns utterance_rows gives, in its order. COPY names them (never the table's order: a
# migration may add columns), and PostgreSQL computes the generated ones (search_en, search_zh).
UTTERANCE_COLUMNS = (
    "call_id",
    "turn_id",
    "position",
    *COPIED_FROM_CALL,
    *COPIED_FROM_TURN,
    "text",
    "translation",
    "cjk_terms",
)


def _copy_rows(model, columns: Iterable[str], rows: Iterable[Iterable]) -> None:
    """Write rows of `model` (values in the order of `columns`) with one COPY ... FROM STDIN.

    PostgreSQL checks and triggers the rows as it would an INSERT's (constraints, foreign keys, the
    search's data version); columns left out take their defaults, generated ones are computed.
    """
    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    # The raw psycopg cursor's COPY; its errors translated as Django's own (IntegrityError for the
    # retry in call_import, OperationalError for a lost database in `ingest`).
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def exchanges_for(
    call: Call, transcript: Transcript, *, speakers: dict[str, Speaker], first: int = 1
) -> list[Exchange]:
    """The call's Q&A exchanges, unsaved, numbered from `first`; `speakers` maps lower-cased names to rows."""
    return [
        Exchange(
            call=call,
            number=number,
            questioner=speakers.get(parsed.questioner.casefold()),
            questioner_name=parsed.questioner,
            introduced_as=parsed.introduced_as,
            firm=parsed.firm,
        )
        for number, parsed in enumerate(transcript.exchanges, start=first)
    ]


# The columns turn_rows gives, in its order (named in the COPY, as UTTERANCE_COLUMNS are).
TURN_COLUMNS = (
    "id",
    "call_id",
    "position",
    "speaker_id",
    "exchange_id",
    "speaker_line",
    "name",
    "title",
    "firm",
    "role",
    "section",
)


def turns_for(
    call: Call,
    transcript: Transcript,
    *,
    speakers: dict[str, Speaker],
    exchanges: list[Exchange],
    first: int = 1,
) -> list[Turn]:
    """The call's turns, unsaved, numbered from `first`; `exchanges` as exchanges_for made them (saved)."""
    return [
        Turn(**dict(zip(TURN_COLUMNS, row, strict=True)))
        for row in turn_rows(call, transcript, speakers=speakers, exchanges=exchanges, first=first)
    ]


def turn_rows(
    call: Call,
    transcript: Transcript,
    *,
    speakers: dict[str, Speaker],
    exchanges: list[Exchange],
    first: int = 1,
    ids: list[int] | None = None,
) -> list[tuple]:
    """The values (TURN_COLUMNS) of the call's turns, numbered from `first`; `ids` theirs (None: unsaved).

    `speakers` maps lower-cased names to saved rows; `exchanges` as exchanges_for made them (saved).
    """
    rows = []
    for index, parsed in enumerate(transcript.turns):
        speaker = speakers.get(parsed.name.casefold())
        exchange = exchanges[parsed.exchange] if parsed.exchange is not None else None
        rows.append(
            (
                ids[index] if ids is not None else None,
                call.pk,
                first + index,
                speaker.pk if speaker is not None else None,
                exchange.pk if exchange is not None else None,
                parsed.speaker_line[:300],
                parsed.name[:200],
                parsed.title[:200],
                parsed.firm[:200],
                str(parsed.role),
                str(parsed.section),
            )
        )
    return rows


def utterances_for(
    call: Call, turns: list[Turn], transcript: Transcript, *, first: int = 1
) -> list[Utterance]:
    """The call's utterances, unsaved: every paragraph of every turn, numbered on from `first`.

    `call` and `turns` saved (their ids are in the rows); the import itself writes utterance_rows.
    """
    copies = [(turn.pk, *(getattr(turn, column) for column in COPIED_FROM_TURN)) for turn in turns]
    return [
        Utterance(**dict(zip(UTTERANCE_COLUMNS, row, strict=True)))
        for row in utterance_rows(call, copies, transcript, first=first)
    ]


def utterance_rows(
    call: Call, turns: list[tuple], transcript: Transcript, *, first: int = 1
) -> Iterator[tuple]:
    """The values (UTTERANCE_COLUMNS) of every paragraph of every turn, numbered on from `first`.

    `call` saved; `turns` one (id, *COPIED_FROM_TURN) per turn of the transcript, which each of
    its paragraphs repeats, as they repeat their call's COPIED_FROM_CALL.
    """
    from_call = tuple(getattr(call, column) for column in COPIED_FROM_CALL)
    position = first - 1
    for (turn_id, *from_turn), parsed in zip(turns, transcript.turns, strict=True):
        for paragraph in parsed.paragraphs:
            position += 1
            yield (
                call.pk,
                turn_id,
                position,
                *from_call,
                *from_turn,
                paragraph.text,
                paragraph.translation,
                chinese_terms(paragraph.text, paragraph.translation),
            )
