"""Import speed: files/s and paragraphs/s for parsing alone, then for parsing plus storing.

    .venv/bin/python bench/ingest.py              # 300 corpus calls into a throwaway database
    .venv/bin/python bench/ingest.py -n 1370      # the whole corpus
    .venv/bin/python bench/ingest.py --dev-db     # store into the dev database instead (kept)

The transcripts are ../shared/corpus/motleyfool-json (real calls, JSON). Before that, parsing alone
is timed on the other publishers' layouts (../shared/corpus/layouts, text, PDF text, CSV, JSON) and
on two made-up 4 MB files (one line; many short lines), in seconds per megabyte: the parser's
work per megabyte is bounded, whatever the shape of the file. The throwaway database
(callvault_bench_ingest) is created on the same server as the dev database and dropped at the end.
Storing goes through the same `call_import` service as `manage.py ingest`, one transaction per file.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "motleyfool-json"
BENCH_DB = "callvault_bench_ingest"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=300, help="how many corpus files (default 300)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--dev-db", action="store_true", help="store into the dev database and keep the calls"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from calls.ingestion import CallFacts, load_transcript
    from calls.parsing import TranscriptError, parse_transcript
    from calls.services import call_import

    report_layouts(ROOT.parent / "shared" / "corpus" / "layouts")

    paths = sorted(args.corpus.glob("*.txt"))[: args.n]
    if not paths:
        print(f"no transcripts in {args.corpus}", file=sys.stderr)
        return 1
    blobs = [(path.name, path.read_bytes()) for path in paths]  # disk reads are not what we measure

    def load(name: str, data: bytes):
        try:
            loaded = load_transcript(data, source_name=name, max_bytes=settings.TRANSCRIPT_MAX_BYTES)
            if loaded.transcript.company:
                return loaded
        except TranscriptError:
            pass
        # As a person would settle it with `ingest --company --year --quarter`: the calls whose
        # welcome names no company, and those whose file name and text disagree on the period (the
        # corpus names Q4 2019 calls "..._q4_2020"); the text's period is the right one there.
        parsed = parse_transcript(data, filename=name)
        facts = CallFacts(
            company=parsed.company or name.split("_")[0],
            fiscal_year=parsed.fiscal_year,
            fiscal_quarter=parsed.fiscal_quarter,
        )
        try:
            return load_transcript(
                data, source_name=name, max_bytes=settings.TRANSCRIPT_MAX_BYTES, facts=facts
            )
        except TranscriptError:
            return None  # still no year to settle it with: not imported, and counted as skipped

    def parse_all():
        return [item for item in (load(name, data) for name, data in blobs) if item is not None]

    started = time.perf_counter()
    loaded = parse_all()
    parse_seconds = time.perf_counter() - started
    paragraphs = sum(item.transcript.paragraph_count for item in loaded)
    report("parse", len(blobs), paragraphs, parse_seconds)
    if len(loaded) < len(blobs):
        print(f"  ({len(blobs) - len(loaded)} files skipped: their period cannot be settled from the file)")

    if not args.dev_db:
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = BENCH_DB
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        statuses: dict[str, int] = {}
        for item in parse_all():
            status = call_import(loaded=item).status
            statuses[status] = statuses.get(status, 0) + 1
        store_seconds = time.perf_counter() - started
        report("parse+store", len(blobs), paragraphs, store_seconds)
        print(f"  ({', '.join(f'{count} {status}' for status, count in sorted(statuses.items()))})")
    finally:
        if not args.dev_db:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


def report_layouts(folder: Path) -> None:
    """Seconds per megabyte of parsing alone, for every layout family and for two worst cases."""
    import random

    from calls.parsing import TranscriptError, parse_transcript

    samples: list[tuple[str, str, bytes]] = []
    for path in sorted(folder.glob("*/*")):
        if path.is_file() and path.suffix in (".txt", ".csv", ".json"):
            samples.append((path.parent.name, path.name, path.read_bytes()))
    rng = random.Random(4)
    words = [
        "revenue",
        "grew",
        "margin",
        "Jane",
        "Doe:",
        "Operator",
        "-",
        "CFO",
        "question",
        "from",
        "the",
        "line",
        "of",
        "Bob",
        "Poe",
        "with",
        "Calder",
    ]
    one_line = " ".join(rng.choice(words) for _ in range(700_000))[:4_000_000]
    short = "\n".join(" ".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(420_000))
    samples += [
        ("4 MB, one line", "", one_line.encode()),
        ("4 MB, short lines", "", short[:4_000_000].encode()),
    ]
    totals: dict[str, list[float]] = {}
    for family, name, data in samples:
        started = time.perf_counter()
        with contextlib.suppress(TranscriptError):  # a refusal costs time too: measured the same way
            parse_transcript(data, filename=name)
        seconds = time.perf_counter() - started
        total = totals.setdefault(family, [0, 0.0, 0.0])
        total[0] += 1
        total[1] += len(data) / 1e6
        total[2] += seconds
    print(f"{'parse alone':<28} {'files':>5} {'MB':>7} {'s/MB':>7}")
    for family, (files, megabytes, seconds) in totals.items():
        print(f"{family:<28} {files:>5} {megabytes:>7.2f} {seconds / megabytes:>7.3f}")


def report(label: str, files: int, paragraphs: int, seconds: float) -> None:
    print(
        f"{label:<12} {files:>5} files {paragraphs:>8,} paragraphs in {seconds:6.2f} s: "
        f"{files / seconds:7.1f} files/s {paragraphs / seconds:9,.0f} paragraphs/s"
    )


if __name__ == "__main__":
    sys.exit(main())
