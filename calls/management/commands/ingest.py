"""`manage.py ingest [--dry-run] [--json] PATH...`: import transcript files (a public interface)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from calls.ingestion import CallFacts, load_transcript_file, transcript_summary
from calls.parsing import TranscriptError
from calls.services import call_import


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Import earnings-call transcripts. Each PATH is a file or a folder (searched recursively for *.txt). "
        "Each file is stored in its own transaction; a bad file is reported and the others still import."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report; store nothing.")
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object per file, one per line."
        )
        parser.add_argument("--company", default="", help="Company name, when the file does not say.")
        parser.add_argument("--ticker", default="", help="Ticker symbol, when the file does not say.")
        parser.add_argument("--year", type=int, help="Fiscal year, when the file does not say.")
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="Fiscal quarter (1-4).")
        parser.add_argument("--date", type=_date, help="Date the call was held (YYYY-MM-DD).")

    def handle(self, *args, **options):
        facts = CallFacts(
            company=options["company"].strip(),
            ticker=options["ticker"].strip().upper(),
            fiscal_year=options["year"],
            fiscal_quarter=options["quarter"],
            held_on=options["date"],
        )
        files = list(self._files(options["paths"]))
        failed = 0
        for path in files:
            report = self._ingest_one(path, facts=facts, dry_run=options["dry_run"])
            failed += "error" in report
            self._print(report, as_json=options["json"])
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) could not be imported")

    def _files(self, paths: list[str]):
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                yield from sorted(p for p in path.rglob("*.txt") if p.is_file())
            else:
                yield path

    def _ingest_one(self, path: Path, *, facts: CallFacts, dry_run: bool) -> dict:
        try:
            loaded = load_transcript_file(path, max_bytes=settings.TRANSCRIPT_MAX_BYTES, facts=facts)
        except FileNotFoundError:
            return {"file": str(path), "error": "no such file"}
        except IsADirectoryError:
            return {"file": str(path), "error": "is a directory"}
        except PermissionError:
            return {"file": str(path), "error": "permission denied"}
        except TranscriptError as error:
            return {"file": str(path), "error": str(error)}
        report = transcript_summary(loaded.transcript, file=str(path))
        if dry_run:
            return report
        result = call_import(loaded=loaded)
        report["status"] = result.status
        report["url"] = result.call.get_absolute_url()
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
            + (f" {report['url']}" if "url" in report else "")
            + f" ({report['turns']} turns, {report['paragraphs']} paragraphs,"
            f" {len(report['exchanges'])} Q&A exchanges, {len(report['warnings'])} warnings)"
        )
        for warning in report["warnings"]:
            line = f"line {warning['line']}: " if warning["line"] else ""
            self.stdout.write(self.style.WARNING(f"           warning: {line}{warning['message']}"))
