"""Two imports of the same new file at once, each on its own connection to the real database."""

import threading
import time

from django.db import connection, connections, transaction
from django.test import TransactionTestCase

from calls.models import Call, Company, Utterance
from calls.services import call_import
from search.models import UtteranceTally
from tests.calls.transcripts import loaded, prepared, questions


def a_new_file():
    asked, exchanges = questions(("Ann Lee", "Calder Partners", "How is the backlog?"), after=2)
    return loaded(
        company="Quillon Systems",
        ticker="QUIL",
        turns=prepared("Revenue grew.") + asked,
        exchanges=exchanges,
    )


def waiting_on_a_lock() -> bool:
    """Whether another backend of this database waits for a lock (the second import, on our row)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


class ConcurrentImportTests(TransactionTestCase):
    def test_the_second_to_commit_reports_unchanged(self):
        self.race()
        self.assertEqual(Company.objects.count(), 1)

    def test_the_same_for_a_new_call_of_a_stored_company(self):
        call_import(loaded=loaded(source_name="q4.txt", company="Quillon Systems", ticker="QUIL", quarter=4))
        self.race()
        self.assertEqual(Call.objects.count(), 2)

    def race(self):
        """The file imported twice at once: the first holds its transaction open until the second waits."""
        results, errors = {}, []
        first_stored, second_waits = threading.Event(), threading.Event()

        def run(name, body):
            try:
                body()
            except Exception as error:  # reported by the main thread
                errors.append((name, error))
            finally:
                connections.close_all()

        def first():
            # Stored, not committed yet, while the second import starts and has to wait for it.
            with transaction.atomic():
                results["first"] = call_import(loaded=a_new_file()).status
                first_stored.set()
                second_waits.wait(timeout=30)

        def second():
            first_stored.wait(timeout=30)
            results["second"] = call_import(loaded=a_new_file()).status

        threads = [
            threading.Thread(target=run, args=(n, b)) for n, b in (("first", first), ("second", second))
        ]
        for thread in threads:
            thread.start()
        self.assertTrue(first_stored.wait(timeout=30))
        deadline = time.monotonic() + 20
        while not waiting_on_a_lock() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(waiting_on_a_lock(), "the second import never waited for the first")
        second_waits.set()
        for thread in threads:
            thread.join(timeout=60)

        self.assertEqual(errors, [])
        self.assertEqual(results, {"first": "created", "second": "unchanged"})
        call = Call.objects.get(fiscal_quarter=1)
        self.assertEqual(Utterance.objects.filter(call=call).count(), 5)
        self.assertEqual(
            sum(UtteranceTally.objects.filter(call=call).values_list("utterances", flat=True)), 5
        )
