"""Writes of the search app: keeping its own tables in step with the calls app's data."""

from collections.abc import Iterable

from django.db import connection

from calls.models import Call, Utterance
from search.models import UtteranceTally
from search.registry import TALLY_COLUMNS


def tally_calls(*, call_ids: Iterable[int]) -> None:
    """Count these calls' utterances again per speaker, role and section (in the caller's transaction).

    Run on calls.signals.utterances_refreshed (connected in search/apps.py): whatever changed the
    utterances of a call, the import or an edit in the admin, its tallies are counted again with it.
    """
    # Counted and written by PostgreSQL in one statement: the old rows deleted by its first part,
    # which the INSERT does not see (one snapshot), and no row travels to Python and back.
    columns = ", ".join(("call_id", *TALLY_COLUMNS))
    table = UtteranceTally._meta.db_table
    sql = f"""
        WITH old AS (DELETE FROM {table} WHERE call_id = ANY(%(calls)s))
        INSERT INTO {table} ({columns}, utterances)
        SELECT {columns}, count(*) FROM {Utterance._meta.db_table}
        WHERE call_id = ANY(%(calls)s) GROUP BY {columns}
    """  # noqa: S608 - only our own column and table names are interpolated
    with connection.cursor() as cursor:
        cursor.execute(sql, {"calls": list(call_ids)})


def tally_call(*, call: Call) -> None:
    """Count one call's utterances again per speaker, role and section (see tally_calls)."""
    tally_calls(call_ids=[call.pk])
