"""From a file on disk to a parsed transcript and its public summary. No database here.

The summary is what `ingest --dry-run --json` prints: a public interface, so fields are only added,
never renamed or removed. `computed_ahead` parses the next files in another process while the
caller stores the current one.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import multiprocessing
import os
import pickle
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from calls.parsing import ParseWarning, Transcript, TranscriptError, clean_company_name, parse_transcript
from calls.slugs import name_slug

# The keys of Transcript.line_counts, in the order the JSON summary gives them.
LINE_KINDS = ("read", "speech", "speaker", "header", "ignored")


@dataclass(frozen=True)
class CallFacts:
    """What the person importing knows better than the file: each set field overrides the file."""

    company: str = ""
    ticker: str = ""
    fiscal_year: int | None = None
    fiscal_quarter: int | None = None
    held_on: datetime.date | None = None


@dataclass
class LoadedTranscript:
    source_name: str
    checksum: str
    transcript: Transcript


def load_transcript(
    data: bytes, *, source_name: str, max_bytes: int, facts: CallFacts = CallFacts()
) -> LoadedTranscript:
    """Parse raw file content, apply the given facts, and check the call can be placed.

    Raises TranscriptError with a message a person can act on.
    """
    if len(data) > max_bytes:
        raise TranscriptError(f"file is {len(data):,} bytes, over the limit of {max_bytes:,} bytes")
    transcript = _without_nul(parse_transcript(data, filename=source_name))
    if transcript.period_conflict and not (facts.fiscal_year and facts.fiscal_quarter):
        # Either period could be the wrong one, and a wrong one would replace another quarter's call:
        # only the person importing can settle it.
        raise TranscriptError(f"{transcript.period_conflict}; give the period with --year and --quarter")
    transcript = apply_facts(transcript, facts)
    missing = [
        label
        for label, value in (
            # A ticker alone is enough to find a stored company by (a Q&A half often gives no name);
            # storing refuses the file if no company has it.
            ("company", transcript.company or transcript.ticker),
            ("fiscal year", transcript.fiscal_year),
            ("fiscal quarter", transcript.fiscal_quarter),
        )
        if not value
    ]
    if missing:
        raise TranscriptError(
            f"could not determine the {' and '.join(missing)} from the file; "
            "give them with --company, --year and --quarter"
        )
    if not 1 <= transcript.fiscal_quarter <= 4:
        raise TranscriptError(f"fiscal quarter must be 1 to 4, not {transcript.fiscal_quarter}")
    return LoadedTranscript(
        source_name=source_name, checksum=hashlib.sha256(data).hexdigest(), transcript=transcript
    )


def _without_nul(transcript: Transcript) -> Transcript:
    """The transcript with no NUL character left in any text: PostgreSQL text cannot hold one.

    The decoder removes raw NULs; a JSON file can still write one as "\\u0000" inside a string.
    """
    removed = 0

    def clean(value: str) -> str:
        nonlocal removed
        if "\x00" not in value:
            return value
        removed += value.count("\x00")
        return value.replace("\x00", "")

    for turn in transcript.turns:
        for name in ("speaker_line", "name", "title", "firm"):
            setattr(turn, name, clean(getattr(turn, name)))
        for paragraph in turn.paragraphs:
            paragraph.text, paragraph.translation = clean(paragraph.text), clean(paragraph.translation)
    for exchange in transcript.exchanges:
        exchange.questioner = clean(exchange.questioner)
        exchange.introduced_as, exchange.firm = clean(exchange.introduced_as), clean(exchange.firm)
    for warning in transcript.warnings:
        warning.message = clean(warning.message)
    for name in ("layout", "title", "company", "ticker", "period_conflict", "part"):
        setattr(transcript, name, clean(getattr(transcript, name)))
    if removed:
        transcript.warnings.append(
            ParseWarning(
                0, f"removed {removed} NUL character{'s' if removed != 1 else ''}: a text transcript has none"
            )
        )
    return transcript


def load_transcript_file(path: Path, *, max_bytes: int, facts: CallFacts = CallFacts()) -> LoadedTranscript:
    size = path.stat().st_size
    if size > max_bytes:
        raise TranscriptError(f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes")
    return load_transcript(path.read_bytes(), source_name=path.name, max_bytes=max_bytes, facts=facts)


def apply_facts(transcript: Transcript, facts: CallFacts) -> Transcript:
    changes = {
        field.name: getattr(facts, field.name)
        for field in dataclasses.fields(facts)
        if getattr(facts, field.name) not in (None, "")
    }
    return dataclasses.replace(transcript, **changes) if changes else transcript


def company_display_name(transcript: Transcript) -> str:
    return clean_company_name(transcript.company) or transcript.company


def company_key(transcript: Transcript) -> str:
    """The company's normalised name: its slug, and the alias other spellings are matched by."""
    return name_slug(company_display_name(transcript))[:100]


def company_name_keys(transcript: Transcript) -> set[str]:
    """The keys a stored company is matched by name with: the normalised name and the name as written.

    The name as written (every import records it as an alias) keeps companies stored under an older
    normalisation found: the same spelling is the same company under any rule.
    """
    return {company_key(transcript), name_slug(transcript.company)[:200]} - {""}


def transcript_summary(transcript: Transcript, *, file: str) -> dict:
    """The per-file JSON object of `ingest --dry-run --json` (a public interface: extend, never rename)."""
    return {
        "file": file,
        "layout": transcript.layout,
        "company": company_display_name(transcript),
        "company_as_written": transcript.company,
        "ticker": transcript.ticker or None,
        "fiscal_year": transcript.fiscal_year,
        "fiscal_quarter": transcript.fiscal_quarter,
        "held_on": transcript.held_on.isoformat() if transcript.held_on else None,
        "title": transcript.title,
        "turns": len(transcript.turns),
        "paragraphs": transcript.paragraph_count,
        "translated_paragraphs": transcript.translated_paragraph_count,
        "prepared_turns": transcript.prepared_turn_count,
        "speakers": [
            {"name": s.name, "title": s.title, "role": str(s.role), "firm": s.firm}
            for s in transcript.speakers
        ],
        "exchanges": [
            {
                "number": number,
                "questioner": exchange.questioner,
                "introduced_as": exchange.introduced_as or None,
                "firm": exchange.firm or None,
                "turns": exchange.turn_count,
            }
            for number, exchange in enumerate(transcript.exchanges, start=1)
        ],
        "warnings": [{"line": w.line, "message": w.message} for w in transcript.warnings],
        # Every non-blank line of the file accounted for (read = speech + speaker + header + ignored).
        "lines": {key: transcript.line_counts.get(key, 0) for key in LINE_KINDS},
        "part": transcript.part or None,
        "period_conflict": transcript.period_conflict or None,
    }


# Parsing ahead in other processes -------------------------------------------------------------

T = TypeVar("T")


def parse_workers() -> int:
    """How many processes parse ahead of the one storing: one, where there is a core to spare.

    Storing keeps two cores busy, this process and its PostgreSQL backend (bench/ingest.py): on two
    cores a parsing process only takes turns with them, and measured no faster, so it takes a third.
    Parsing is about six times faster than storing, so one process keeps the store fed. Forking is
    only used on Linux (elsewhere, forking a process with a database connection and its libraries'
    threads is not safe): other systems parse in the process itself.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 1 if cores >= 3 and sys.platform == "linux" else 0


def computed_ahead(
    function: Callable[..., T], calls: list[tuple], *, workers: int | None = None, ahead: int = 4
) -> Iterator[Callable[[], T]]:
    """For each argument tuple, in order, a function returning `function(*arguments)` or raising its error.

    Computed in `workers` forked processes (parse_workers() by default), at most `ahead` calls ahead
    of the caller, while the caller does something else with the previous result: `ingest` parses
    the next files while it stores one. `function` must be a module's own (pickled by name), and its
    results and errors picklable; an error that is not, or a worker process that dies, has that call
    computed again in the caller's process, so the outcome is the same either way. Close the
    iterator (contextlib.closing) when stopping early: the workers stop with it.
    """
    workers = parse_workers() if workers is None else workers
    if workers < 1 or len(calls) < 2:
        for arguments in calls:
            yield functools.partial(function, *arguments)
        return
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        # Ctrl-C is the caller's to handle (it stops the workers): no traceback from each worker.
        initializer=signal.signal,
        initargs=(signal.SIGINT, signal.SIG_IGN),
    )
    pending: deque[tuple[tuple, Future | None]] = deque()
    upcoming = iter(calls)

    def submit() -> None:
        arguments = next(upcoming, None)
        if arguments is None:
            return
        try:
            pending.append((arguments, pool.submit(_in_worker, function, arguments)))
        except (BrokenProcessPool, RuntimeError):  # the pool broke (a worker died): no more submitting
            pending.append((arguments, None))

    try:
        for _ in range(max(ahead, workers)):
            submit()
        while pending:
            arguments, future = pending.popleft()
            submit()
            yield functools.partial(_outcome, future, function, arguments)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class _ComputeInCaller(Exception):
    """The worker could not send this call's error back (it does not pickle): the caller computes it."""


def _in_worker(function: Callable[..., T], arguments: tuple) -> T:
    try:
        return function(*arguments)
    except Exception as error:
        try:
            pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes, just made
        except Exception:
            raise _ComputeInCaller from None
        raise


def _outcome(future: Future | None, function: Callable[..., T], arguments: tuple) -> T:
    if future is not None:
        try:
            return future.result()
        except (_ComputeInCaller, BrokenProcessPool):
            pass
    return function(*arguments)
