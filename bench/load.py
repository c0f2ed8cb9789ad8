"""Load: gunicorn with production settings over the benchmark archive, at 1, 8 and 32 clients,
while an import runs.

    .venv/bin/python bench/load.py                        # 1M paragraphs (builds once, as bench/search.py)
    .venv/bin/python bench/load.py --utterances 100000    # a quicker run on a smaller archive
    .venv/bin/python bench/load.py --seconds 30 --clients 1 8 32 64

A bounded threaded client (127.0.0.1 only; each level stops after --seconds or --max-requests)
sends a fixed mix: searches (words, phrases, Chinese, exclusions), a facet picked, the next page,
the JSON API, company pages, whole calls and single exchanges. Meanwhile corpus files are stored
as `manage.py ingest` stores them (committed together, a second's worth at a time), under
companies of their own. Each level runs twice: with every
client sending its next request as soon as it is answered (the most the machine serves), then
with the clients together paced at --paced-shares of that rate (the machine busy, not overrun).
It prints, per level: clients, pace, requests, errors (no answer), 5xx, p50, p95, requests per
second, and p50/p95 per kind of request.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search import CORPUS, build, percentile, setup_django  # noqa: E402

HOST = "127.0.0.1"  # never anything else: this sends real load
IMPORTED_PREFIX = "Loadtest "  # the companies the import meanwhile stores its calls under

WORDS = [
    "margin", "revenue", "guidance", "supply chain", "inflation", "customers", "pricing", "backlog",
    "dividend", "free cash flow", "headwinds", "demand", "inventory", "operating leverage",
]  # fmt: skip
QUERIES = [
    *WORDS,
    '"gross margin"',
    '"supply chain" -inflation',
    "margin OR pricing",
    "毛利率",
    "營收 成長",
    "cash -debt",
]


def mix(sample: dict) -> list[tuple[str, int]]:
    """(path, weight): what readers do most, searching, weighs most."""
    rng = random.Random(3)
    paths = []
    for q in QUERIES:
        paths.append((f"/search/?{urlencode({'q': q})}", 6))
        paths.append((f"/api/search/?{urlencode({'q': q})}", 3))
        paths.append((f"/search/?{urlencode({'q': q, 'page': 2})}", 1))
        paths.append((f"/search/?{urlencode({'q': q, 'section': 'qa', 'role': 'analyst'})}", 2))
        company = rng.choice(sample["companies"])
        paths.append((f"/search/?{urlencode({'q': q, 'company': company})}", 2))
        paths.append((f"/api/search/?{urlencode({'q': q, 'lang': 'zh'})}", 1))
    paths.append(("/search/", 2))
    paths.append(("/", 2))
    paths.append(("/companies/", 1))
    paths += [(f"/companies/{slug}/", 1) for slug in sample["companies"][:10]]
    paths += [(url, 2) for url in sample["calls"]]
    paths += [(url, 2) for url in sample["exchanges"]]
    return paths


def sample_urls(count: int = 20) -> dict:
    from calls.models import Call, Company, Exchange

    rng = random.Random(5)
    slugs = list(Company.objects.values_list("slug", flat=True)[:500])
    call_ids = list(Call.objects.values_list("id", flat=True))
    calls = Call.objects.select_related("company").filter(
        id__in=rng.sample(call_ids, min(count, len(call_ids)))
    )
    exchanges = Exchange.objects.select_related("call__company").filter(call__in=calls, number=1)
    return {
        "companies": rng.sample(slugs, min(count, len(slugs))),
        "calls": [c.get_absolute_url() for c in calls],
        "exchanges": [e.get_absolute_url() for e in exchanges],
    }


def worker_memory_mb(master_pid: int) -> list[float]:
    """The resident memory of each of gunicorn's workers (the master's children), in MB."""
    import psutil  # a dependency of pgserver

    workers = psutil.Process(master_pid).children()
    return sorted(worker.memory_info().rss / 2**20 for worker in workers)


def production_environment(database_url: str) -> dict:
    environment = dict(os.environ)
    environment.update(
        DEBUG="0",
        SECRET_KEY="load-test-only-" + "x" * 40,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
    )
    return environment


def start_gunicorn(environment: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/companies/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


class Importer(threading.Thread):
    """Imports corpus files one after another in one process, as `manage.py ingest` over a folder
    would, until told to stop. One process: an `ingest` started per file spent a second of CPU on
    starting Python and Django for a tenth of a second of importing."""

    def __init__(self, environment: dict):
        super().__init__(daemon=True)
        self.environment = environment
        self.files = self.failed = 0
        self.process: subprocess.Popen | None = None

    def run(self):
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--import-worker"],
            cwd=ROOT,
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for line in self.process.stdout:
            self.files += 1
            self.failed += line.strip() != "ok"

    def stop(self):
        if self.process is not None:
            self.process.terminate()  # mid-call at worst: that call's transaction rolls back
            self.process.wait(timeout=60)


def import_worker() -> None:
    """The importer's process: corpus files stored as `manage.py ingest` stores them (committed
    together, calls.services.stored_together), each under a company and period of its own (the
    benchmark's copies share the corpus's tickers); prints "ok" or "failed" per file once its
    transaction has committed."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.db import DatabaseError

    from calls.ingestion import CallFacts, load_transcript_file
    from calls.parsing import TranscriptError
    from calls.services import call_import, stored_together

    files = sorted(p for p in CORPUS.glob("*.txt") if "_q4_" not in p.name)
    stamp = int(time.time()) % 100000
    # Round after round, until stopped: the import runs through every level, however long.
    numbered = enumerate(itertools.chain.from_iterable(itertools.repeat(files)))

    def store(numbered_path) -> str:
        number, path = numbered_path
        facts = CallFacts(
            company=f"{IMPORTED_PREFIX}{stamp} {number}",
            ticker=f"L{stamp}{number}",
            fiscal_year=2031,
            fiscal_quarter=1,
        )
        try:
            loaded = load_transcript_file(path, max_bytes=settings.TRANSCRIPT_MAX_BYTES, facts=facts)
            call_import(loaded=loaded)  # a savepoint: a refused call leaves the others
        except (TranscriptError, DatabaseError):
            return "failed"
        return "ok"

    for outcomes in stored_together(numbered, store):
        for outcome in outcomes:
            print(outcome, flush=True)


def run_level(
    port: int,
    paths: list[tuple[str, int]],
    clients: int,
    seconds: float,
    max_requests: int,
    rate: float | None = None,
):
    """`clients` clients sending the mix: each as fast as it is answered, or, with `rate`, together
    about `rate` requests per second (each client's requests at random, Poisson intervals). A paced
    request's time counts from when it was due, not from when it was sent, so a server that falls
    behind shows in the latencies instead of slowing the clients down (coordinated omission)."""
    population = [path for path, _ in paths]
    weights = [weight for _, weight in paths]
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {}
    counts = {"requests": 0, "errors": 0, "5xx": 0}
    failures: dict[str, int] = {}  # what each error was: an exception's name, or status and kind
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(seed: int):
        rng = random.Random(seed)
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        due = time.perf_counter() + (rng.expovariate(rate / clients) if rate else 0)
        while time.monotonic() < deadline:
            with lock:
                if counts["requests"] >= max_requests:
                    return
                counts["requests"] += 1
            path = rng.choices(population, weights)[0]
            if rate:
                time.sleep(max(0.0, due - time.perf_counter()))
                started, due = due, due + rng.expovariate(rate / clients)
            else:
                started = time.perf_counter()
            try:
                status = _get(connection, path)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed the kept-alive connection while this client was idle (gunicorn
                # keeps one open for 2 s): a browser sends the request again on a new one.
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                try:
                    status = _get(connection, path)
                except (OSError, http.client.HTTPException) as error:
                    status = type(error).__name__
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
            if isinstance(status, str):
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                with lock:
                    counts["errors"] += 1
                    failures[status] = failures.get(status, 0) + 1
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                by_kind.setdefault(kind(path), []).append(elapsed)
                if status >= 500:
                    counts["5xx"] += 1
                elif status >= 400:
                    counts["errors"] += 1
                if status >= 400:
                    failures[f"{status} {kind(path)}"] = failures.get(f"{status} {kind(path)}", 0) + 1
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    return {
        "clients": clients,
        **counts,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95": percentile(latencies, 0.95) * 1000 if latencies else float("nan"),
        "rps": len(latencies) / wall,
        "rate": rate,
        "by_kind": by_kind,
        "failures": failures,
    }


def _get(connection: http.client.HTTPConnection, path: str) -> int:
    connection.request("GET", path, headers={"Host": HOST})
    response = connection.getresponse()
    response.read()
    return response.status


def kind(path: str) -> str:
    """A request's kind for the breakdown: its page and the names of its parameters."""
    page, _, query = path.partition("?")
    if page.startswith("/calls/"):
        page = "/calls/<call>/qa/<n>/" if "/qa/" in page else "/calls/<call>/"
    elif page.startswith("/companies/") and page != "/companies/":
        page = "/companies/<slug>/"
    names = sorted({pair.split("=")[0] for pair in query.split("&") if pair})
    return page + (f"?{'&'.join(names)}" if names else "")


def forget_imported() -> None:
    """The calls an import of this script stored removed (its "Loadtest" companies), before and
    after a run: each run measures the archive bench/search.py built, not one grown by the last."""
    from django.db import connection

    from calls.models import Company
    from calls.services import companies_delete

    imported = list(Company.objects.filter(name__startswith=IMPORTED_PREFIX).values_list("pk", flat=True))
    if not imported:
        return
    started = time.perf_counter()
    companies_delete(company_ids=imported)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE calls_utterance")
    seconds = time.perf_counter() - started
    print(
        f"removed the {len(imported):,} companies an import of load.py left, in {seconds:.0f} s", flush=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--utterances", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=20, help="per level")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per level")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-import", action="store_true", help="no import running meanwhile")
    parser.add_argument("--import-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--paced-shares",
        type=float,
        nargs="*",
        default=[0.7, 0.4],
        help="after each client count as fast as answered, the same count paced at these shares of"
        " the requests per second it was answered at (none: skip)",
    )
    args = parser.parse_args()
    if args.import_worker:
        import_worker()
        return

    setup_django(os.environ.get("BENCH_DATABASE_URL"))
    build(args.utterances, 0.3)
    from django.db import connection

    from calls.models import Utterance

    forget_imported()

    database_url = os.environ["DATABASE_URL"]
    paragraphs = Utterance.objects.count()
    paths = mix(sample_urls())
    connection.close()
    environment = production_environment(database_url)
    server = start_gunicorn(environment, args.port, args.workers, args.threads)
    importer = Importer(environment)
    try:
        # Warm each worker's connections and caches a little, as a running site would be.
        run_level(args.port, paths, 4, 3, 200)
        if not args.no_import:
            importer.start()
        rows = [run_level(args.port, paths, n, args.seconds, args.max_requests) for n in args.clients]
        # What readers see when the server is busy but not overrun: the same clients, paced at
        # shares of what they were answered at.
        most = {row["clients"]: row["rps"] for row in rows}
        rows += [
            run_level(args.port, paths, n, args.seconds, args.max_requests, rate=share * most[n])
            for n in args.clients
            for share in args.paced_shares
        ]
        workers_mb = worker_memory_mb(server.pid)
    finally:
        importer.stop()
        server.terminate()
        server.wait(timeout=30)
        if importer.is_alive():
            importer.join(timeout=120)
        forget_imported()
    print(
        f"\n{paragraphs:,} paragraphs; gunicorn {args.workers} workers x {args.threads} threads, production"
        f" settings; {importer.files} files imported meanwhile ({importer.failed} failed)"
    )
    print(
        f"{'clients':>7} {'paced at':>9} {'requests':>9} {'errors':>7} {'5xx':>5} {'p50 ms':>8}"
        f" {'p95 ms':>8} {'req/s':>7}"
    )
    for row in rows:
        paced = f"{row['rate']:.0f}/s" if row["rate"] else "-"
        print(
            f"{row['clients']:>7} {paced:>9} {row['requests']:>9} {row['errors']:>7} {row['5xx']:>5}"
            f" {row['p50']:>8.0f} {row['p95']:>8.0f} {row['rps']:>7.1f}"
        )
    print(f"web workers' resident memory after the run: {', '.join(f'{mb:.0f}' for mb in workers_mb)} MB")
    print(
        "paced at '-': each client sends its next request as soon as it is answered (the most the"
        " server answers);\notherwise the clients together send that many requests per second, timed"
        " from when each was due."
    )
    failures: dict[str, int] = {}
    for row in rows:
        for name, count in row["failures"].items():
            failures[name] = failures.get(name, 0) + count
    if failures:
        print("\nerrors and 5xx, all levels together:")
        for name, count in sorted(failures.items(), key=lambda item: -item[1]):
            print(f"  {count:>6}  {name}")
    print("\nby kind of request, all levels together (the slowest first):")
    kinds: dict[str, list[float]] = {}
    for row in rows:
        for name, values in row["by_kind"].items():
            kinds.setdefault(name, []).extend(values)
    table = sorted(kinds.items(), key=lambda item: -percentile(item[1], 0.95))
    for name, values in table:
        p50, p95 = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
        print(f"  {name:<40} {len(values):>6} requests  p50 {p50:>6.0f} ms  p95 {p95:>6.0f} ms")


if __name__ == "__main__":
    main()
