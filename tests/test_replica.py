"""Read replicas against a real streaming replica: reads go to it, writes to the primary, and a
lagging replica answers with its own older data and that data's version, never a mixture.

The primary and its hot standby are PostgreSQL 16 from the pgserver package (initdb, pg_ctl,
pg_basebackup -R), in a folder of the test's own on free ports. In this process "default" is
pointed at the primary and "replica1" at the standby, with config.routers installed as
DATABASE_REPLICA_URLS would install it; the searches go through the test client, so the real
middleware pins the requests.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.db.utils import load_backend
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from calls.models import Utterance
from config.database import url_config
from config.routers import ReadReplicaMiddleware, read_alias, reading_from
from search.cache import CACHE_ALIAS, forget_all
from tests.archive import ROOT, SAMPLES, ingest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pgserver
    from pgserver.utils import ensure_user_exists

BIN = Path(pgserver.__file__).parent / "pginstall" / "bin"
# Both mention the Penang line; only the second is imported while the replica is paused.
FIRST = SAMPLES / "northwind-optical-2024-q1-lines.txt"
SECOND = SAMPLES / "northwind-optical-2023-q3-bullets.txt"
WORD = "penang"
ROUTER = "config.routers.ReplicaRouter"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamingPair:
    """A primary (wal_level=replica) and a hot standby streaming from it, made by pg_basebackup -R."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="callvault-replica-", dir="/tmp"))
        self.folder.chmod(0o755)
        # PostgreSQL refuses to run as root; pgserver runs its servers as this user too.
        self.user = None
        if os.geteuid() == 0:
            entry = ensure_user_exists("pgserver")
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
            self.user = "pgserver"
        self.ports = {"primary": free_port(), "replica": free_port()}
        self.started = []
        try:
            self._start_primary()
            self._start_replica()
        except BaseException:
            self.close()
            raise

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.ports[name]}/postgres"

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run(
            [str(BIN / program), *args],
            cwd=self.folder,
            user=self.user,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            logs = "".join(f"\n{p.name}:\n{p.read_text()}" for p in self.folder.glob("*.log"))
            raise AssertionError(f"{program} {' '.join(args)} failed:\n{result.stderr}{logs}")

    def _pg_ctl_start(self, name: str) -> None:
        log = self.folder / f"{name}.log"
        self._run("pg_ctl", "-D", str(self.folder / name), "-l", str(log), "-w", "start")
        self.started.append(name)

    def _start_primary(self) -> None:
        data = self.folder / "primary"
        self._run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=utf8", "--no-sync")
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                f"port = {self.ports['primary']}\nlisten_addresses = '127.0.0.1'\n"
                "unix_socket_directories = ''\nwal_level = replica\nmax_wal_senders = 4\n"
                "hot_standby = on\nfsync = off\n"
            )
        with open(data / "pg_hba.conf", "a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        self._pg_ctl_start("primary")

    def _start_replica(self) -> None:
        data = self.folder / "replica"
        # -R writes standby.signal and primary_conninfo: the copy starts as a standby of the primary.
        self._run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.ports["primary"]), "-U", "postgres",
            "-D", str(data), "-R", "-X", "stream", "--checkpoint=fast",
        )  # fmt: skip
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(f"port = {self.ports['replica']}\n")  # the copied file's last word wins
        self._pg_ctl_start("replica")
        deadline = time.monotonic() + 60
        while self.sql("replica", "SELECT pg_is_in_recovery(), status FROM pg_stat_wal_receiver") != [
            (True, "streaming")
        ]:
            assert time.monotonic() < deadline, "the replica never started streaming"
            time.sleep(0.1)

    def sql(self, name: str, query: str, params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(name), autocommit=True) as connection:
            cursor = connection.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def version(self, name: str) -> int:
        return self.sql(name, "SELECT version FROM search_data_version WHERE id = 1")[0][0]

    def wait_replayed(self) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        target = self.sql("primary", "SELECT pg_current_wal_lsn()")[0][0]
        deadline = time.monotonic() + 60
        while not self.sql("replica", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])[0][0]:
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.05)

    def wait_received_not_replayed(self) -> None:
        """Until the replica holds the primary's latest WAL without having replayed it (a real lag)."""
        target = self.sql("primary", "SELECT pg_current_wal_lsn()")[0][0]
        deadline = time.monotonic() + 60
        query = "SELECT pg_last_wal_receive_lsn() >= %s::pg_lsn, pg_last_wal_replay_lsn() < %s::pg_lsn"
        while self.sql("replica", query, [target, target])[0] != (True, True):
            assert time.monotonic() < deadline, "the replica did not receive the WAL, or replayed it"
            time.sleep(0.05)

    def close(self) -> None:
        for name in reversed(self.started):
            subprocess.run(
                [str(BIN / "pg_ctl"), "-D", str(self.folder / name), "-m", "immediate", "-w", "stop"],
                cwd=self.folder,
                user=self.user,
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def pair():
    servers = StreamingPair()
    try:
        environment = {
            k: v
            for k, v in os.environ.items()
            if k not in {"CALLVAULT_PGDATA", "DEBUG", "DATABASE_REPLICA_URLS"}
        }
        environment["DATABASE_URL"] = servers.url("primary")
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        servers.wait_replayed()
        yield servers
    finally:
        servers.close()


@pytest.fixture(scope="module")
def routed(pair, django_db_blocker):
    """This process's "default" on the primary and "replica1" on the standby, the router installed."""
    configs = connections.configure_settings(
        {"default": url_config(pair.url("primary")), "replica1": url_config(pair.url("replica"))}
    )
    configs["replica1"]["TEST"]["MIRROR"] = "default"
    original_default = connections["default"]
    primary = load_backend(configs["default"]["ENGINE"]).DatabaseWrapper(configs["default"], "default")
    connections["default"] = primary
    connections.settings["replica1"] = configs["replica1"]
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(DATABASE_REPLICAS=["replica1"], DATABASE_ROUTERS=[ROUTER]),
        ):
            forget_all()
            yield pair
    finally:
        connections["replica1"].close()
        primary.close()
        del connections["replica1"]
        del connections.settings["replica1"]
        connections["default"] = original_default
        forget_all()
        ContentType.objects.clear_cache()  # ids of the primary's tables, not the test database's


def search(word: str) -> tuple[dict, list, list]:
    """GET /api/search/?q=word as a visitor: the JSON and the queries each database ran for it."""
    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(connections["replica1"]) as on_replica,
    ):
        response = Client().get("/api/search/", {"q": word})
    assert response.status_code == 200, response.content[:500]
    return response.json(), on_primary.captured_queries, on_replica.captured_queries


def cached_versions() -> set[int]:
    """The data versions the search cache's keys carry (`kind:version:digest`, search/cache.py),
    leaving out what is kept whatever the version (`kind:lasting:digest`: a snippet's marks).

    Read from the local-memory cache's own dict: the cache has no way to list its keys.
    """
    versions = {key.rsplit(":", 2)[1] for key in caches[CACHE_ALIAS]._cache}
    return {int(version) for version in versions - {"lasting"}}


def version_reads(queries: list) -> int:
    return sum("search_data_version" in query["sql"] for query in queries)


def test_a_search_reads_from_the_replica_and_its_data_version(routed):
    with CaptureQueriesContext(connections["replica1"]) as imported_on_replica:
        [report] = ingest(FIRST)
    assert report["status"] == "created", report
    assert imported_on_replica.captured_queries == []  # the import wrote and read on the primary
    routed.wait_replayed()
    version = routed.version("replica")
    assert version == routed.version("primary")

    data, on_primary, on_replica = search(WORD)

    assert data["total"] > 0
    assert {hit["company_slug"] for hit in data["results"]} == {"northwind-optical"}
    assert {(hit["fiscal_year"], hit["fiscal_quarter"]) for hit in data["results"]} == {(2024, 1)}
    assert on_primary == []
    assert version_reads(on_replica) == 1
    assert cached_versions() == {version}


def test_a_lagging_replica_answers_with_its_old_data_and_version_until_it_catches_up(routed):
    before, _, _ = search(WORD)
    old_version = routed.version("replica")
    routed.sql("replica", "SELECT pg_wal_replay_pause()")
    try:
        deadline = time.monotonic() + 30
        while routed.sql("replica", "SELECT pg_get_wal_replay_pause_state()") != [("paused",)]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        [report] = ingest(SECOND)
        assert report["status"] == "created", report
        routed.wait_received_not_replayed()
        new_version = routed.version("primary")
        assert new_version != old_version
        assert routed.version("replica") == old_version
        # The primary has the second call's paragraphs (read outside a request: from "default").
        assert Utterance.objects.filter(call__fiscal_year=2023, text__icontains=WORD).exists()

        forget_all()  # counted again from the replica, not answered from the earlier search
        for _ in range(2):  # the second time from the cache, under the same old version
            during, on_primary, on_replica = search(WORD)
            assert on_primary == []
            assert version_reads(on_replica) == 1
            assert during["total"] == before["total"]
            assert {hit["fiscal_year"] for hit in during["results"]} == {2024}
            assert cached_versions() == {old_version}  # nothing kept under the primary's version
    finally:
        routed.sql("replica", "SELECT pg_wal_replay_resume()")

    routed.wait_replayed()
    assert routed.version("replica") == new_version
    after, on_primary, _ = search(WORD)
    assert on_primary == []
    assert after["total"] > before["total"]
    assert {hit["fiscal_year"] for hit in after["results"]} == {2023, 2024}
    assert new_version in cached_versions()


def test_a_streamed_export_reads_from_the_replica_while_it_streams(routed):
    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(connections["replica1"]) as on_replica,
    ):
        response = Client().get("/search/export.jsonl", {"q": WORD})
        rows = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert response.status_code == 200
    assert rows and all(row["company"] == "Northwind Optical" for row in rows)
    assert on_primary.captured_queries == []
    assert any("calls_utterance" in query["sql"] for query in on_replica.captured_queries)


def test_staff_pages_and_writes_read_from_the_primary(routed):
    user = get_user_model().objects.create_superuser("replica-staff", "staff@example.com", "x" * 20)
    routed.wait_replayed()
    client = Client()
    client.force_login(user)
    upload = SimpleUploadedFile(SECOND.name, SECOND.read_bytes(), content_type="text/plain")
    pages = [
        lambda: client.get("/admin/"),
        lambda: client.get("/admin/uploads/new/"),
        # Stores a pending upload, then the page it redirects to shows it: read from the primary.
        lambda: client.post("/admin/uploads/new/", {"files": [upload]}, follow=True),
    ]
    for page in pages:
        with (
            CaptureQueriesContext(connections["default"]) as on_primary,
            CaptureQueriesContext(connections["replica1"]) as on_replica,
        ):
            response = page()
        assert response.status_code == 200, (response.request["PATH_INFO"], response.status_code)
        assert on_replica.captured_queries == [], response.request["PATH_INFO"]
        assert on_primary.captured_queries, response.request["PATH_INFO"]
    assert response.redirect_chain, "the upload did not redirect"
    assert SECOND.name in response.content.decode()
    # The same staff user on a public page reads from the replica, the session included.
    with CaptureQueriesContext(connections["default"]) as on_primary:
        assert client.get("/search/", {"q": WORD}).status_code == 200
    assert on_primary.captured_queries == []


def test_the_middleware_pins_safe_requests_to_a_replica_and_the_rest_to_the_primary():
    factory = RequestFactory()
    seen = {}

    def view(request):
        seen[request.method, request.path] = read_alias()
        from django.http import HttpResponse

        return HttpResponse()

    middleware = ReadReplicaMiddleware(view)
    requests = [
        factory.get("/search/"),
        factory.head("/api/search/"),
        factory.post("/i18n/setlang/"),
        factory.delete("/api/search/"),
        factory.get("/admin/"),
        factory.get("/admin/uploads/new/"),
    ]
    with override_settings(DATABASE_REPLICAS=["replica1", "replica2"]):
        for request in requests:
            middleware(request)
    assert seen[("GET", "/search/")] in {"replica1", "replica2"}
    assert seen[("HEAD", "/api/search/")] in {"replica1", "replica2"}
    assert {alias for (method, path), alias in seen.items() if method not in {"GET", "HEAD"}} == {"default"}
    assert seen[("GET", "/admin/")] == seen[("GET", "/admin/uploads/new/")] == "default"
    assert read_alias() == "default"  # nothing stays pinned after the request
    with override_settings(DATABASE_REPLICAS=[]):
        middleware(factory.get("/search/"))
    assert seen[("GET", "/search/")] == "default"
    with reading_from("replica1"):
        assert read_alias() == "replica1"
    assert read_alias() == "default"


SHOW_SETTINGS = (
    "import json; from django.conf import settings; from django.db import router; "
    "print(json.dumps({'aliases': list(settings.DATABASES), 'replicas': settings.DATABASE_REPLICAS, "
    "'routers': settings.DATABASE_ROUTERS, 'mirrors': {a: d['TEST'].get('MIRROR') for a, d in "
    "settings.DATABASES.items()}, 'hosts': {a: d['HOST'] for a, d in settings.DATABASES.items()}, "
    "'migrate': {a: router.allow_migrate(a, 'calls') for a in settings.DATABASES}}))"
)


@pytest.mark.parametrize(
    ("urls", "expected"),
    [
        ("", {"aliases": ["default"], "replicas": [], "routers": [], "hosts": {"default": "primary"}}),
        (
            "postgres://u@replica-a:5432/db, postgres://u@replica-b:5432/db,",
            {
                "aliases": ["default", "replica1", "replica2"],
                "replicas": ["replica1", "replica2"],
                "routers": ["config.routers.ReplicaRouter"],
                "hosts": {"default": "primary", "replica1": "replica-a", "replica2": "replica-b"},
            },
        ),
    ],
)
def test_database_replica_urls_adds_aliases_and_the_router(urls, expected):
    environment = {k: v for k, v in os.environ.items() if k not in {"CALLVAULT_PGDATA", "DEBUG"}}
    environment.update(DATABASE_URL="postgres://u@primary:5432/db", DATABASE_REPLICA_URLS=urls)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW_SETTINGS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])  # after the shell's own notice
    assert {key: shown[key] for key in expected} == expected
    assert shown["mirrors"]["default"] is None
    assert all(shown["mirrors"][alias] == "default" for alias in shown["replicas"])
    assert shown["migrate"] == {alias: alias == "default" for alias in shown["aliases"]}
