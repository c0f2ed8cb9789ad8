"""The embedded PostgreSQL stops when the last process using it exits, even when another was killed.

Real processes (`manage.py check`, which starts the server through settings) on a data folder of
the test's own; whether the server runs is read from its postmaster.pid and the process table.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from tests.archive import ROOT


@pytest.fixture(scope="module")
def data_dir():
    folder = Path(tempfile.mkdtemp(prefix="callvault-embedded-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    if server_running(folder):
        manage(folder, "embedded_db", "stop")
    shutil.rmtree(folder, ignore_errors=True)


def manage(data_dir: Path, *args, **popen) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["CALLVAULT_PGDATA"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def server_running(data_dir: Path) -> bool:
    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().split()[0])
    return psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE


def wait_until(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_the_server_stops_when_its_only_user_exits(data_dir):
    result = manage(data_dir, "check")
    assert result.returncode == 0, result.stderr
    assert (data_dir / "PG_VERSION").exists()  # it was started (created, even)
    wait_until(lambda: not server_running(data_dir), 10)


def test_a_killed_user_does_not_keep_the_server_running_for_ever(data_dir):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["CALLVAULT_PGDATA"] = str(data_dir)
    holder = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", "import time; time.sleep(120)"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: server_running(data_dir) and str(holder.pid) in users_file(data_dir), 60)
        holder.send_signal(signal.SIGKILL)  # no exit handler runs: its pid stays on pgserver's list
        holder.wait(timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
    assert server_running(data_dir)
    # The next process to come and go is the last user alive: it stops the server.
    assert manage(data_dir, "check").returncode == 0
    wait_until(lambda: not server_running(data_dir), 10)


def test_one_command_stops_it_while_it_is_in_use(data_dir):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["CALLVAULT_PGDATA"] = str(data_dir)
    holder = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", "import time; time.sleep(120)"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: server_running(data_dir) and str(holder.pid) in users_file(data_dir), 60)
        result = manage(data_dir, "embedded_db", "stop")
        assert result.returncode == 0, result.stderr
        assert "stopped" in result.stdout
        assert not server_running(data_dir)
    finally:
        holder.terminate()
        holder.wait(timeout=30)
    assert not server_running(data_dir)


def users_file(data_dir: Path) -> str:
    path = data_dir / ".handle_pids.json"
    return path.read_text() if path.exists() else ""
