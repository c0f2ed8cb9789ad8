"""A PostgreSQL of a test's own, which the test can stop and start (the fault and backup tests).

It is an embedded `pgserver` in a fresh folder under /tmp, its data dir owned by pgserver's system
user as usual. The processes the test starts reach it through DATABASE_URL, so none of them takes a
part in its lifetime; `close()` stops it and removes the folder.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from tests.archive import ROOT


class DedicatedServer:
    def __init__(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver
            from pgserver.postgres_server import PostgresServer

        self._lock = PostgresServer._lock
        self.folder = Path(tempfile.mkdtemp(prefix="callvault-pg-", dir="/tmp"))
        self.folder.chmod(0o755)
        self.server = pgserver.get_server(self.folder, cleanup_mode="stop")
        self.url = self.server.get_uri()

    def env(self, **extra) -> dict:
        """The environment of a manage.py or gunicorn process that uses this server."""
        environment = {k: v for k, v in os.environ.items() if k not in {"CALLVAULT_PGDATA", "DEBUG"}}
        environment.update({"DATABASE_URL": self.url, "CONN_MAX_AGE": "60", **extra})
        return environment

    def manage(self, *args, check=True, timeout=300, **extra) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *map(str, args)],
            cwd=ROOT,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"manage.py {' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def stop(self, mode: str = "fast") -> None:
        """pg_ctl stop: `fast` ends every session, `immediate` is as abrupt as a crash."""
        from pgserver._commands import pg_ctl

        pg_ctl(["-w", "-m", mode, "stop"], pgdata=self.folder, user=self.server.system_user)

    def start(self) -> None:
        with self._lock:
            self.server.ensure_postgres_running()
        assert self.server.get_uri() == self.url

    def sql(self, query: str) -> list[tuple]:
        return self.sql_at(self.url, query)

    @staticmethod
    def sql_at(url: str, query: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            cursor = connection.execute(query)
            return cursor.fetchall() if cursor.description else []

    def close(self) -> None:
        try:
            self.server.cleanup()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
