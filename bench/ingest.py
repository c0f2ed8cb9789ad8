"""Import speed: files/s and paragraphs/s for parsing alone, then for parsing plus storing.

    .venv/bin/python bench/ingest.py              # 300 corpus calls into a throwaway database
    .venv/bin/python bench/ingest.py -n 1370      # the whole corpus
    .venv/bin/python bench/ingest.py --profile    # and where the time goes, in Python and PostgreSQL
    .venv/bin/python bench/ingest.py --dev-db     # store into the dev database instead (kept)

The transcripts are ../shared/corpus/motleyfool-json (real calls, JSON). Before that, parsing alone
is timed on the other publishers' layouts (../shared/corpus/layouts, text, PDF text, CSV, JSON) and
on two made-up 4 MB files (one line; many short lines), in seconds per megabyte: the parser's
work per megabyte is bounded, whatever the shape of the file. The throwaway database
(callvault_bench_ingest) is created on the same server as the dev database and dropped at the end.
Storing goes through the same `call_import` service as `manage.py ingest`, committed together as it
commits them (calls.services.stored_together), twice into an emptied archive: "parse+store" parses
and stores in this one process, as `ingest` does on up to two cores; "parse ahead" parses the next
files in another process meanwhile (computed_ahead), as `ingest` does with three cores or more.
--profile times each step of storing, then PostgreSQL's own share of the paragraphs (their rows
inserted again in a transaction rolled back, with and without each part).

Where storing 300 files (34,503 paragraphs) went, issue 11, before and after; 2 cores, embedded
PostgreSQL 16 on an ext4 disk, 8 GIN indexes on calls_utterance, quiet machine, runs alternated
(seconds, each the mean of two runs):

    step                                             before   after
    paragraphs: INSERT of model instances / COPY       3.75    3.21  (PostgreSQL's own part: 3.05)
    Python: model instances, ORM, decisions            3.62    1.12
    commits (WAL flush, ~2.6 ms each)                   0.86    0.78
    copies compared again (UPDATE calls_utterance)      0.77       -  (fresh rows hold them)
    speakers (SELECTs: 2,196 before, 583 after)         0.48    0.21
    turns: INSERT / ids + COPY                          0.37    0.29
    savepoints (1,200 round trips)                      0.18       -
    tallies: DELETE, SELECT, INSERT / one statement     0.34    0.18
    the other statements (company, call, exchanges)     0.64    0.63
    storing, total                                     11.0     6.4
    parse+store (this script), paragraphs/s            2,900   4,740

PostgreSQL alone (--profile): the paragraphs' rows cost 3.05 s, of which to_tsvector('english') of
the generated search_en is 1.3 s, the GIN indexes 0.6-0.7 s (6.5 s with fastupdate off, so it stays
on; gin_pending_list_limit at 1, 4 (the default), 16 and 64 MB measured within noise, so it stays)
and the b-tree indexes 0.4 s. One session runs its statements and its Python in turn, and the rows
and commits alone take ~3.8 s, more than 10,000 paragraphs/s allows (3.45 s): that target needs
cheaper generated columns and indexes, commits that do not wait for the disk (synchronous_commit
off measured +5-10%, but a crash could lose calls `ingest` reported stored), or imports in parallel
sessions. Parsing ahead in a second process measured no faster on 2 cores (the storing process and
its PostgreSQL backend already keep both busy).

Since then the marked twins (calls/migrations/0005, search/migrations/0008) brought the GIN indexes
to 16, and storing the same 300 files to 11.2 s (3,078 paragraphs/s). Each index was dropped in
turn in a rolled-back transaction (VACUUM between runs, paired with a run with every index): the
repeated-lexeme ones cost most, because callvault_repeated_lexemes is a SQL function with a FROM
clause that PostgreSQL cannot inline, about 9 microseconds a call even on an empty vector, and
four indexes called it: utterance_repeated_en 0.52 s, utterance_repeated_zh 0.21 s (no paragraph
of these files has Chinese), utterance_marked_repeated_en 0.86 s, utterance_marked_repeated_zh
0.35 s; utterance_marked_en 0.63 s, utterance_search_en 0.42 s; the sample indexes (partial) and
the Chinese ones on empty vectors within noise. search/migrations/0009 keeps one repeated-lexeme
index per language (the marked twin, which answers the unfiltered tiers too) and the Chinese one
over the paragraphs with Chinese terms only: the paragraphs' COPY 5.48 -> 4.49 s. Then `ingest`
committed the calls together (INGEST_COMMIT_SECONDS, 1 s): 300 commits of 1.06 s became 10 of
0.72 s (each flushes the WAL of a second's rows) and 600 savepoints of 0.12 s. 2026-12-03, quiet
machine: parse+store 10.15 s, 3,400 paragraphs/s; parse ahead 3,651 paragraphs/s.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "motleyfool-json"
BENCH_DB = "callvault_bench_ingest"


def load_blob(name: str, data: bytes, max_bytes: int):
    """A corpus file parsed and placed, or None; module-level, for computed_ahead's workers."""
    from calls.ingestion import CallFacts, load_transcript
    from calls.parsing import TranscriptError, parse_transcript

    try:
        loaded = load_transcript(data, source_name=name, max_bytes=max_bytes)
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
        return load_transcript(data, source_name=name, max_bytes=max_bytes, facts=facts)
    except TranscriptError:
        return None  # still no year to settle it with: not imported, and counted as skipped


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=300, help="how many corpus files (default 300)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--dev-db", action="store_true", help="store into the dev database and keep the calls"
    )
    parser.add_argument(
        "--profile", action="store_true", help="time each step of storing, and PostgreSQL's share"
    )
    parser.add_argument("--no-layouts", action="store_true", help="skip the parse-alone table")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from calls.ingestion import computed_ahead, parse_workers
    from calls.services import call_import, stored_together

    if not args.no_layouts:
        report_layouts(ROOT.parent / "shared" / "corpus" / "layouts")

    paths = sorted(args.corpus.glob("*.txt"))[: args.n]
    if not paths:
        print(f"no transcripts in {args.corpus}", file=sys.stderr)
        return 1
    blobs = [(path.name, path.read_bytes()) for path in paths]  # disk reads are not what we measure
    calls = [(name, data, settings.TRANSCRIPT_MAX_BYTES) for name, data in blobs]

    started = time.perf_counter()
    loaded = [item for item in (load_blob(*arguments) for arguments in calls) if item is not None]
    parse_seconds = time.perf_counter() - started
    paragraphs = sum(item.transcript.paragraph_count for item in loaded)
    report("parse", len(blobs), paragraphs, parse_seconds)
    if len(loaded) < len(blobs):
        print(f"  ({len(blobs) - len(loaded)} files skipped: their period cannot be settled from the file)")

    def store_one(load) -> str | None:
        item = load()
        return None if item is None else call_import(loaded=item).status

    def store(label: str, workers: int, steps: Steps | None = None) -> None:
        started = time.perf_counter()
        statuses: dict[str, int] = {}
        with contextlib.closing(computed_ahead(load_blob, calls, workers=workers)) as loads:
            # Committed together as `ingest` commits them, each call a savepoint of its own.
            for outcomes in stored_together(loads, store_one):
                for status in filter(None, outcomes):
                    statuses[status] = statuses.get(status, 0) + 1
        seconds = time.perf_counter() - started
        report(label, len(blobs), paragraphs, seconds)
        print(f"  ({', '.join(f'{count} {status}' for status, count in sorted(statuses.items()))})")
        if steps is not None:
            steps.print(seconds, parse_seconds)

    if args.dev_db:
        store("parse+store", parse_workers())
        return 0
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = BENCH_DB
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        if args.profile:
            with Steps() as steps:
                store("parse+store", 0, steps)
            report_postgres(paragraphs)
        else:
            store("parse+store", 0)
        empty_archive()
        # What `ingest` does with a core to spare (parse_workers): here whatever the cores.
        store("parse ahead", 1)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


def empty_archive() -> None:
    """Every call, speaker and company gone (and the tables' sequences reset): a new archive."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE search_utterancetally, calls_utterance, calls_turn, calls_exchange, calls_call,"
            " calls_speaker, calls_company RESTART IDENTITY CASCADE"
        )


class Steps:
    """Wall time of each step of storing: every SQL statement by kind and table, COPY, commits."""

    TABLE = re.compile(r'\b(?:INTO|FROM|UPDATE|COPY)\s+"?(\w+)"?', re.IGNORECASE)

    def __init__(self) -> None:
        self.seconds: dict[str, list] = collections.defaultdict(lambda: [0, 0.0])
        self.restore: list = []

    def add(self, label: str, seconds: float) -> None:
        entry = self.seconds[label]
        entry[0] += 1
        entry[1] += seconds

    def timed(self, label, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(label(*args) if callable(label) else label, time.perf_counter() - started)

        return wrapper

    def __enter__(self):
        from django.db import connection

        from calls import services

        def statement(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                table = self.TABLE.search(sql)
                verb = sql.split(None, 1)[0].upper()
                if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
                    label = "SQL savepoints"
                else:
                    label = f"SQL {verb} {table.group(1) if table else ''}".strip()
                self.add(label, time.perf_counter() - started)

        def rows(function):
            # Made in full before their COPY here, to time the two apart (the import streams them).
            def made(*args, **kwargs):
                started = time.perf_counter()
                values = list(function(*args, **kwargs))
                self.add("Python: utterance rows (with Chinese terms)", time.perf_counter() - started)
                return values

            return made

        self.wrapper = connection.execute_wrapper(statement)
        self.wrapper.__enter__()
        originals = {
            "_copy_rows": services._copy_rows,
            "utterance_rows": services.utterance_rows,
        }
        services._copy_rows = self.timed(
            lambda model, *_: f"COPY {model._meta.db_table}", originals["_copy_rows"]
        )
        services.utterance_rows = rows(originals["utterance_rows"])
        self.restore = [(services, name, function) for name, function in originals.items()]
        self.commit = connection.commit
        connection.commit = self.timed("commit (WAL flush)", connection.commit)
        return self

    def __exit__(self, *exc):
        from django.db import connection

        for module, name, function in self.restore:
            setattr(module, name, function)
        connection.commit = self.commit
        self.wrapper.__exit__(*exc)

    def print(self, total: float, parse_seconds: float) -> None:
        measured = sum(seconds for _count, seconds in self.seconds.values())
        rows = sorted(self.seconds.items(), key=lambda item: -item[1][1])
        rows.append(("parse (timed alone above)", [0, parse_seconds]))
        rows.append(("Python: the rest (ORM, speakers, decisions)", [0, total - measured - parse_seconds]))
        print(f"  {'where parse+store went':<48} {'times':>6} {'s':>7} {'share':>6}")
        for label, (count, seconds) in rows:
            print(f"  {label:<48} {count or '':>6} {seconds:7.2f} {seconds / total:6.0%}")


def report_postgres(paragraphs: int) -> None:
    """PostgreSQL's own time for the paragraphs' rows: the stored ones inserted again, then undone.

    Each variant runs in a transaction rolled back (best of three), on the same server: what the
    rows cost as they are, without the GIN indexes, with GIN fastupdate off, and the two tsvector
    expressions of the generated columns computed alone (one core, no parallel workers).
    """
    from django.db import connection

    from calls.services import UTTERANCE_COLUMNS

    columns = ", ".join(column for column in UTTERANCE_COLUMNS if column != "position")
    again = (
        f"INSERT INTO calls_utterance (position, {columns})"
        f" SELECT position + 1000000, {columns} FROM calls_utterance"
    )
    english = "SELECT sum(length(to_tsvector('english', text))) FROM calls_utterance"
    chinese = "SELECT sum(length(to_tsvector('simple', cjk_terms))) FROM calls_utterance"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, am.amname = 'gin', x.indisunique FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam"
            " WHERE x.indrelid = 'calls_utterance'::regclass ORDER BY i.relname"
        )
        indexes = cursor.fetchall()
    gin = [name for name, is_gin, _unique in indexes if is_gin]
    searched = {"utterance_search_en", "utterance_search_zh"}  # the two a query without filters reads
    others = [name for name, is_gin, unique in indexes if not is_gin and not unique]

    def drop(names):
        return [f"DROP INDEX {name}" for name in names]

    variants = [
        ("INSERT of every paragraph again (as stored)", [], again),
        ("  the same, GIN fastupdate off", [f"ALTER INDEX {i} SET (fastupdate = off)" for i in gin], again),
        (f"  without the {len(gin) - 2} sample, repeat and marked GIN", drop(set(gin) - searched), again),
        (f"  without all {len(gin)} GIN indexes", drop(gin), again),
        ("  without any index but the unique ones", drop(gin + others), again),
        ("to_tsvector('english', text) alone", [], english),
        ("to_tsvector('simple', cjk_terms) alone", [], chinese),
        ("reading the rows alone", [], "SELECT sum(length(text)) FROM calls_utterance"),
    ]
    print(f"  {'PostgreSQL alone, ' + format(paragraphs, ',') + ' paragraphs':<48} {'s':>14} {'rows/s':>8}")
    with connection.cursor() as cursor:
        for label, before, sql in variants:
            best = float("inf")
            for _ in range(3):
                cursor.execute("BEGIN")
                try:
                    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                    for statement in before:
                        cursor.execute(statement)
                    started = time.perf_counter()
                    cursor.execute(sql)
                    best = min(best, time.perf_counter() - started)
                finally:
                    cursor.execute("ROLLBACK")
            print(f"  {label:<48} {best:14.2f} {paragraphs / best:8,.0f}")


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
