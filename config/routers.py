"""Reads from a read replica, writes to the primary, and one database for all the reads of a request.

ReadReplicaMiddleware pins each request to one database, kept in a contextvar that ReplicaRouter
(DATABASE_ROUTERS when DATABASE_REPLICA_URLS names replicas) and `read_connection()` read. So the
search's data version and the data it keys (search/cache.py) come from the same server: a lagging
replica shows an older archive, never a mixture of two versions. Writes always go to "default"; a
request that may write (POST and the other unsafe methods) and every admin page (the uploads are
under /admin/ too) read from "default" as well, so they see their own writes. Outside requests
(management commands, the shell, tests) nothing is pinned and everything is "default".
docs/scaling.md, "Read replicas", says how to set it up.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Staff pages: the admin, and the upload pages under it, read what they have just written.
PRIMARY_PATHS = ("/admin/",)

_pinned: ContextVar[str | None] = ContextVar("callvault_read_database", default=None)


def read_alias() -> str:
    """The database the current request reads from: its pinned replica, else "default"."""
    alias = _pinned.get()
    # Inside a transaction on the primary, reads come from it: a write's own rows are only there.
    if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return alias


def read_connection(model=None):
    """The connection for a raw SQL read: the one the ORM reads `model` through in this request."""
    return connections[router.db_for_read(model)]


@contextmanager
def reading_from(alias: str):
    """Pin the reads of the code inside to database `alias` (what the middleware does per request)."""
    token = _pinned.set(alias)
    try:
        yield
    finally:
        _pinned.reset(token)


class ReplicaRouter:
    """Reads to the request's pinned database, writes and migrations to "default"."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # a replica gets its schema by replication


class ReadReplicaMiddleware:
    """Chooses the request's database: a random replica for safe requests, else "default"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        alias = self.database_for(request)
        if alias == DEFAULT_DB_ALIAS:
            return self.get_response(request)
        with reading_from(alias):
            response = self.get_response(request)
        if response.streaming:
            # A streamed export runs its query while the body is sent, after this call returned.
            response.streaming_content = _pinned_stream(response.streaming_content, alias)
        return response

    @staticmethod
    def database_for(request) -> str:
        replicas = getattr(settings, "DATABASE_REPLICAS", ())
        if not replicas or request.method not in SAFE_METHODS or request.path_info.startswith(PRIMARY_PATHS):
            return DEFAULT_DB_ALIAS
        return random.choice(replicas)  # noqa: S311 - spreading load, not a secret


def _pinned_stream(chunks, alias: str) -> Iterator[bytes]:
    """`chunks`, each one produced with the reads pinned to `alias`."""
    iterator = iter(chunks)
    while True:
        with reading_from(alias):
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk
