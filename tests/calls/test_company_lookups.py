"""The company lookups of every search and every import read indexes, not every company."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from calls.models import Company
from search.suggest import company_named
from tests.archive import import_archive


class CompanyLookupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        import_archive()

    def plan_of(self, lookup) -> str:
        """EXPLAIN of the one statement `lookup` runs, with the scans that read every company (a
        sequential one, or the primary key's in order) priced out, as on an archive of tens of
        thousands of companies."""
        with CaptureQueriesContext(connection) as queries:
            found = lookup()
        (statement,) = queries.captured_queries
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE calls_company")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("EXPLAIN " + statement["sql"])
            return found, "\n".join(row[0] for row in cursor.fetchall())

    def test_a_search_naming_a_company_finds_it_through_the_indexes(self):
        allot = Company.objects.get(slug="allot")
        for typed in (allot.ticker.lower(), allot.name):
            with self.subTest(typed=typed):
                found, plan = self.plan_of(lambda typed=typed: company_named(typed))
                self.assertEqual(found, allot)
                self.assertIn("company_ticker_upper", plan)
                self.assertIn("company_aliases", plan)
                self.assertNotIn("Seq Scan", plan)

    def test_an_import_finds_its_company_through_the_indexes(self):
        allot = Company.objects.get(slug="allot")
        found, plan = self.plan_of(
            lambda: Company.objects.by_name_or_ticker(names={"allot"}, ticker=allot.ticker.lower())
        )
        self.assertEqual(found, [allot])
        self.assertIn("company_ticker_upper", plan)
        self.assertIn("company_aliases", plan)
        self.assertNotIn("Seq Scan", plan)
