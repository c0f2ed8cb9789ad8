"""What the import refuses or reports about a file as a whole: its period, its lines, hostile content."""

import io
import json
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

import calls.ingestion
from calls.ingestion import CallFacts, load_transcript
from calls.management.commands.ingest import Command as IngestCommand
from calls.models import Call
from calls.parsing import ParseWarning, TranscriptError
from calls.parsing.decoding import decode
from tests.archive import ROOT, ingest
from tests.calls.transcripts import parse_as, prepared, transcript
from uploads.forms import UploadForm

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


# Hostile files: NUL characters, nesting deep enough to break a recursive parser.

CLEAN = (
    "Operator\nWelcome to the Quillon Systems first quarter 2022 results call.\n"
    "Jane Roe - Chief Executive Officer\nThank you. Revenue grew and gross margin improved.\n"
)


def test_decoding_removes_a_few_nul_characters_and_says_how_many():
    data = CLEAN.replace("Thank you.", "Thank\x00 you.\x00").encode()
    text, warnings = decode(data)
    assert "\x00" not in text and "Thank you." in text
    [warning] = warnings
    assert (warning.line, warning.message) == (
        4,
        "removed 2 NUL characters (the first on this line): a text transcript has none",
    )
    # The same in text already decoded, and after Windows line ends.
    assert decode(CLEAN.replace("\n", "\r\n").replace("Thank", "\x00Thank"))[1][0].line == 4


def test_decoding_still_refuses_a_file_that_is_mostly_nuls_or_binary():
    with pytest.raises(TranscriptError, match="looks binary"):
        decode(b"\x00\x00\x00a" * 500)
    with pytest.raises(TranscriptError, match="looks binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(TranscriptError, match="looks binary"):
        decode(bytes(range(256)) * 8)


@pytest.mark.django_db
def test_a_file_with_nul_characters_imports_without_them_and_strict_fails_it(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(CLEAN.replace("Revenue grew", "Revenue\x00 grew").encode())

    with pytest.raises(CommandError, match="1 of 1"):
        ingest(path, strict=True)
    [report] = ingest(path)

    assert report["status"] == "created"
    assert "removed 1 NUL character" in report["warnings"][0]["message"]
    assert Call.objects.get().utterances.filter(text__contains="Revenue grew").exists()


@pytest.mark.django_db
def test_a_nul_written_as_a_json_escape_is_removed_too(tmp_path):
    parsed = transcript(company="Quillon\x00 Systems", turns=prepared("Revenue\x00 grew."))
    path = write(tmp_path, "escaped.json")
    with parse_as({path.name: parsed}):
        [report] = ingest(path)
    assert report["company"] == "Quillon Systems"
    assert report["warnings"][-1]["message"] == "removed 2 NUL characters: a text transcript has none"
    assert Call.objects.get().utterances.filter(text="Revenue grew.").exists()


@pytest.mark.django_db
def test_a_deeply_nested_json_file_fails_alone_and_the_next_files_import(tmp_path):
    deep = tmp_path / "a-deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    good = write(tmp_path, "b-good.txt", CLEAN)
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 of 2"):
        call_command("ingest", str(deep), str(good), "--json", stdout=out, stderr=err)

    reports = [json.loads(line) for line in out.getvalue().splitlines()]
    assert reports[0]["file"] == str(deep) and "error" in reports[0]
    assert reports[1]["status"] == "created"
    assert Call.objects.count() == 1


@pytest.mark.django_db
def test_an_unexpected_error_while_parsing_is_reported_for_that_file_and_the_run_goes_on(tmp_path):
    broken, good = write(tmp_path, "a-broken.txt"), write(tmp_path, "b-good.txt", CLEAN)
    real = calls.ingestion.parse_transcript

    def parse(data, *, filename=""):
        if filename == broken.name:
            raise RecursionError("maximum recursion depth exceeded")
        return real(data, filename=filename)

    out, err = io.StringIO(), io.StringIO()
    patched = mock.patch.object(calls.ingestion, "parse_transcript", side_effect=parse)
    with patched, pytest.raises(CommandError, match="1 of 2"):
        call_command("ingest", str(broken), str(good), stdout=out, stderr=err)

    assert f"{broken}: could not parse: RecursionError: maximum recursion depth exceeded" in err.getvalue()
    assert "created" in out.getvalue()
    assert Call.objects.count() == 1


@pytest.mark.django_db
def test_strict_fails_a_file_the_parser_doubts_and_lists_the_doubt_first(tmp_path):
    warnings = [
        ParseWarning(7, "an odd line"),
        ParseWarning(
            0, "most of the text is under one speaker: the speaker lines may not be recognised", doubt=True
        ),
    ]
    path = write(tmp_path, "doubtful.txt")
    out = io.StringIO()
    with parse_as({path.name: transcript(warnings=warnings)}):
        with pytest.raises(CommandError, match="1 of 1"):
            call_command("ingest", str(path), "--strict", "--json", stdout=out, stderr=io.StringIO())
        [report] = [json.loads(line) for line in out.getvalue().splitlines()]
        assert report["error"] == (
            "--strict: 2 warning(s), 1 of them doubting the whole parse: most of the text is under one"
            " speaker: the speaker lines may not be recognised; line 7: an odd line"
        )
        assert not Call.objects.exists()
        # Only a doubt, nothing else: --strict still fails it.
        with parse_as({path.name: transcript(warnings=warnings[1:])}), pytest.raises(CommandError):
            ingest(path, strict=True)
    assert not Call.objects.exists()


def test_help_and_readme_agree_that_the_given_facts_override_the_file():
    parser = IngestCommand().create_parser("manage.py", "ingest")
    helps = {option: action.help for action in parser._actions for option in action.option_strings}
    for option in ("--company", "--ticker", "--year", "--quarter", "--date"):
        assert "overrides what the file says" in helps[option], option
    assert "--company, --ticker, --year, --quarter and --date override what the files say" in " ".join(
        parser.format_help().split()
    )
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "`--company`, `--ticker`, `--year`, `--quarter` and `--date` override what the files say" in readme
    assert "quarter and date held, which override what the files say" in readme
    form_help = str(UploadForm().fields["files"].help_text)
    assert "The fields below override what the files say" in form_help
