"""`manage.py ingest [--dry-run] [--json] PATH...`: import transcript files (a public interface)."""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import shutil
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction

from calls.ingestion import (
    CallFacts,
    LoadedTranscript,
    computed_ahead,
    load_transcript_file,
    transcript_summary,
)
from calls.models import PART_LABELS
from calls.parsing import TranscriptError
from calls.services import CommitWindow, CompanyUnknown, call_import

# How many warnings a --strict failure lists in its message (the rest are counted).
_STRICT_LISTED = 3


class DatabaseUnreachable(Exception):
    """The database stopped answering: no file after this one can be stored."""


def _database_lost() -> bool:
    """Whether the database no longer answers, as against having refused one file (a constraint)."""
    try:
        if connection.connection is not None and connection.is_usable():
            return False
        if connection.in_atomic_block:  # a caller's transaction (a test's): no reconnecting inside it
            return True
        connection.close()
        connection.ensure_connection()
    except DatabaseError:
        return True
    return False


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from None


def _load(path: Path, max_bytes: int, facts: CallFacts) -> LoadedTranscript:
    """One file read and parsed: in a worker process of computed_ahead, or here for a second try."""
    return load_transcript_file(path, max_bytes=max_bytes, facts=facts)


class Command(BaseCommand):
    help = (
        "Import earnings-call transcripts. Each PATH is a file or a folder (searched recursively for *.txt, "
        "or for the --pattern given). "
        "Each file is stored whole or not at all; a bad file is reported and the others still import. "
        "--company, --ticker, --year, --quarter and --date override what the files say, for every file given."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report; store nothing.")
        parser.add_argument(
            "--pattern",
            action="append",
            metavar="GLOB",
            help="File names a folder is searched for (default *.txt); repeat for more, such as "
            "--pattern '*.json' --pattern '*.xml'. A file named on the command line is always read.",
        )
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object per file, one per line."
        )
        overrides = "overrides what the file says"
        parser.add_argument("--company", default="", help=f"Company name; {overrides}.")
        parser.add_argument("--ticker", default="", help=f"Ticker symbol; {overrides}.")
        parser.add_argument(
            "--year",
            type=int,
            help=f"Fiscal year; {overrides}. With --quarter, settles a file whose sources disagree on it.",
        )
        parser.add_argument(
            "--quarter", type=int, choices=[1, 2, 3, 4], help=f"Fiscal quarter (1-4); {overrides}."
        )
        parser.add_argument("--date", type=_date, help=f"Date the call was held (YYYY-MM-DD); {overrides}.")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Treat a file with parse warnings (doubts about the whole parse listed first) as failed:"
            " nothing of it is stored.",
        )

    def handle(self, *args, **options):
        facts = CallFacts(
            company=options["company"].strip(),
            ticker=options["ticker"].strip().upper(),
            fiscal_year=options["year"],
            fiscal_quarter=options["quarter"],
            held_on=options["date"],
        )
        files = list(self._files(options["paths"], patterns=options["pattern"] or ["*.txt"]))
        progress = Progress(self.stderr, total=len(files), enabled=self.stderr.isatty())
        tally = Tally()
        # A Q&A half naming no company is tried again after the other files, where its presentation
        # may be: the halves of a call can be given in either order.
        queue = deque((path, False) for path in files)
        lost = None
        # Where a core is spare (parse_workers), the next files are parsed in another process while
        # this one stores; their outcomes are taken in order, each when its turn comes.
        loads = computed_ahead(_load, [(path, settings.TRANSCRIPT_MAX_BYTES, facts) for path in files])
        with contextlib.closing(loads):
            while queue and lost is None:
                reports, lost = self._stored_together(queue, loads, facts, options)
                for report in reports:
                    tally.add(report)
                    progress.clear()
                    self._print(report, as_json=options["json"])
                progress.update(tally)
        if lost is not None:
            for path, _last_try in queue:
                report = {"file": str(path), "error": "not imported: the database is unreachable"}
                tally.add(report)
                self._print(report, as_json=options["json"])
        progress.clear()
        # The summary goes to stderr with --json: stdout stays one JSON object per line.
        out = self.stderr if options["json"] else self.stdout
        for line in tally.summary_lines(dry_run=options["dry_run"], unreachable=lost is not None):
            out.write(line)
        if lost is not None:
            raise CommandError(
                f"stopped: the database is unreachable ({lost}); {len(tally.stored)} of {len(files)}"
                " file(s) stored, the others not"
            )
        if tally.failed:
            raise CommandError(f"{len(tally.failed)} of {len(files)} file(s) could not be imported")

    def _stored_together(
        self, queue: deque, loads, facts: CallFacts, options: dict
    ) -> tuple[list[dict], str | None]:
        """The next files of `queue` stored in one transaction (a CommitWindow's worth, at least
        one): their reports once it has committed, and why the database was lost, if it was.

        Each call is a savepoint of its own inside it: a file the database refuses leaves the others
        stored. A database lost before the commit loses the whole transaction, and every file in it
        is reported not stored: no file is reported stored before it is.
        """
        reports: list[dict] = []
        window = CommitWindow()
        together = contextlib.nullcontext() if options["dry_run"] else transaction.atomic()
        try:
            with together:
                while queue and not window.full:
                    path, last_try = queue.popleft()
                    # Each file's first try takes the next parse; a second try parses it again, here.
                    load = functools.partial(_load, path, settings.TRANSCRIPT_MAX_BYTES, facts)
                    load = load if last_try else next(loads)
                    try:
                        report = self._ingest_one(
                            path,
                            load,
                            dry_run=options["dry_run"],
                            strict=options["strict"],
                            last_try=last_try,
                        )
                    except DatabaseUnreachable:
                        reports.append({"file": str(path)})
                        raise
                    if report is None:
                        queue.append((path, True))
                    else:
                        reports.append(report)
                        window.add()
        except DatabaseUnreachable as error:
            lost = str(error)
        except (OperationalError, InterfaceError) as error:  # the commit itself
            if not _database_lost():
                raise
            lost = " ".join(str(error).split()) or type(error).__name__
        else:
            return reports, None
        # Files the import could not store anyway keep their own reasons; the others were stored
        # in a transaction that is gone. The first of them says why, the others point to it.
        # (Lost before any file, as when there was no database to begin with: the next one says so.)
        if queue and all("error" in report for report in reports):
            reports.append({"file": str(queue.popleft()[0])})
        unstored, reason = [], f"the database is unreachable: {lost}"
        for report in reports:
            if "error" in report:
                unstored.append(report)
                continue
            unstored.append({"file": report["file"], "error": reason})
            reason = "not imported: the database is unreachable"
        return unstored, lost

    def _files(self, paths: list[str], *, patterns: list[str]):
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                # A folder holds READMEs and notes beside its transcripts: only the names asked for.
                found = {p for pattern in patterns for p in path.rglob(pattern) if p.is_file()}
                yield from sorted(found)
            else:
                yield path

    def _ingest_one(
        self, path: Path, load: Callable[[], LoadedTranscript], *, dry_run: bool, strict: bool, last_try: bool
    ) -> dict | None:
        """What became of one file, as its report; None when it is to be tried again later.

        `load` returns the file parsed (`_load`'s outcome) or raises what parsing it raised.
        """
        try:
            loaded = load()
        except FileNotFoundError:
            return {"file": str(path), "error": "no such file"}
        except IsADirectoryError:
            return {"file": str(path), "error": "is a directory"}
        except PermissionError:
            return {"file": str(path), "error": "permission denied"}
        except TranscriptError as error:
            return {"file": str(path), "error": str(error)}
        except DatabaseError:
            raise
        except Exception as error:  # a bug the file triggers (a RecursionError...): it stops nothing else
            return {"file": str(path), "error": f"could not parse: {type(error).__name__}: {error}"}
        # Doubts about the whole parse first: they are the reason to look at the file at all.
        warnings = sorted(loaded.transcript.warnings, key=lambda warning: not warning.doubt)
        if strict and warnings:
            listed = "; ".join(map(str, warnings[:_STRICT_LISTED]))
            more = f"; and {len(warnings) - _STRICT_LISTED} more" if len(warnings) > _STRICT_LISTED else ""
            doubts = sum(1 for warning in warnings if warning.doubt)
            about = f", {doubts} of them doubting the whole parse" if doubts else ""
            return {
                "file": str(path),
                "error": f"--strict: {len(warnings)} warning(s){about}: {listed}{more}",
            }
        report = transcript_summary(loaded.transcript, file=str(path))
        if dry_run:
            return report
        try:
            result = call_import(loaded=loaded)
        except CompanyUnknown as error:
            if not last_try and loaded.transcript.part == "qa":
                return None
            return {"file": str(path), "error": str(error)}
        except TranscriptError as error:  # the archive cannot place it (whose call, which half)
            return {"file": str(path), "error": str(error)}
        except (OperationalError, InterfaceError) as error:
            if _database_lost():
                # psycopg's message runs over lines ("Is the server running ..."): one line per file.
                raise DatabaseUnreachable(" ".join(str(error).split()) or type(error).__name__) from error
            return {"file": str(path), "error": f"the database refused the call: {error}".strip()}
        except DatabaseError as error:  # the file's transaction was rolled back; the others go on
            return {"file": str(path), "error": f"the database refused the call: {error}".strip()}
        report["status"] = result.status
        report["url"] = result.call.get_absolute_url()
        # What was stored may add warnings to the parse's own (people matched on uncertain evidence).
        report["warnings"] = result.warnings
        return report

    def _print(self, report: dict, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        if "error" in report:
            self.stderr.write(self.style.ERROR(f"failed     {report['file']}: {report['error']}"))
            return
        status = report.get("status", "parsed")
        self.stdout.write(
            f"{status:<10} {report['file']} -> {report['company']} "
            f"Q{report['fiscal_quarter']} {report['fiscal_year']}"
            + (f", its {PART_LABELS[report['part']]}" if report.get("part") in PART_LABELS else "")
            + (f" {report['url']}" if "url" in report else "")
            + f" ({report['turns']} turns, {report['paragraphs']} paragraphs,"
            f" {len(report['exchanges'])} Q&A exchanges, {len(report['warnings'])} warnings)"
        )
        for warning in report["warnings"]:
            line = f"line {warning['line']}: " if warning["line"] else ""
            self.stdout.write(self.style.WARNING(f"           warning: {line}{warning['message']}"))


@dataclass
class Tally:
    """What happened to each file, for the closing summary."""

    started: float = field(default_factory=time.monotonic)
    statuses: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[str, str]] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)  # created, replaced or unchanged: in the archive
    files: int = 0
    paragraphs: int = 0

    def add(self, report: dict) -> None:
        self.files += 1
        if "error" in report:
            self.failed.append((report["file"], report["error"]))
            return
        status = report.get("status", "parsed")
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.paragraphs += report["paragraphs"]
        if status != "parsed":
            self.stored.append(report["file"])

    def rates(self) -> str:
        seconds = max(time.monotonic() - self.started, 1e-6)
        return f"{self.files / seconds:.1f} files/s, {self.paragraphs / seconds:,.0f} paragraphs/s"

    def summary_lines(self, *, dry_run: bool, unreachable: bool = False) -> list[str]:
        seconds = time.monotonic() - self.started
        counts = (
            [("parsed", self.statuses.get("parsed", 0))]
            if dry_run
            else [
                ("imported", self.statuses.get("created", 0)),
                ("replaced", self.statuses.get("replaced", 0)),
                ("unchanged", self.statuses.get("unchanged", 0)),
            ]
        )
        counts.append(("failed", len(self.failed)))
        lines = [
            "summary: "
            + ", ".join(f"{label} {count}" for label, count in counts)
            + f" ({self.files} files, {self.paragraphs:,} paragraphs in {seconds:.1f} s: {self.rates()})"
        ]
        lines += [f"  failed {file}: {error}" for file, error in self.failed]
        if unreachable:
            lines.append("stopped: the database is unreachable")
            lines += [f"  stored {file}" for file in self.stored] or ["  stored nothing"]
            lines += [f"  not stored {file}" for file, _error in self.failed]
        return lines


class Progress:
    """One progress line on a terminal's stderr, rewritten in place; nothing when stderr is not a TTY.

    Hand-written rather than tqdm or rich (issue 15): it shows what the closing summary counts (files,
    paragraphs per second, failures) from the same Tally, writes through the command's own stderr
    (which tests and call_command capture), and each report line clears it first, as tqdm.write
    would. What a library did better, fitting the terminal's width (a wrapped line is not rewritten
    by "\r"), takes a line here; a dependency for one line would not pay for itself.
    """

    def __init__(self, stream: OutputWrapper, *, total: int, enabled: bool) -> None:
        self.stream, self.total, self.enabled = stream, total, enabled
        self.shown = False

    def update(self, tally: Tally) -> None:
        if not self.enabled:
            return
        done = tally.files
        width = 24
        bar = "#" * (width * done // max(self.total, 1))
        line = f"[{bar:<{width}}] {done}/{self.total} files, {tally.rates()}, {len(tally.failed)} failed"
        # One column short of the terminal: a line that wraps leaves its first row behind on "\r".
        columns = shutil.get_terminal_size().columns - 1
        self.stream.write(f"\r{line[:columns]}", ending="")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K", ending="")  # carriage return, erase to end of line
            self.stream.flush()
            self.shown = False
