"""Merging two companies in the admin, through the admin's own pages, as a staff member."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import TestCase
from django.urls import reverse

from calls.models import Call, Company, Utterance
from calls.services import call_import
from search.models import UtteranceTally
from tests.calls.test_split_calls import presentation
from tests.calls.transcripts import loaded, prepared

CHANGELIST = reverse("admin:calls_company_changelist")


def store(**fields) -> Call:
    return call_import(loaded=loaded(**fields)).call


class MergeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = get_user_model().objects.create_user("editor", password="pw-editor-1", is_staff=True)
        cls.staff.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="calls",
                codename__in=["view_company", "change_company", "delete_company"],
            )
        )

    def setUp(self):
        self.client.force_login(self.staff)
        # One company stored twice: once as it wrote itself, once under its ticker-less short name.
        self.q1 = store(company="Quillon Holdings Inc", ticker="QUIL", year=2022, quarter=1)
        self.q2 = store(
            company="Quillon Hldgs",
            year=2022,
            quarter=2,
            turns=prepared("Backlog reached a record in the second quarter."),
        )
        self.keep, self.gone = self.q1.company, self.q2.company
        assert self.keep != self.gone

    def ask(self, *companies):
        return self.client.post(
            CHANGELIST,
            {"action": "merge_companies", "_selected_action": [c.pk for c in companies], "index": 0},
        )

    def confirm(self, survivor, *companies):
        return self.client.post(
            CHANGELIST,
            {
                "action": "merge_companies",
                "_selected_action": [c.pk for c in companies],
                "post": "yes",
                "survivor": survivor.pk,
            },
            follow=True,
        )

    def test_the_confirmation_page_asks_which_company_stays(self):
        response = self.ask(self.keep, self.gone)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "admin/calls/company/merge_companies.html")
        self.assertContains(response, 'name="survivor"', count=2)
        self.assertContains(response, "It keeps its name and its address (slug)")
        self.assertContains(response, self.gone.get_absolute_url())
        # Nothing changes before the confirmation.
        self.assertEqual(Company.objects.count(), 2)

    def test_merging_moves_the_calls_and_old_addresses_lead_to_the_survivor(self):
        old_company_url, old_call_url = self.gone.get_absolute_url(), self.q2.get_absolute_url()
        gone_slug = self.gone.slug

        response = self.confirm(self.keep, self.keep, self.gone)

        self.assertContains(response, "Merged into Quillon Holdings (QUIL): 1 call moved.")
        self.assertEqual(list(Company.objects.all()), [self.keep])
        self.keep.refresh_from_db()
        self.assertEqual(self.keep.slug, "quillon-holdings")
        self.assertIn(gone_slug, self.keep.aliases)
        self.assertEqual(set(Call.objects.values_list("company", flat=True)), {self.keep.pk})
        self.assertEqual(set(Utterance.objects.values_list("company", flat=True)), {self.keep.pk})
        self.assertEqual(set(UtteranceTally.objects.values_list("company", flat=True)), {self.keep.pk})

        new_call_url = "/calls/quillon-holdings/2022-q2/"
        self.assertRedirects(self.client.get(old_company_url), self.keep.get_absolute_url(), status_code=301)
        self.assertRedirects(self.client.get(old_call_url), new_call_url, status_code=301)
        self.assertRedirects(
            self.client.get(old_call_url + "?q=backlog"), new_call_url + "?q=backlog", status_code=301
        )
        self.assertContains(self.client.get(new_call_url), "Backlog reached a record")
        # A page the merged company never had is a 404 at the survivor's address; no address is guessed.
        self.assertEqual(self.client.get(f"/calls/{gone_slug}/2019-q1/", follow=True).status_code, 404)
        self.assertEqual(self.client.get("/companies/never-was/").status_code, 404)

        # Importing the merged company's file again finds the survivor: unchanged.
        again = call_import(
            loaded=loaded(
                company="Quillon Hldgs",
                year=2022,
                quarter=2,
                turns=prepared("Backlog reached a record in the second quarter."),
            )
        )
        self.assertEqual((again.status, again.call.company), ("unchanged", self.keep))

    def test_a_merged_ticker_finds_the_survivor(self):
        other = store(company="Quillon Legacy", ticker="QLGY", year=2021, quarter=4).company

        self.confirm(self.keep, self.keep, other)

        self.keep.refresh_from_db()
        self.assertEqual(self.keep.ticker, "QUIL")
        self.assertIn("ticker:QLGY", self.keep.aliases)
        self.assertEqual(store(company="Renamed", ticker="QLGY", year=2023).company, self.keep)

    def test_the_survivor_without_a_ticker_takes_the_merged_ones(self):
        self.confirm(self.gone, self.keep, self.gone)
        self.gone.refresh_from_db()
        self.assertEqual((self.gone.slug, self.gone.ticker), ("quillon-hldgs", "QUIL"))
        self.assertEqual(Call.objects.filter(company=self.gone).count(), 2)

    def test_two_calls_for_one_period_refuse_the_merge_and_say_which(self):
        store(company="Quillon Hldgs", year=2022, quarter=1)

        page = self.ask(self.keep, self.gone)
        self.assertContains(page, "each has a call for Q1 2022")
        self.assertNotContains(page, 'value="Merge"')

        response = self.confirm(self.keep, self.keep, self.gone)
        self.assertContains(
            response, "Quillon Hldgs and Quillon Holdings (QUIL) both have a call for Q1 2022", html=False
        )
        self.assertEqual(Company.objects.count(), 2)
        self.assertEqual(Call.objects.filter(company=self.gone).count(), 2)

    def test_one_company_selected_is_not_merged(self):
        response = self.client.post(
            CHANGELIST,
            {"action": "merge_companies", "_selected_action": [self.keep.pk], "index": 0},
            follow=True,
        )
        self.assertContains(response, "Select two or more companies to merge.")

    def test_staff_without_delete_permission_do_not_get_the_action(self):
        self.staff.user_permissions.remove(Permission.objects.get(codename="delete_company"))
        response = self.client.get(CHANGELIST)
        self.assertNotContains(response, "merge_companies")


class CallAdminTests(TestCase):
    def test_a_split_calls_halves_show_on_its_admin_page(self):
        call = call_import(loaded=presentation()).call
        admin_user = get_user_model().objects.create_superuser("boss", password="pw-boss-1")
        self.client.force_login(admin_user)
        response = self.client.get(reverse("admin:calls_call_change", args=[call.pk]))
        self.assertContains(response, "QUIL_4Q25_presentation.txt")
        self.assertContains(response, "Parts")
