"""Export speed and memory: a 100,000-row /search/export.csv (and .jsonl), streamed by one worker.

    .venv/bin/python bench/export.py                  # build the benchmark database if needed, measure
    .venv/bin/python bench/export.py --rows 200000    # a larger export (the database grows to hold it)

Uses bench/search.py's benchmark database (callvault_bench: the motleyfool corpus copied under
invented companies and periods until it holds enough paragraphs). Each export runs in a fresh
Python process, the worker, which makes the whole GET request with Django's test client and reads
the streamed response piece by piece, as a WSGI server would send it; it reports rows per second
and its resident memory (RSS) before the request, sampled while streaming, and at its peak
(VmHWM). Exports of different sizes peaking at the same RSS show that memory does not grow
with the rows.

    .venv/bin/python bench/export.py --trend --utterances 1000000   # the mention trend's time instead

times GET /api/search/trend/ for a common word, each split, the search cache emptied first (the
deliberate, exact count) and then again (remembered under the data version).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search import build, setup_django  # noqa: E402


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    """This process's peak resident memory, in MB: VmHWM, which (unlike getrusage's ru_maxrss, kept
    across exec) starts again in every new program, so the parent's building does not count."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def worker(path: str, params: dict) -> dict:
    """One export, streamed and counted here: the worker's side of the measurement."""
    setup_django(os.environ.get("BENCH_DATABASE_URL"))
    from django.test import Client

    client = Client()
    client.get("/api/search/", {"q": "warm"})  # imports, URL resolution, a first connection
    before = rss_mb()
    samples, rows, size = [], 0, 0
    started = time.perf_counter()
    response = client.get(path, params)
    assert response.status_code == 200, response.status_code
    first = None
    for piece in response.streaming_content:
        if first is None:
            first = time.perf_counter() - started
        size += len(piece)
        # Rows, not lines: a CSV cell may hold a newline; the JSONL lines are rows.
        rows += piece.count(b"\n") if path.endswith(".jsonl") else piece.count(b"/#p")
        if len(samples) < rows // 10_000:
            samples.append(round(rss_mb(), 1))
    response.close()
    seconds = time.perf_counter() - started
    return {
        "path": path,
        "params": params,
        "rows": rows,
        "megabytes": round(size / 2**20, 1),
        "seconds": round(seconds, 2),
        "first_piece_seconds": round(first or 0, 2),
        "rows_per_second": round(rows / seconds),
        "rss_before_mb": round(before, 1),
        "rss_every_10k_rows_mb": samples,
        "peak_rss_mb": round(peak_mb(), 1),
    }


def run_worker(path: str, params: dict) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--worker", path, json.dumps(params)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def companies_for(rows: int) -> tuple[list[str], int]:
    """Companies (by slug) that together hold at least `rows` paragraphs, and how many they hold."""
    from django.db.models import Sum

    from search.models import UtteranceTally

    slugs, held = [], 0
    per_company = (
        UtteranceTally.objects.values("company__slug").annotate(n=Sum("utterances")).order_by("company__slug")
    )
    for row in per_company:
        slugs.append(row["company__slug"])
        held += row["n"]
        if held >= rows:
            break
    return slugs, held


def measure_trend(rounds: int) -> None:
    import statistics

    from django.db import connection
    from django.test import Client

    from calls.models import Utterance
    from search.cache import forget_all

    client = Client()
    print(f"\n{Utterance.objects.count():,} paragraphs; GET /api/search/trend/, {rounds} rounds each\n")
    print(
        f"{'trend':<34}{'matches':>10}{'buckets':>9}{'first p50':>11}{'max':>8}"
        f"{'again p50':>11}{'queries':>9}"
    )
    for label, params in [
        ("common word", {"q": "quarter"}),
        ("common word, by role", {"q": "quarter", "split": "role"}),
        ("common word, by company", {"q": "quarter", "split": "company"}),
        ("common word, by year, per call", {"q": "quarter", "by": "year", "per_call": "1"}),
        ("phrase, by role", {"q": '"gross margin"', "split": "role"}),
        ("no query, by company", {"split": "company"}),
    ]:
        client.get("/api/search/trend/", params)  # the database's own caches warm, once
        first, again = [], []
        for _ in range(rounds):
            forget_all()
            started = time.perf_counter()
            data = client.get("/api/search/trend/", params).json()
            first.append((time.perf_counter() - started) * 1000)
            connection.queries_log.clear()
            started = time.perf_counter()
            client.get("/api/search/trend/", params)
            again.append((time.perf_counter() - started) * 1000)
        print(
            f"{label:<34}{data['total']:>10,}{len(data['buckets']):>9}{statistics.median(first):>11.0f}"
            f"{max(first):>8.0f}{statistics.median(again):>11.1f}{len(connection.queries):>9}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--trend", action="store_true", help="time the mention trend instead")
    parser.add_argument("--utterances", type=int, default=0, help="grow the database to this size first")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--worker", nargs=2, metavar=("PATH", "PARAMS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], json.loads(args.worker[1]))))
        return
    setup_django(os.environ.get("BENCH_DATABASE_URL"))
    from calls.models import Utterance

    build(max(args.rows, 100_000, args.utterances), 0.3)
    if args.trend:
        from django.conf import settings

        settings.DEBUG = True  # keeps the query log, for the queries column
        measure_trend(args.rounds)
        return
    load = os.getloadavg()[0]
    print(
        f"\n{Utterance.objects.count():,} paragraphs in the benchmark database; {os.cpu_count()} CPUs,"
        f" load average {load:.1f};"
        " one worker process per export\n"
    )
    companies, held = companies_for(args.rows)
    quarter, quarter_held = companies_for(args.rows // 4)
    runs = [
        ("csv, a quarter as many", "/search/export.csv", {"company": quarter}),
        ("csv", "/search/export.csv", {"company": companies}),
        ("jsonl", "/search/export.jsonl", {"company": companies}),
        ("csv, common word, ranked", "/search/export.csv", {"q": "quarter"}),
    ]
    print(
        f"{'export':<26}{'rows':>10}{'MB':>8}{'s':>8}{'rows/s':>10}{'1st piece':>10}"
        f"{'RSS before':>12}{'peak RSS':>10}"
        "  RSS every 10k rows"
    )
    for label, path, params in runs:
        result = run_worker(path, params)
        print(
            f"{label:<26}{result['rows']:>10,}{result['megabytes']:>8}{result['seconds']:>8}"
            f"{result['rows_per_second']:>10,}{result['first_piece_seconds']:>10}{result['rss_before_mb']:>12}{result['peak_rss_mb']:>10}"
            f"  {result['rss_every_10k_rows_mb']}"
        )
    print(
        f"\n(the first {len(companies)} companies by slug: {held:,} paragraphs;"
        f" the first {len(quarter)}: {quarter_held:,})"
    )


if __name__ == "__main__":
    main()
