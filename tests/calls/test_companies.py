"""Which company a call is filed under: the ticker when both sides give one, else the name sans legal form."""

import pytest
from django.core.management import CommandError

from calls.models import Call, Company
from calls.parsing import TranscriptError, clean_company_name
from calls.services import call_import
from tests.archive import ingest
from tests.calls.transcripts import loaded


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("FNB Holdings Inc", "FNB Holdings"),
        ("FNB Inc", "FNB"),
        ("FNB INC.", "FNB"),
        ("Quillon Group plc", "Quillon Group"),
        ("Quillon Networks, Inc.", "Quillon Networks"),
        ("Quillon S.A.", "Quillon"),
        ("Quillon s.a.", "Quillon"),
        ("Quillon N.V.", "Quillon"),
        ("Quillon AG", "Quillon"),
        ("QUILLON LTD", "QUILLON"),
        ("Quillon Limited", "Quillon"),
        ("Quillon Corp.", "Quillon"),
        ("Quillon CORPORATION", "Quillon"),
        ("Quillon Co.", "Quillon"),
        ("Quillon, L.L.C.", "Quillon"),
        ("Quillon llc", "Quillon"),
        ("Quillon P.L.C.", "Quillon"),
        ("Quillon Holdings Inc. (QUIL)", "Quillon Holdings"),
        ("Quillon Holdings Inc.'s", "Quillon Holdings"),
        ("Quillon's", "Quillon"),
        ("Grupo Quillon S.A.B. de C.V.", "Grupo Quillon"),
        ("Quillon S.A. de C.V.", "Quillon"),
        ("Quillon S.p.A.", "Quillon"),
        ("Quillon Ltda.", "Quillon"),
        ("Quillon AG & Co. KGaA", "Quillon"),
        ("Quillon S.L.", "Quillon"),
        ("Banco de Quillon", "Banco de Quillon"),  # "de" alone is part of the name
    ],
)
def test_only_legal_forms_ticker_and_possessive_are_dropped(raw, clean):
    assert clean_company_name(raw) == clean


def store(**fields):
    return call_import(loaded=loaded(**fields))


@pytest.mark.django_db
def test_holdings_is_part_of_the_name():
    holdings = store(company="FNB Holdings Inc").call
    plain = store(company="FNB Inc").call

    assert holdings.company != plain.company
    assert (holdings.company.slug, plain.company.slug) == ("fnb-holdings", "fnb")
    assert (holdings.company.name, plain.company.name) == ("FNB Holdings", "FNB")


@pytest.mark.django_db
def test_spellings_of_one_name_are_one_company():
    first = store(company="Quillon Systems Inc.", year=2021).call
    for year, spelling in (
        (2022, "QUILLON SYSTEMS CORP"),
        (2023, "Quillon Systems, S.A."),
        (2024, "Quillon Systems's"),
    ):
        assert store(company=spelling, year=year).call.company == first.company
    assert Company.objects.count() == 1
    assert first.company.slug == "quillon-systems"


@pytest.mark.django_db
def test_different_tickers_are_different_companies_under_one_name():
    us = store(company="Quillon Inc", ticker="QUIL").call
    other = store(company="Quillon Inc", ticker="QLN").call

    assert us.company != other.company
    # The second one's slug says which it is; both calls for the same period exist.
    assert (us.company.slug, other.company.slug) == ("quillon", "quillon-qln")
    assert Call.objects.filter(fiscal_year=2022, fiscal_quarter=1).count() == 2
    # Each ticker keeps finding its own company.
    assert store(company="Quillon", ticker="QLN", year=2023).call.company == other.company
    assert store(company="Quillon", ticker="QUIL", year=2023).call.company == us.company


@pytest.mark.django_db
def test_the_ticker_decides_over_the_name():
    first = store(company="Quillon Systems", ticker="QUIL").call
    renamed = store(company="Quillon Technologies", ticker="QUIL", year=2023).call
    assert renamed.company == first.company
    assert Company.objects.get().name == "Quillon Systems"


@pytest.mark.django_db
def test_a_ticker_on_one_side_only_leaves_it_to_the_name_and_is_learnt():
    first = store(company="Quillon Systems").call
    second = store(company="Quillon Systems Inc", ticker="QUIL", year=2023).call
    assert second.company == first.company
    assert Company.objects.get().ticker == "QUIL"
    assert store(company="Quillon Systems", year=2024).call.company == first.company


@pytest.mark.django_db
def test_a_name_of_two_companies_without_a_ticker_is_refused():
    store(company="Quillon", ticker="QUIL")
    store(company="Quillon", ticker="QLN")

    with pytest.raises(
        TranscriptError, match=r"“Quillon” could be Quillon \(QUIL\) or Quillon \(QLN\).*--ticker"
    ):
        store(company="Quillon Inc", year=2023)
    assert Call.objects.count() == 2


@pytest.mark.django_db
def test_a_file_naming_no_company_is_found_by_its_ticker_or_refused():
    company = store(company="Quillon Systems", ticker="QUIL").call.company
    assert store(company="", ticker="QUIL", year=2023).call.company == company

    with pytest.raises(TranscriptError, match=r"no stored company has the ticker ZZZQ.*--company"):
        store(company="", ticker="ZZZQ", year=2023)
    with pytest.raises(TranscriptError, match="import the call's presentation half first"):
        store(company="", ticker="ZZZQ", year=2023, part="qa")
    assert Company.objects.count() == 1


@pytest.mark.django_db
def test_companies_stored_under_the_old_rule_keep_their_slug_and_their_calls():
    # Stored when Holdings was dropped: slug "fnb", the name as written among the aliases.
    old = Company.objects.create(name="FNB", slug="fnb", aliases=["fnb", "fnb-holdings-inc"])

    call = store(company="FNB Holdings Inc").call

    assert call.company == old
    old.refresh_from_db()
    assert old.slug == "fnb" and "fnb-holdings" in old.aliases
    assert call.get_absolute_url() == "/calls/fnb/2022-q1/"


@pytest.mark.django_db
def test_a_former_ticker_finds_the_company_it_was_merged_into():
    survivor = Company.objects.create(name="Quillon", slug="quillon", ticker="QUIL", aliases=["ticker:QLNX"])
    assert store(company="Quillon Old Name", ticker="QLNX").call.company == survivor


@pytest.mark.django_db
def test_ingest_reports_a_refused_company_and_goes_on(tmp_path):
    text = """Operator
Welcome to the {name} first quarter 2022 results call.
Jane Roe - Chief Executive Officer
Thank you. Revenue grew.
"""
    store(company="Quillon", ticker="QUIL")
    store(company="Quillon", ticker="QLN")
    ambiguous = tmp_path / "ambiguous.txt"
    ambiguous.write_text(text.format(name="Quillon Inc."), encoding="utf-8")
    fine = tmp_path / "fine.txt"
    fine.write_text(text.format(name="Zentrix Corporation"), encoding="utf-8")

    with pytest.raises(CommandError, match="1 of 2"):
        ingest(ambiguous, fine)
    assert Company.objects.filter(slug="zentrix").exists()
