"""`manage.py backup` then `manage.py restore` into an empty database: the same calls, permalinks
and search results, read through the application itself."""

import json

import pytest

from tests.archive import SAMPLES
from tests.embedded import DedicatedServer

# Run inside `manage.py shell` against one database: what a reader would see of the archive.
SNAPSHOT = r"""
import json
from django.test import Client
from calls.models import Call, Exchange, Utterance
client = Client()
calls = {c.get_absolute_url(): [c.title, c.held_on and c.held_on.isoformat()] for c in Call.objects.all()}
pages = {}
for url in [*calls, *(e.get_absolute_url() for e in Exchange.objects.select_related("call__company"))]:
    response = client.get(url)
    pages[url] = [response.status_code, len(response.content)]
paragraphs = sorted(u.get_absolute_url() for u in Utterance.objects.select_related("call__company"))
searches = {}
for q in ["margin", "revenue growth", '"gross margin"', "毛利", "-guidance customers"]:
    body = client.get("/api/search/", {"q": q}).json()
    searches[q] = [body["total"], [hit["url"] for hit in body["results"]], body["facets"]]
print(json.dumps({"calls": calls, "pages": pages, "paragraphs": paragraphs, "searches": searches}))
"""


def snapshot(server, database_url) -> dict:
    result = server.manage("shell", "-c", SNAPSHOT, DATABASE_URL=database_url, ALLOWED_HOSTS="testserver")
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def server():
    server = DedicatedServer()
    try:
        yield server
    finally:
        server.close()


def test_a_backup_restored_into_an_empty_database_is_the_same_archive(server, tmp_path):
    server.manage("migrate", "--noinput")
    server.manage("ingest", SAMPLES)
    original = snapshot(server, server.url)
    assert len(original["calls"]) >= 4 and original["paragraphs"]
    assert all(status == 200 for status, _ in original["pages"].values())
    assert original["searches"]["margin"][0] > 0

    backup = tmp_path / "callvault.dump"
    server.manage("backup", backup)
    assert backup.stat().st_size > 10_000

    server.sql("CREATE DATABASE restored")
    restored_url = server.url.replace("/postgres?", "/restored?")
    assert restored_url != server.url
    server.manage("restore", backup, DATABASE_URL=restored_url)
    assert snapshot(server, restored_url) == original

    # Restoring over a database that has tables is refused without --replace, and done with it.
    refused = server.manage("restore", backup, DATABASE_URL=restored_url, check=False)
    assert refused.returncode != 0 and "--replace" in refused.stderr
    titles = "SELECT id, title FROM calls_call ORDER BY id"
    DedicatedServer.sql_at(restored_url, "UPDATE calls_call SET title = 'damaged'")
    server.manage("restore", backup, "--replace", DATABASE_URL=restored_url)
    assert DedicatedServer.sql_at(restored_url, titles) == server.sql(titles)
    server.sql("DROP DATABASE restored")
