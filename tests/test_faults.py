"""Faults with a real PostgreSQL that really stops: mid-import, and under a running server.

Each test has a server of its own (tests/embedded.py), stopped with pg_ctl while a real `manage.py
ingest` or gunicorn process uses it.
"""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.archive import ROOT, SAMPLES
from tests.embedded import DedicatedServer

CORPUS = ROOT.parent / "shared" / "corpus" / "motleyfool-json"


@pytest.fixture(scope="module")
def server():
    server = DedicatedServer()
    try:
        server.manage("migrate", "--noinput")
        yield server
    finally:
        server.close()


def stored_calls(server) -> dict[str, tuple[int, int, int]]:
    """Each stored call's URL path and its paragraph, turn and exchange counts."""
    rows = server.sql(
        """
        SELECT company.slug, call.fiscal_year, call.fiscal_quarter,
               (SELECT count(*) FROM calls_utterance u WHERE u.call_id = call.id),
               (SELECT count(*) FROM calls_turn t WHERE t.call_id = call.id),
               (SELECT count(*) FROM calls_exchange e WHERE e.call_id = call.id)
        FROM calls_call call JOIN calls_company company ON company.id = call.company_id
        """
    )
    return {f"/calls/{slug}/{year}-q{quarter}/": counts for slug, year, quarter, *counts in rows}


def corpus_files(count: int) -> list:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the checkout")
    # Q4 files are named by the year they were held and refused as period conflicts (README).
    return sorted(p for p in CORPUS.glob("*.txt") if "_q4_" not in p.name)[:count]


def test_database_stopped_mid_import_leaves_no_half_call_and_the_rerun_completes(server):
    files = [*corpus_files(10), SAMPLES]
    ingest = subprocess.Popen(
        [sys.executable, "manage.py", "ingest", "--json", *map(str, files)],
        cwd=ROOT,
        # Calls committed two at a time: the stop comes with a transaction of several in flight.
        env=server.env(INGEST_COMMIT_FILES="2", INGEST_COMMIT_SECONDS="600"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Stop the server the moment a few calls are in: the import is then inside another call.
        deadline = time.monotonic() + 120
        while server.sql("SELECT count(*) FROM calls_call")[0][0] < 2:
            assert ingest.poll() is None, "the import ended before the database could be stopped"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        server.stop("immediate")
        out, err = ingest.communicate(timeout=120)
    finally:
        if ingest.poll() is None:
            ingest.kill()
    assert ingest.returncode != 0, err[-2000:]

    server.start()
    before = stored_calls(server)
    assert 2 <= len(before) < 14, before
    # What the broken run reported stored is exactly what is stored: nothing reported before its
    # transaction committed, nothing committed left unreported.
    broken = [json.loads(line) for line in out.splitlines() if line.strip()]
    reported = {"/" + r["url"].split("://", 1)[-1].split("/", 1)[-1] for r in broken if "status" in r}
    assert reported == set(before), (reported, set(before))

    rerun = server.manage("ingest", "--json", *files)
    reports = [json.loads(line) for line in rerun.stdout.splitlines() if line.strip()]
    assert all("error" not in r for r in reports), [r for r in reports if "error" in r]
    after = stored_calls(server)
    # Every call is whole: what the parse of its file counts, and nothing from the broken run differs.
    expected = {r["url"].split("://", 1)[-1].split("/", 1)[-1]: r for r in reports}
    expected = {"/" + path: r for path, r in expected.items()}
    assert set(after) == set(expected)
    for url, (paragraphs, turns, exchanges) in after.items():
        report = expected[url]
        assert (paragraphs, turns, exchanges) == (
            report["paragraphs"],
            report["turns"],
            len(report["exchanges"]),
        ), url
    for url, counts in before.items():
        assert after[url] == counts, f"{url} was stored in part before the database stopped"
    statuses = {r["status"] for r in reports}
    assert statuses <= {"created", "unchanged"}, statuses
    assert sum(r["status"] == "unchanged" for r in reports) == len(before)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


@pytest.fixture
def gunicorn(server):
    port = free_port()
    # DEBUG on only to serve static files without collectstatic; errors go through the same middleware.
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=server.env(DEBUG="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(base + "/")
                break
            except OSError:
                assert process.poll() is None, process.stderr.read()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_running_server_serves_again_after_the_database_restarts(server, gunicorn):
    base, process = gunicorn
    urls = [base + "/api/search/?q=margin", base + "/companies/", base + "/search/?q=revenue"]
    # Warm both workers' persistent connections (CONN_MAX_AGE=60): they are what a restart breaks.
    for _ in range(8):
        for url in urls:
            assert get(url)[0] == 200

    server.stop("fast")
    status, content_type, body = get(urls[0])
    assert (status, content_type) == (503, "application/json"), body[:500]
    assert "unavailable" in json.loads(body)["error"]
    status, content_type, body = get(urls[1])
    assert status == 503 and b"The archive is unavailable" in body

    server.start()
    # The same gunicorn, never restarted: every request after the database is back is answered.
    statuses = [get(url)[0] for _ in range(8) for url in urls]
    assert statuses == [200] * len(statuses)
    assert process.poll() is None
