"""`manage.py ingest` losing its database: it stops at once, says so, and lists what was stored.

Real databases, no mocks: a closed port, and an embedded PostgreSQL of its own killed mid-run.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.archive import ROOT, SAMPLES

FILES = sorted(SAMPLES.glob("*.txt"))


def manage(*args, env: dict, **kwargs):
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free once closed: nothing listens there


def check_stopped(reports: list[dict], stderr: str, returncode: int, *, stored: list[str]):
    assert returncode != 0
    assert [report["file"] for report in reports] == [str(path) for path in FILES]
    assert [report["file"] for report in reports if "status" in report] == stored
    failed = [report for report in reports if "error" in report]
    # The first failure says why; the files after it were not tried (nothing hangs or repeats).
    assert failed[0]["error"].startswith("the database is unreachable")
    assert {report["error"] for report in failed[1:]} <= {"not imported: the database is unreachable"}
    assert "refused the call" not in stderr
    assert "CommandError: stopped: the database is unreachable (" in stderr
    summary = stderr[stderr.index("stopped: the database is unreachable") :]
    for name in stored:
        assert f"  stored {name}" in summary
    for report in failed:
        assert f"  not stored {report['file']}" in summary
    if not stored:
        assert "  stored nothing" in summary


def test_a_database_that_is_not_there_stops_the_run_at_the_first_file():
    url = f"postgresql://callvault@127.0.0.1:{closed_port()}/callvault"
    process = manage("ingest", "--json", *map(str, FILES), env={"DATABASE_URL": url})
    stdout, stderr = process.communicate(timeout=120)
    reports = [json.loads(line) for line in stdout.splitlines()]
    check_stopped(reports, stderr, process.returncode, stored=[])


def test_a_database_lost_mid_run_stops_it_after_the_files_stored():
    with tempfile.TemporaryDirectory(prefix="callvault-lost-") as folder:
        # Two files a transaction: the kill comes while the next two are being stored together.
        env = {
            "CALLVAULT_PGDATA": str(Path(folder) / "pgdata"),
            "DATABASE_URL": "",
            "INGEST_COMMIT_FILES": "2",
            "INGEST_COMMIT_SECONDS": "600",  # two files, however slow the first one is
        }
        migrated = manage("migrate", "--no-input", env=env)
        _out, err = migrated.communicate(timeout=300)
        assert migrated.returncode == 0, err
        process = manage("ingest", "--json", *map(str, FILES), env=env)
        try:
            first = json.loads(process.stdout.readline())
            assert first["status"] == "created", first
            # Killed the way a crash or a lost host looks: immediate shutdown, no goodbye.
            postmaster = int((Path(env["CALLVAULT_PGDATA"]) / "postmaster.pid").read_text().split()[0])
            os.kill(postmaster, signal.SIGQUIT)
            rest, stderr = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
        reports = [first, *(json.loads(line) for line in rest.splitlines())]
        stored = [report["file"] for report in reports if "status" in report]
        assert stored[:2] == [str(FILES[0]), str(FILES[1])]
        assert len(stored) < len(FILES), "every file was stored before the database went"
        check_stopped(reports, stderr, process.returncode, stored=stored)
        time.sleep(0.5)  # the killed server's last processes exit before the folder goes


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
