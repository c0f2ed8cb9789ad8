"""Search results remembered per search state, so paging, the back button and a shared permalink
do not count a large result set again.

Every key carries the database's data version (search_data_version, bumped by triggers in the
same transaction as any change to what results are made of), so a remembered result is only ever
used for the very data it was computed from; old entries simply stop being asked for and age out.
The one exception is kept by `keep_lasting`: values that depend on their state alone and on no
data (a snippet's marks, on its text and the query), under `lasting` in place of a version.
Only plain values are stored (numbers, strings, ids), never labels in the interface language.

The search state (`search_state`) is what decides a result set, as plain values: with the data
version, the key of every step's value.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches
from django.db import connection

from config.routers import read_connection

T = TypeVar("T")
CACHE_ALIAS = "search"


def recall(kind: str, version: int, state: dict):
    """The value kept for `kind` and `state` at data `version`, or None."""
    return caches[CACHE_ALIAS].get(_key(kind, version, state))


def keep(kind: str, version: int, state: dict, value) -> None:
    caches[CACHE_ALIAS].set(_key(kind, version, state), value)


def remembered(kind: str, version: int, state: dict, compute: Callable[[], T]) -> T:
    """The value for `kind` and `state` at data `version`: from the cache, or computed and kept."""
    value = recall(kind, version, state)
    if value is None:
        value = compute()
        keep(kind, version, state, value)
    return value


def recall_lasting(kind: str, states: list[dict]) -> dict[int, object]:
    """What was kept for each of `states` by keep_lasting, by index in `states`: for values that
    depend on the state alone, never on the data (a snippet's marks depend on its text and the
    query), so that they outlast every import."""
    keys = [_key(kind, None, state) for state in states]
    found = caches[CACHE_ALIAS].get_many(keys)
    return {n: found[key] for n, key in enumerate(keys) if key in found}


def keep_lasting(kind: str, states: list[dict], values: list) -> None:
    caches[CACHE_ALIAS].set_many(
        {_key(kind, None, state): value for state, value in zip(states, values, strict=True)}
    )


def data_version() -> int:
    """The version of the searchable data (search_data_version, kept by triggers); 0 before any.

    Read where the request reads its data (config/routers.py): from a replica, the version of what
    that replica has replayed, so the results it keys are of that very data.
    """
    with read_connection().cursor() as cursor:
        cursor.execute("SELECT version FROM search_data_version WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def search_state(*, query: str, langs: set[str], chinese: bool, selections: dict[str, list[str]]) -> dict:
    """What decides the result set, as plain values: the cache key of its counts.

    `chinese` says whether the translations are searched: it changes the language facet's counts,
    which are remembered without the language selection (an English word with and without lang=zh).
    `selections` are the facets' (UtteranceFilter.selections).
    """
    return {"q": query, "lang": sorted(langs), "chinese": chinese, "filters": selections}


def without(state: dict, name: str) -> dict:
    """The search state with facet `name`'s own selection taken out (what its counts depend on)."""
    if name == "lang":
        return {**state, "lang": []}
    return {**state, "filters": {**state["filters"], name: []}}


def _key(kind: str, version: int | None, state: dict) -> str:
    # The database's name too: versions are numbered per database, and a process may use two
    # (the benchmark's, a test database). Hashed: the state holds the query as typed.
    scope = {"database": connection.settings_dict["NAME"], "state": state}
    digest = hashlib.sha256(json.dumps(scope, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return f"{kind}:{'lasting' if version is None else version}:{digest}"


def forget_all() -> None:
    """Empty the search cache (the benchmark measures first requests with it)."""
    caches[CACHE_ALIAS].clear()
