"""A real refusal by PostgreSQL, for the tests of what a failed store leaves behind.

A trigger that raises on the paragraphs' table: the database refuses the write as it would on a
full disk, wherever in the import or the translation the write comes, without the tests knowing
which function of calls/ does it. Made inside the test's transaction, it goes with its rollback.
"""

from contextlib import contextmanager

from django.db import connection

from calls.models import Utterance


@contextmanager
def paragraphs_refused(message: str = "disk full", *, on: str = "INSERT OR UPDATE"):
    table = connection.ops.quote_name(Utterance._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION callvault_test_refuse() RETURNS trigger LANGUAGE plpgsql AS"
            f" $$ BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER callvault_test_refuse BEFORE {on} ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION callvault_test_refuse()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER callvault_test_refuse ON {table}")
            cursor.execute("DROP FUNCTION callvault_test_refuse()")
