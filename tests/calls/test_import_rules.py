"""What the import refuses or reports about a file as a whole: its period, its lines, hostile content."""

import io

import pytest
from django.core.management import CommandError, call_command

from calls.ingestion import CallFacts, load_transcript
from calls.models import Call
from calls.parsing import TranscriptError
from tests.archive import ingest
from tests.calls.transcripts import parse_as, transcript

CONFLICT = "the file name says Q1 2021 but the text says Q1 2020"


def write(folder, name: str, text: str = "placeholder: the parser is replaced in these tests\n"):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_period_conflict_is_refused_with_both_periods():
    parsed = transcript(year=2020, quarter=1, period_conflict=CONFLICT)
    with parse_as({"ACME_1Q21.txt": parsed}), pytest.raises(TranscriptError) as raised:
        load_transcript(b"x", source_name="ACME_1Q21.txt", max_bytes=1000)
    assert str(raised.value) == f"{CONFLICT}; give the period with --year and --quarter"


def test_a_given_period_settles_a_conflict_and_a_year_alone_does_not():
    parsed = transcript(year=2020, quarter=1, period_conflict=CONFLICT)
    with parse_as({"ACME_1Q21.txt": parsed}):
        with pytest.raises(TranscriptError, match="Q1 2021 but the text says Q1 2020"):
            load_transcript(
                b"x", source_name="ACME_1Q21.txt", max_bytes=1000, facts=CallFacts(fiscal_year=2021)
            )
        loaded = load_transcript(
            b"x",
            source_name="ACME_1Q21.txt",
            max_bytes=1000,
            facts=CallFacts(fiscal_year=2021, fiscal_quarter=1),
        )
    assert (loaded.transcript.fiscal_year, loaded.transcript.fiscal_quarter) == (2021, 1)


@pytest.mark.django_db
def test_ingest_never_files_a_conflicting_file_over_another_periods_call(tmp_path):
    stored = write(tmp_path, "acme-2020-q1.txt")
    conflicting = write(tmp_path, "ACME_1Q21.txt")
    with parse_as(
        {
            "acme-2020-q1.txt": transcript(company="Acme Widgets", year=2020, quarter=1),
            "ACME_1Q21.txt": transcript(
                company="Acme Widgets", year=2020, quarter=1, period_conflict=CONFLICT
            ),
        }
    ):
        ingest(stored)
        err = io.StringIO()
        with pytest.raises(CommandError, match="1 of 1"):
            call_command("ingest", str(conflicting), stdout=io.StringIO(), stderr=err)
        assert f"{conflicting}: {CONFLICT}; give the period with --year and --quarter" in err.getvalue()
        assert Call.objects.get().source_name == "acme-2020-q1.txt"

        # The person importing says which period it is: it is stored there, the 2020 call untouched.
        [settled] = ingest(conflicting, year=2021, quarter=1)
    assert settled["status"] == "created" and settled["period_conflict"] == CONFLICT
    assert sorted(Call.objects.values_list("fiscal_year", "source_name")) == [
        (2020, "acme-2020-q1.txt"),
        (2021, "ACME_1Q21.txt"),
    ]


@pytest.mark.django_db
def test_dry_run_json_accounts_for_the_lines_and_names_the_half(tmp_path):
    counts = {"read": 12, "speech": 6, "speaker": 3, "header": 2, "ignored": 1}
    path = write(tmp_path, "ACME_4Q25_qna.txt")
    with parse_as({path.name: transcript(line_counts=counts, part="qa")}):
        [report] = ingest(path, dry_run=True)
    assert report["lines"] == counts
    assert (report["part"], report["period_conflict"]) == ("qa", None)


@pytest.mark.django_db
def test_json_lines_are_there_for_every_parsed_file(tmp_path):
    path = write(
        tmp_path,
        "clean.txt",
        "Operator\nWelcome to the Quillon Systems first quarter 2022 results call.\n"
        "Jane Roe - Chief Executive Officer\nThank you. Revenue grew.\n",
    )
    [report] = ingest(path, dry_run=True)
    assert set(report["lines"]) == {"read", "speech", "speaker", "header", "ignored"}
    assert all(isinstance(count, int) for count in report["lines"].values())
    assert report["part"] is None and report["period_conflict"] is None
