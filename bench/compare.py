"""Our first requests beside Datasette's: the same paragraphs, the same machine, the same run.

    .venv/bin/python bench/compare.py                 # export once, then time both (a few minutes)
    .venv/bin/python bench/compare.py --rounds 30
    .venv/bin/python bench/compare.py --database callvault_bench10m

The paragraphs of bench/search.py's benchmark database are exported once to SQLite (.bench/, one
file per database and row count) with an FTS5 index (porter stemming, as our English index stems)
and indexes on the six facet columns. Datasette (installed on first use into .bench/datasette-venv,
apart from our requirements) serves them, each search asking for the same six facets we show and
a page of 20 rows; Callvault runs under gunicorn with production settings and its caches off
(SEARCH_CACHE_ENTRIES=0, PAGE_CACHE_ENTRIES=0), so every request is a first request. Each timing
is a whole HTTP GET on a new connection, the three (our API, our page, Datasette's JSON) taken in
turn, round after round. Datasette's limits are raised so that its counts and facets are computed,
never cut off, and its facet suggestions are off: the work compared is the same.

Chinese has no Datasette column: FTS5's tokenizers do not segment it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import HOST, production_environment, start_gunicorn  # noqa: E402
from bench.search import BENCH_DB, build, percentile, queries, setup_django  # noqa: E402

WORK = ROOT / ".bench"
DATASETTE_VENV = WORK / "datasette-venv"
DATASETTE_VERSION = "0.65.5"
FACETS = ["company", "fiscal_year", "fiscal_quarter", "speaker", "role", "section"]
# How each band's query is written for Datasette: its default search mode quotes each word (all
# required, stemmed); raw mode takes FTS5's own syntax for OR and phrases.
RAW = {"two words OR": "pricing OR inflation", "phrase": '"gross margin"'}


def ensure_datasette() -> Path:
    executable = DATASETTE_VENV / "bin" / "datasette"
    if not executable.exists():
        print(f"installing Datasette {DATASETTE_VERSION} into {DATASETTE_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        subprocess.run(
            [str(DATASETTE_VENV / "bin" / "pip"), "install", "-q", f"datasette=={DATASETTE_VERSION}"],
            check=True,
        )
    return executable


def export(path: Path) -> None:
    """The benchmark's paragraphs as a SQLite table with an FTS5 index, written once."""
    from django.db import connection, transaction

    if path.exists():
        return
    print(f"exporting the paragraphs to {path} ...", flush=True)
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    database = sqlite3.connect(partial)
    database.executescript(
        """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE TABLE paragraphs (
            id INTEGER PRIMARY KEY, text TEXT NOT NULL, company TEXT NOT NULL,
            fiscal_year INTEGER NOT NULL, fiscal_quarter INTEGER NOT NULL, speaker TEXT,
            role TEXT NOT NULL, section TEXT NOT NULL
        );
        """
    )
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor(name="export") as cursor:
        cursor.itersize = 20_000
        cursor.execute(
            "SELECT u.id, u.text, c.slug, u.fiscal_year, u.fiscal_quarter, s.slug, u.role, u.section"
            " FROM calls_utterance u JOIN calls_company c ON c.id = u.company_id"
            " LEFT JOIN calls_speaker s ON s.id = u.speaker_id ORDER BY u.id"
        )
        while rows := cursor.fetchmany(20_000):
            database.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    database.executescript(
        "CREATE VIRTUAL TABLE paragraphs_fts USING fts5("
        "text, content='paragraphs', content_rowid='id', tokenize='porter unicode61');"
        "INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('rebuild');"
        + "".join(f"CREATE INDEX paragraphs_{name} ON paragraphs ({name});" for name in FACETS)
        + "ANALYZE;"
    )
    database.commit()
    database.close()
    partial.rename(path)
    print(f"  exported in {time.perf_counter() - started:.0f}s ({path.stat().st_size / 2**30:.1f} GB)")


def start_datasette(executable: Path, path: Path, port: int) -> subprocess.Popen:
    metadata = WORK / "datasette-metadata.json"
    metadata.write_text(
        json.dumps({"databases": {path.stem: {"tables": {"paragraphs": {"fts_table": "paragraphs_fts"}}}}})
    )
    process = subprocess.Popen(
        [
            str(executable),
            "serve",
            "--immutable",
            str(path),
            "--host",
            HOST,
            "--port",
            str(port),
            "--metadata",
            str(metadata),
            "--setting",
            "sql_time_limit_ms",
            "60000",
            "--setting",
            "facet_time_limit_ms",
            "60000",
            "--setting",
            "suggest_facets",
            "off",
            "--setting",
            "default_facet_size",
            "10",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if _get(port, "/-/versions.json")[0] == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("Datasette did not answer within 120 s")


def datasette_path(database: str, label: str, params: dict) -> str | None:
    """The Datasette request of a band: the same search and filters, the six facets, 20 rows."""
    if label == "chinese":
        return None
    query = [("_facet", name) for name in FACETS] + [("_size", "20")]
    if params.get("q"):
        if label in RAW:
            query += [("_search", RAW[label]), ("_searchmode", "raw")]
        else:
            query.append(("_search", params["q"]))
    names = {"company": "company", "role": "role", "year": "fiscal_year", "section": "section"}
    query += [(names[name], value) for name, value in params.items() if name in names]
    return f"/{database}/paragraphs.json?{urlencode(query)}"


def _get(port: int, path: str) -> tuple[int, bytes]:
    """A whole GET on a new connection, as a visitor's first request makes."""
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        connection.request("GET", path, headers={"Host": HOST})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def check_datasette(port: int, path: str) -> None:
    """Datasette's answer is complete: its count, every facet asked for, and rows."""
    status, body = _get(port, path)
    answer = json.loads(body) if status == 200 else {}
    if (
        answer.get("filtered_table_rows_count") is None
        or answer.get("facets_timed_out")
        or set(answer.get("facet_results", {})) != set(FACETS)
    ):
        raise SystemExit(f"Datasette's answer to {path} is incomplete: {body[:300]!r}")


def timed(port: int, path: str) -> float:
    started = time.perf_counter()
    status, body = _get(port, path)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database", default=BENCH_DB)
    parser.add_argument("--utterances", type=int, default=1_000_000, help="built if the database has fewer")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--only", default="", help="the bands whose label has this")
    args = parser.parse_args()

    setup_django(os.environ.get("BENCH_DATABASE_URL"), args.database)
    build(args.utterances, 0.3)
    from django.db import connection

    from calls.models import Utterance

    paragraphs = Utterance.objects.count()
    WORK.mkdir(exist_ok=True)
    sqlite_path = WORK / f"{args.database}-{paragraphs}.db"
    export(sqlite_path)
    bands = [(label, params) for label, params in queries() if args.only in label]
    connection.close()

    datasette = start_datasette(ensure_datasette(), sqlite_path, args.port + 1)
    environment = production_environment(os.environ["DATABASE_URL"])
    environment.update(SEARCH_CACHE_ENTRIES="0", PAGE_CACHE_ENTRIES="0")
    server = start_gunicorn(environment, args.port, workers=2, threads=1)
    try:
        print(
            f"\n{paragraphs:,} paragraphs; {args.rounds} rounds; whole HTTP GETs, a new connection each;"
            f" {os.cpu_count()} CPUs\nCallvault: gunicorn, 2 workers, production settings, caches off;"
            f" Datasette {DATASETTE_VERSION}, SQLite {sqlite3.sqlite_version}, FTS5\n"
        )
        print(
            f"{'band':<19}{'api p50':>9}{'p95':>7}{'page p50':>10}{'p95':>7}{'datasette':>11}{'p95':>7}"
            f"{'api/ds':>8}{'page/ds':>8}"
        )
        for label, params in bands:
            ours_api, ours_page, theirs = [], [], []
            theirs_path = datasette_path(sqlite_path.stem, label, params)
            api_path, page_path = f"/api/search/?{urlencode(params)}", f"/search/?{urlencode(params)}"
            # Twice each beforehand (each worker once): the databases' own caches warm, as on a
            # running site; and Datasette's answer checked to hold what ours does.
            for _ in range(2):
                timed(args.port, api_path)
                timed(args.port, page_path)
            if theirs_path:
                check_datasette(args.port + 1, theirs_path)
            for _ in range(args.rounds):
                ours_api.append(timed(args.port, api_path))
                ours_page.append(timed(args.port, page_path))
                if theirs_path:
                    theirs.append(timed(args.port + 1, theirs_path))
            api95, page95 = percentile(ours_api, 0.95), percentile(ours_page, 0.95)
            line = (
                f"{label:<19}{statistics.median(ours_api):>9.1f}{api95:>7.1f}"
                f"{statistics.median(ours_page):>10.1f}{page95:>7.1f}"
            )
            if theirs:
                their95 = percentile(theirs, 0.95)
                line += (
                    f"{statistics.median(theirs):>11.1f}{their95:>7.1f}"
                    f"{api95 / their95:>8.2f}{page95 / their95:>8.2f}"
                )
            else:
                line += f"{'—':>11}"
            print(line, flush=True)
    finally:
        server.terminate()
        datasette.terminate()
        server.wait(timeout=30)
        datasette.wait(timeout=30)


if __name__ == "__main__":
    main()
