"""Edits made in the admin, through its own change forms as a staff member, reach everything derived.

Each paragraph row repeats its call's company and period and its turn's speaker, role and section;
its Chinese search terms and the per-call tallies are derived too. An edit in the admin must leave
search results, facets (with and without a query: the tallies), the Chinese index and the company
and speaker pages showing the new value.
"""

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from calls.models import Call, Company, Exchange, Role, Section, Speaker, Turn, Utterance
from calls.parsing import Paragraph
from calls.services import call_import
from tests.calls.transcripts import loaded, prepared, questions

MARGIN = "Gross margin widened on the new optical line."
QUESTION = "Could you talk about the backlog in Europe?"


def quillon_turns():
    """Operator, Jane Roe's remarks (one translated paragraph), and Ann Lee's question answered."""
    opening = prepared("Revenue grew in every region.", MARGIN)
    opening[1].paragraphs[1] = Paragraph(MARGIN, 5, translation="新光學產品線的毛利率擴大。")
    asked, exchanges = questions(("Ann Lee", "Calder Partners", QUESTION), after=len(opening))
    return opening + asked, exchanges


def form_data(response) -> dict:
    """What the change form would post unchanged: every editable field, the inlines' forms too."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = field.prepare_value(form[name].value())
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(v) for v in value]
            else:
                data[form.add_prefix(name)] = "" if value is None else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


class AdminEditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = get_user_model().objects.create_superuser("editor", password="pw-editor-1")
        turns, exchanges = quillon_turns()
        cls.call = call_import(
            loaded=loaded(
                company="Quillon Systems",
                ticker="QUIL",
                year=2022,
                quarter=1,
                turns=turns,
                exchanges=exchanges,
            )
        ).call
        cls.other = call_import(
            loaded=loaded(
                source_name="arden.txt",
                company="Arden Labs",
                ticker="ARDN",
                year=2021,
                quarter=3,
                turns=prepared("Arden shipped its first units.", company="Arden Labs"),
            )
        ).call
        cls.arden = cls.other.company

    def setUp(self):
        self.client.force_login(self.staff)

    def edit(self, obj, **changes):
        """Post the admin change form of `obj` with `changes`; the admin must accept it."""
        url = reverse(f"admin:calls_{obj._meta.model_name}_change", args=[obj.pk])
        form = self.client.get(url)
        self.assertEqual(form.status_code, 200)
        data = form_data(form)
        for name, value in changes.items():
            self.assertIn(name, data, f"{name} is not editable")
            data[name] = value
        response = self.client.post(url, data)
        if response.status_code != 302:
            errors = response.context["adminform"].form.errors if response.context else response
            self.fail(f"the admin refused the change: {errors}")

    def search(self, **params) -> dict:
        return self.client.get("/api/search/", params).json()

    def facet(self, payload: dict, name: str) -> dict[str, int]:
        return {value["value"]: value["count"] for value in payload["facets"].get(name, [])}

    def margin_hit(self, **params) -> dict:
        found = self.search(q="gross margin", **params)
        self.assertEqual(found["total"], 1, found)
        return found["results"][0]

    # The call -----------------------------------------------------------------------------------

    def test_moving_a_call_to_another_company(self):
        self.edit(self.call, company=self.arden.pk)

        self.assertEqual(self.margin_hit(company=self.arden.slug)["company_slug"], self.arden.slug)
        self.assertEqual(self.search(q="gross margin", company="quillon-systems")["total"], 0)
        paragraphs = Utterance.objects.filter(call=self.call).count()
        everything = self.search()
        self.assertEqual(self.facet(everything, "company"), {self.arden.slug: paragraphs + 2})
        self.assertEqual(self.facet(self.search(q="gross margin"), "company"), {self.arden.slug: 1})
        page = self.client.get(self.arden.get_absolute_url())
        self.assertContains(page, "/calls/arden-labs/2022-q1/")
        self.assertContains(page, "Jane Roe")

    def test_changing_a_calls_period(self):
        self.edit(self.call, fiscal_year="2019", fiscal_quarter="4")

        hit = self.margin_hit(year=2019, quarter=4)
        self.assertEqual((hit["fiscal_year"], hit["fiscal_quarter"]), (2019, 4))
        self.assertEqual(self.search(q="gross margin", year=2022)["total"], 0)
        self.assertIn("2019", self.facet(self.search(), "year"))
        self.assertNotIn("2022", self.facet(self.search(), "year"))
        self.assertEqual(self.facet(self.search(q="gross margin"), "quarter"), {"4": 1})
        self.assertContains(self.client.get("/companies/quillon-systems/"), "/calls/quillon-systems/2019-q4/")

    # A turn -------------------------------------------------------------------------------------

    def test_changing_a_turns_role_and_section(self):
        remarks = Turn.objects.get(call=self.call, name="Jane Roe", section=Section.PREPARED)
        self.assertEqual(self.margin_hit()["role"], Role.EXECUTIVE)

        self.edit(remarks, role=Role.ANALYST, section=Section.QA)

        hit = self.margin_hit(role="analyst", section="qa")
        self.assertEqual((hit["role"], hit["section"]), ("analyst", "qa"))
        self.assertEqual(self.search(q="gross margin", role="executive")["total"], 0)
        # Without a query the facets are summed from the per-call tallies.
        everything = self.search(company="quillon-systems")
        paragraphs = Utterance.objects.filter(call=self.call).count()
        self.assertEqual(sum(self.facet(everything, "section").values()), paragraphs)
        self.assertEqual(self.facet(everything, "section")["qa"], paragraphs - 1)
        self.assertEqual(self.facet(everything, "role")["analyst"], 3)

    def test_giving_a_turn_to_another_speaker(self):
        question = Turn.objects.get(call=self.call, name="Ann Lee")
        jane = Speaker.objects.get(name="Jane Roe", firm="Quillon Systems")
        before = self.facet(self.search(company="quillon-systems"), "speaker")[jane.slug]

        self.edit(question, speaker=jane.pk)

        found = self.search(q="backlog Europe", speaker=jane.slug)
        self.assertEqual(found["total"], 1)
        self.assertEqual(found["results"][0]["speaker_slug"], jane.slug)
        everything = self.search(company="quillon-systems")
        self.assertNotIn("ann-lee", self.facet(everything, "speaker"))
        self.assertEqual(self.facet(everything, "speaker")[jane.slug], before + 1)
        self.assertContains(self.client.get(jane.get_absolute_url()), "3 turns")

    def test_structure_of_a_turn_is_read_only(self):
        remarks = Turn.objects.get(call=self.call, name="Jane Roe", section=Section.PREPARED)
        form = self.client.get(reverse("admin:calls_turn_change", args=[remarks.pk]))
        for name in ("call", "position", "speaker_line"):
            self.assertNotIn(name, form.context["adminform"].form.fields)

    # A speaker ----------------------------------------------------------------------------------

    def test_renaming_a_speaker(self):
        ann = Speaker.objects.get(name="Ann Lee")

        self.edit(ann, name="Anne Lee-Marsh")

        self.assertEqual(self.facet(self.search(q="backlog Europe"), "speaker"), {ann.slug: 1})
        labels = {v["value"]: v["label"] for v in self.search(q="backlog Europe")["facets"]["speaker"]}
        self.assertEqual(labels[ann.slug], "Anne Lee-Marsh")
        self.assertContains(self.client.get(ann.get_absolute_url()), "Anne Lee-Marsh")
        # The import finds the speaker under the corrected name: the identity follows the name.
        asked, exchanges = questions(("Anne Lee-Marsh", "Calder Partners", "And margins?"), after=2)
        call_import(
            loaded=loaded(
                source_name="q2.txt",
                company="Quillon Systems",
                ticker="QUIL",
                year=2022,
                quarter=2,
                turns=prepared("Second quarter.") + asked,
                exchanges=exchanges,
            )
        )
        self.assertEqual(list(Speaker.objects.filter(name="Anne Lee-Marsh")), [ann])

    def test_a_speaker_renamed_into_another_is_refused(self):
        ann = Speaker.objects.get(name="Ann Lee")
        url = reverse("admin:calls_speaker_change", args=[ann.pk])
        data = {**form_data(self.client.get(url)), "name": "Jane Roe", "firm": "Quillon Systems"}
        response = self.client.post(url, data)
        self.assertContains(response, "already has this name and firm")
        ann.refresh_from_db()
        self.assertEqual(ann.name, "Ann Lee")

    # A paragraph --------------------------------------------------------------------------------

    def test_editing_a_translation(self):
        paragraph = Utterance.objects.get(call=self.call, text=MARGIN)
        self.assertEqual(self.search(q="毛利率")["total"], 1)

        self.edit(paragraph, translation="新光學產品線的營業利益率上升。")

        self.assertEqual(self.search(q="毛利率")["total"], 0)
        found = self.search(q="營業利益率")
        self.assertEqual(found["total"], 1)
        self.assertEqual(found["results"][0]["translation"], "新光學產品線的營業利益率上升。")
        # Simplified folds to the same terms.
        self.assertEqual(self.search(q="营业利益率")["total"], 1)

    def test_translating_an_untranslated_paragraph(self):
        paragraph = Utterance.objects.get(call=self.call, text=QUESTION)
        self.edit(paragraph, translation="能談談歐洲的訂單積壓嗎？")
        self.assertEqual(self.search(q="訂單積壓", lang="zh")["total"], 1)

    def test_copied_columns_of_a_paragraph_are_read_only(self):
        paragraph = Utterance.objects.get(call=self.call, text=MARGIN)
        form = self.client.get(reverse("admin:calls_utterance_change", args=[paragraph.pk]))
        fields = form.context["adminform"].form.fields
        for name in ("call", "turn", "position", "company", "fiscal_year", "fiscal_quarter", "speaker"):
            self.assertNotIn(name, fields)
        for name in ("role", "section"):
            self.assertNotIn(name, fields)
        self.assertIn("translation", fields)

    # Deleting -----------------------------------------------------------------------------------

    def test_deleting_a_call_takes_the_speakers_only_it_mentioned(self):
        url = reverse("admin:calls_call_delete", args=[self.call.pk])
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 302)

        self.assertFalse(Speaker.objects.filter(firm="Quillon Systems").exists())
        self.assertFalse(Speaker.objects.filter(name="Ann Lee").exists())
        self.assertEqual(self.facet(self.search(), "company"), {self.arden.slug: 2})
        self.assertNotContains(self.client.get("/speakers/"), "Ann Lee")

    def test_deleting_companies_in_bulk_takes_their_speakers(self):
        quillon = self.call.company
        response = self.client.post(
            reverse("admin:calls_company_changelist"),
            {"action": "delete_selected", "_selected_action": [quillon.pk], "post": "yes"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Company.objects.filter(pk=quillon.pk).exists())
        self.assertFalse(Call.objects.filter(pk=self.call.pk).exists())
        self.assertFalse(Speaker.objects.filter(name="Ann Lee").exists())
        self.assertEqual(self.search(q="backlog")["total"], 0)

    def test_every_admin_page_of_the_archive_renders(self):
        for model in (Company, Call, Speaker, Turn, Utterance, Exchange):
            name = model._meta.model_name
            with self.subTest(model=name):
                self.assertEqual(self.client.get(reverse(f"admin:calls_{name}_changelist")).status_code, 200)
                obj = model.objects.order_by("pk").first()
                page = self.client.get(reverse(f"admin:calls_{name}_change", args=[obj.pk]))
                self.assertEqual(page.status_code, 200)
        # What only the import creates has no "add" page.
        for name in ("call", "turn", "utterance", "exchange"):
            self.assertEqual(self.client.get(reverse(f"admin:calls_{name}_add")).status_code, 403)
