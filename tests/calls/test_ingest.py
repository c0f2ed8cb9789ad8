"""`manage.py ingest`: the seeds parse as expected.json says, imports are atomic and idempotent."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from calls import services
from calls.ingestion import load_transcript_file
from calls.models import Call, Company, Exchange, Speaker, Turn, Utterance
from tests.archive import SAMPLES, ingest, norm

SAMPLE_FACTS = {
    name: facts
    for name, facts in json.loads((SAMPLES.parent / "expected.json").read_text(encoding="utf-8")).items()
    if not name.startswith("_")
}

SEED_NAMES = [
    "allot-2013-q1-bullets.txt",
    "infinera-2013-q1-lines.txt",
    "allot-2023-q2-bilingual.txt",
    "juniper-2010-q1-roles-only.txt",
]

# A tiny transcript of our own: no title, no welcome naming company or period.
UNPLACED = """Operator
Good day and welcome to the conference call.
Jane Roe - Chief Executive Officer
Thank you. Revenue grew and gross margin improved.
"""


@pytest.mark.django_db
@pytest.mark.parametrize("name", SEED_NAMES)
def test_dry_run_json_matches_the_seeds_expected_facts(name, seeds_dir, expected):
    [got] = ingest(seeds_dir / name, dry_run=True)
    assert got["file"].endswith(name)
    assert mismatches(got, expected[name]) == []
    # The dry run stores nothing.
    assert not Call.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SAMPLE_FACTS))
def test_dry_run_json_matches_our_samples_facts(name):
    [got] = ingest(SAMPLES / name, dry_run=True)
    assert mismatches(got, SAMPLE_FACTS[name]) == []


def mismatches(got: dict, want: dict) -> list[str]:
    """The facts of expected.json that the ingest report gets wrong (names compared loosely)."""
    wrong = [
        fact
        for fact in (
            "turns",
            "paragraphs",
            "translated_paragraphs",
            "prepared_turns",
            "fiscal_year",
            "fiscal_quarter",
        )
        if got[fact] != want[fact]
    ]
    if norm(want["company"]) not in norm(got["company"]):
        wrong.append(f"company {got['company']!r}")
    if want.get("ticker") and got["ticker"] != want["ticker"]:
        wrong.append(f"ticker {got['ticker']!r}")
    roles = {norm(s["name"]): s["role"] for s in got["speakers"]}
    wrong += [
        f"role of {name}: {roles.get(norm(name))}"
        for name, role in want.get("speakers", {}).items()
        if roles.get(norm(name)) != role
    ]
    wrong += [
        f"name for {line!r}"
        for line, facts in want.get("speakers_by_role_line", {}).items()
        if "name" in facts
        and not facts["name"].startswith("announced")
        and roles.get(norm(facts["name"])) != facts["role"]
    ]
    if len(got["exchanges"]) != len(want["exchanges"]):
        wrong.append(f"{len(got['exchanges'])} exchanges")
    for number, (mine, theirs) in enumerate(zip(got["exchanges"], want["exchanges"], strict=False), start=1):
        if norm(mine["questioner"]) != norm(theirs["questioner"]):
            wrong.append(f"exchange {number} questioner {mine['questioner']!r}")
        if theirs.get("firm") and norm(mine["firm"]) != norm(theirs["firm"]):
            wrong.append(f"exchange {number} firm {mine['firm']!r}")
        if norm(mine["introduced_as"]) != norm(theirs.get("introduced_as")):
            wrong.append(f"exchange {number} introduced_as {mine['introduced_as']!r}")
    return wrong


@pytest.mark.django_db
def test_json_report_has_the_documented_fields(seeds_dir):
    [report] = ingest(seeds_dir / "allot-2023-q2-bilingual.txt", dry_run=True)
    assert {
        "file",
        "company",
        "ticker",
        "fiscal_year",
        "fiscal_quarter",
        "turns",
        "paragraphs",
        "translated_paragraphs",
        "prepared_turns",
        "speakers",
        "exchanges",
        "warnings",
    } <= set(report)
    assert set(report["speakers"][0]) >= {"name", "title", "role", "firm"}
    assert set(report["exchanges"][0]) >= {"questioner", "introduced_as", "firm", "turns"}
    assert all(exchange["turns"] >= 1 for exchange in report["exchanges"])


@pytest.mark.django_db
def test_seeds_import_as_four_calls_of_three_companies(seeds_dir, expected):
    reports = ingest(*(seeds_dir / name for name in SEED_NAMES))

    assert [r["status"] for r in reports] == ["created"] * 4
    assert Call.objects.count() == 4
    assert sorted(Company.objects.values_list("slug", flat=True)) == ["allot", "infinera", "juniper-networks"]
    allot = Company.objects.get(slug="allot")
    assert allot.ticker == "ALLT"
    assert sorted(allot.calls.values_list("fiscal_year", flat=True)) == [2013, 2023]
    # What is stored is what was parsed.
    for report in reports:
        call = Call.objects.get(
            company__slug=report["url"].split("/")[2],
            fiscal_year=report["fiscal_year"],
            fiscal_quarter=report["fiscal_quarter"],
        )
        want = expected[report["file"].rsplit("/", 1)[-1]]
        assert call.turns.count() == want["turns"]
        assert call.utterances.count() == want["paragraphs"]
        assert call.utterances.exclude(translation="").count() == want["translated_paragraphs"]
        assert call.exchanges.count() == len(want["exchanges"])
        assert call.turns.filter(section="prepared").count() == want["prepared_turns"]


@pytest.mark.django_db
def test_same_analyst_at_same_firm_is_one_speaker_across_calls(seeds_dir):
    ingest(seeds_dir / "allot-2013-q1-bullets.txt", seeds_dir / "infinera-2013-q1-lines.txt")
    henderson = Speaker.objects.filter(name="Alex Henderson")
    assert henderson.count() == 1
    companies = set(henderson.get().turns.values_list("call__company__slug", flat=True))
    assert companies == {"allot", "infinera"}


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(seeds_dir):
    path = seeds_dir / "allot-2023-q2-bilingual.txt"
    [first] = ingest(path)
    call = Call.objects.get()
    ids = list(call.utterances.values_list("pk", flat=True))

    [second] = ingest(path)

    assert (first["status"], second["status"]) == ("created", "unchanged")
    assert second["url"] == first["url"]
    assert list(Call.objects.get().utterances.values_list("pk", flat=True)) == ids


@pytest.mark.django_db
def test_a_corrected_file_replaces_the_call_at_the_same_permalink(seeds_dir, tmp_path):
    original = seeds_dir / "infinera-2013-q1-lines.txt"
    [first] = ingest(original)
    corrected = tmp_path / "infinera-corrected.txt"
    corrected.write_text(
        original.read_text(encoding="utf-8").rstrip("\n") + "\nThank you, everyone.\n", encoding="utf-8"
    )

    [second] = ingest(corrected)

    assert second["status"] == "replaced"
    assert second["url"] == first["url"]
    assert Call.objects.count() == 1
    assert Call.objects.get().source_name == "infinera-corrected.txt"
    assert Utterance.objects.count() == first["paragraphs"] + 1


@pytest.mark.django_db
def test_bad_files_fail_clearly_and_the_good_ones_still_import(tmp_path, seeds_dir):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    missing = tmp_path / "missing.txt"
    good = seeds_dir / "juniper-2010-q1-roles-only.txt"
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="3 of 4 file"):
        call_command("ingest", str(empty), str(binary), str(missing), str(good), stdout=out, stderr=err)

    messages = err.getvalue()
    for path in (empty, binary, missing):
        assert str(path) in messages
    assert "created" in out.getvalue()
    assert Call.objects.count() == 1


@pytest.mark.django_db
def test_a_file_without_company_or_period_needs_them_given(tmp_path):
    path = tmp_path / "unplaced.txt"
    path.write_text(UNPLACED, encoding="utf-8")

    with pytest.raises(CommandError):
        [report] = ingest(path)
    assert not Call.objects.exists()

    [report] = ingest(
        path, "--company", "Roe Industries", "--year", "2021", "--quarter", "3", "--date", "2021-10-28"
    )
    call = Call.objects.get()
    assert report["status"] == "created"
    assert (call.company.name, call.fiscal_year, call.fiscal_quarter) == ("Roe Industries", 2021, 3)
    assert call.held_on.isoformat() == "2021-10-28"
    assert call.get_absolute_url() == "/calls/roe-industries/2021-q3/"


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused(tmp_path, settings):
    settings.TRANSCRIPT_MAX_BYTES = 100
    path = tmp_path / "big.txt"
    path.write_text(UNPLACED * 10, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ingest", str(path), "--company", "X", "--year", "2020", "--quarter", "1", stderr=err)
    assert "over the limit" in err.getvalue()
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    ("model", "columns", "left_to_the_database"),
    [(Turn, services.TURN_COLUMNS, set()), (Utterance, services.UTTERANCE_COLUMNS, {"id"})],
)
def test_the_import_copies_every_column_postgresql_does_not_compute(model, columns, left_to_the_database):
    # COPY names its columns: one added to the model and not to the COPY would be left empty.
    written = {field.column for field in model._meta.concrete_fields if not field.generated}
    assert set(columns) == written - left_to_the_database
    assert len(columns) == len(set(columns))


@pytest.mark.django_db
def test_rows_made_as_models_are_those_the_import_copies(seeds_dir, settings):
    # bench/search.py builds its archive with turns_for and utterances_for.
    path = seeds_dir / "allot-2023-q2-bilingual.txt"
    ingest(path)
    call = Call.objects.get()
    transcript = load_transcript_file(path, max_bytes=settings.TRANSCRIPT_MAX_BYTES).transcript
    stored_turns = list(call.turns.order_by("position"))
    speakers = {turn.name.casefold(): turn.speaker for turn in stored_turns if turn.speaker}
    exchanges = list(call.exchanges.order_by("number"))
    made = services.turns_for(call, transcript, speakers=speakers, exchanges=exchanges)
    columns = [column for column in services.TURN_COLUMNS if column != "id"]
    assert [[getattr(t, c) for c in columns] for t in made] == [
        [getattr(t, c) for c in columns] for t in stored_turns
    ]
    stored = list(call.utterances.order_by("position"))
    made = services.utterances_for(call, stored_turns, transcript)
    columns = services.UTTERANCE_COLUMNS
    assert [[getattr(u, c) for c in columns] for u in made] == [
        [getattr(u, c) for c in columns] for u in stored
    ]
    assert any(u.cjk_terms for u in stored)


def assert_nothing_stored():
    assert not Call.objects.exists()
    assert not Turn.objects.exists()
    assert not Utterance.objects.exists()
    assert not Exchange.objects.exists()
    assert not Company.objects.exists()
    assert not Speaker.objects.exists()


@pytest.mark.django_db
def test_a_database_error_while_storing_leaves_no_partial_call(seeds_dir):
    # PostgreSQL itself refuses the paragraphs (their COPY), after the call, speakers and turns.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'disk full'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_refuse BEFORE INSERT ON calls_utterance"
            " FOR EACH ROW EXECUTE FUNCTION test_refuse()"
        )
    out, err = io.StringIO(), io.StringIO()
    path = seeds_dir / "allot-2013-q1-bullets.txt"
    with pytest.raises(CommandError):
        call_command("ingest", str(path), "--json", stdout=out, stderr=err)
    [report] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert report["error"].startswith("the database refused the call: disk full"), report
    assert_nothing_stored()


@pytest.mark.django_db
def test_an_error_in_the_middle_of_the_paragraphs_leaves_no_partial_call(seeds_dir, monkeypatch):
    # Raised while the paragraphs stream to PostgreSQL: the COPY is abandoned with the transaction.
    paragraphs = iter(range(10**6))

    def fail_at_the_tenth(text, translation):
        if next(paragraphs) == 10:
            raise RuntimeError("a bug")
        return ""

    monkeypatch.setattr(services, "chinese_terms", fail_at_the_tenth)
    with pytest.raises(RuntimeError, match="a bug"):
        ingest(seeds_dir / "allot-2013-q1-bullets.txt")
    assert_nothing_stored()
    monkeypatch.undo()
    [report] = ingest(seeds_dir / "allot-2013-q1-bullets.txt")  # the connection still works
    assert report["status"] == "created"
    assert Utterance.objects.count() == report["paragraphs"]


@pytest.mark.django_db
def test_a_folder_imports_every_transcript_in_it():
    reports = ingest(SAMPLES)
    assert len(reports) == len(list(SAMPLES.glob("*.txt"))) >= 3
    assert {r["status"] for r in reports} == {"created"}
    assert Utterance.objects.exclude(translation="").exists()


# Our own small calls: one clean, one that parses with a warning (text before the first speaker).
CLEAN = """Operator
Welcome to the Quillon Systems first quarter 2022 results call.
Jane Roe - Chief Executive Officer
Thank you. Revenue grew and gross margin improved.
"""
# A stray line before the first speaker (not "Page 1 of 3": that is PDF debris, dropped silently).
WITH_WARNING = "Prepared for the archive\n" + CLEAN.replace("first quarter", "second quarter")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_strict_fails_a_file_with_warnings_and_stores_nothing_of_it(tmp_path):
    clean = write(tmp_path, "clean.txt", CLEAN)
    warned = write(tmp_path, "warned.txt", WITH_WARNING)
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 of 2 file"):
        call_command("ingest", str(clean), str(warned), "--strict", "--json", stdout=out, stderr=err)

    reports = [json.loads(line) for line in out.getvalue().splitlines()]
    assert reports[1] == {
        "file": str(warned),
        "error": "--strict: 1 warning(s): line 1: text before the first speaker line belongs to no turn;"
        " ignored",
    }
    assert list(Call.objects.values_list("fiscal_quarter", flat=True)) == [1]

    # Without --strict the same file imports, its warning kept with the call.
    [report] = ingest(warned)
    assert report["status"] == "created" and report["warnings"][0]["line"] == 1
    assert Call.objects.get(fiscal_quarter=2).warnings[0]["line"] == 1


@pytest.mark.django_db
def test_folder_import_ends_with_a_summary_on_stderr_in_json_mode(tmp_path):
    folder = tmp_path / "calls"
    write(folder, "a/q1.txt", CLEAN)
    write(folder, "b/q2.txt", WITH_WARNING)
    [first, _] = ingest(folder)
    write(folder, "b/q2.txt", WITH_WARNING + "Thanks again.\n")  # corrected: replaces Q2
    write(folder, "c/empty.txt", "")
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError):
        call_command("ingest", str(folder), "--json", stdout=out, stderr=err)

    # stdout stays one JSON object per line, one per file, and nothing else.
    reports = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r.get("status", "failed") for r in reports] == ["unchanged", "replaced", "failed"]
    summary = err.getvalue()
    assert "summary: imported 0, replaced 1, unchanged 1, failed 1 (3 files" in summary
    assert "files/s" in summary and "paragraphs/s" in summary
    assert f"failed {folder / 'c' / 'empty.txt'}: the file is empty" in summary
    assert "\r" not in summary  # stderr is not a terminal: no progress line
    assert Call.objects.count() == 2 and reports[0]["url"] == first["url"]


@pytest.mark.django_db
def test_summary_on_stdout_without_json_and_progress_on_a_terminal(tmp_path):
    folder = tmp_path / "calls"
    write(folder, "q1.txt", CLEAN)
    write(folder, "q2.txt", WITH_WARNING)
    out, err = io.StringIO(), Terminal()

    call_command("ingest", str(folder), stdout=out, stderr=err)

    assert (
        out.getvalue().splitlines()[-1].startswith("summary: imported 2, replaced 0, unchanged 0, failed 0")
    )
    progress = err.getvalue()
    assert "\r[" in progress and "2/2 files" in progress and "paragraphs/s" in progress
    assert progress.endswith("\r\x1b[K")  # the progress line is erased before the summary


@pytest.mark.django_db
def test_dry_run_summary_counts_parsed_files(tmp_path):
    path = write(tmp_path, "q1.txt", CLEAN)
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", str(path), "--dry-run", "--json", stdout=out, stderr=err)
    assert err.getvalue().startswith("summary: parsed 1, failed 0 (1 files, 2 paragraphs")
    assert not Call.objects.exists()


@pytest.mark.django_db
def test_a_folder_is_searched_for_the_patterns_given(tmp_path):
    folder = tmp_path / "feed"
    write(folder, "q1.txt", CLEAN)
    rows = [
        {"speaker": "Operator", "text": "Welcome to the Quillon Systems third quarter 2022 results call."},
        {"speaker": "Jane Roe", "text": "Thank you. Revenue grew."},
    ]
    write(folder, "deep/q3.jsonl", "\n".join(json.dumps(row) for row in rows) + "\n")
    write(folder, "README.md", "# Notes on this folder\n")
    assert [r["status"] for r in ingest(folder)] == ["created"]  # *.txt alone by default
    reports = ingest(folder, pattern=["*.txt", "*.jsonl"])  # the README is never read
    assert [(r["file"].rsplit("/", 1)[-1], r["status"]) for r in reports] == [
        ("q3.jsonl", "created"), ("q1.txt", "unchanged"),
    ]  # fmt: skip
    assert sorted(Call.objects.values_list("fiscal_quarter", flat=True)) == [1, 3]


def transactions_of_the_calls() -> list[int]:
    """How many calls each transaction stored, in the order stored, as recorded by the trigger of
    `recording_transactions` (txid_current() is the top-level transaction's, savepoints or not)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM test_call_xact GROUP BY xact ORDER BY min(call_id)")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def recording_transactions():
    """Each call stored, with the transaction that stored it (a test table and trigger)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_call_xact (call_id bigint, xact bigint)")
        cursor.execute(
            "CREATE FUNCTION test_record_xact() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN INSERT INTO test_call_xact VALUES (NEW.id, txid_current()); RETURN NULL; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_record_xact AFTER INSERT ON calls_call"
            " FOR EACH ROW EXECUTE FUNCTION test_record_xact()"
        )
        cursor.execute(
            "CREATE FUNCTION test_refuse_kestrel() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN IF NEW.title ILIKE '%kestrel%' THEN RAISE EXCEPTION 'disk full'; END IF;"
            " RETURN NEW; END $$"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS test_refuse_kestrel ON calls_call")
        cursor.execute("DROP FUNCTION test_refuse_kestrel()")
        cursor.execute("DROP TRIGGER test_record_xact ON calls_call")
        cursor.execute("DROP FUNCTION test_record_xact()")
        cursor.execute("DROP TABLE test_call_xact")


def start_again() -> None:
    call_command("flush", "--noinput")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE test_call_xact")


@pytest.mark.django_db(transaction=True)
def test_calls_are_committed_together_each_one_whole(settings, recording_transactions):
    files = sorted(SAMPLES.glob("*.txt"))
    assert len(files) == 4
    settings.INGEST_COMMIT_FILES = 3
    reports = ingest(*files)
    assert [r["status"] for r in reports] == ["created"] * 4
    assert transactions_of_the_calls() == [3, 1]
    # A file the database refuses inside a transaction of several: the others of it are stored.
    start_again()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TRIGGER test_refuse_kestrel BEFORE INSERT ON calls_call"
            " FOR EACH ROW EXECUTE FUNCTION test_refuse_kestrel()"
        )
    settings.INGEST_COMMIT_FILES = 100
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ingest", *map(str, files), "--json", stdout=out)
    reports = [json.loads(line) for line in out.getvalue().splitlines()]
    refused = [r for r in reports if "error" in r]
    assert [r["file"] for r in refused] == [str(files[1])], reports
    assert refused[0]["error"].startswith("the database refused the call: disk full")
    assert transactions_of_the_calls() == [3]
    assert Call.objects.count() == 3
    assert not Call.objects.filter(title__icontains="kestrel").exists()
    assert not Utterance.objects.filter(call__title__icontains="kestrel").exists()
    # With no time to share, each call commits alone, as a web upload's does.
    start_again()
    settings.INGEST_COMMIT_SECONDS = 0
    with pytest.raises(CommandError):
        call_command("ingest", *map(str, files), "--json", stdout=io.StringIO())
    assert transactions_of_the_calls() == [1, 1, 1]


@pytest.mark.django_db(transaction=True)
def test_stored_together_yields_each_transactions_outcomes_once_committed(settings, recording_transactions):
    # The benchmarks' way of storing as `ingest` does (calls.services.stored_together).
    settings.INGEST_COMMIT_FILES = 3
    files = sorted(SAMPLES.glob("*.txt"))

    def store(path):
        return services.call_import(loaded=load_transcript_file(path, max_bytes=10**7)).status

    batches = []
    for outcomes in services.stored_together(files, store):
        batches.append(outcomes)
        assert Call.objects.count() == sum(map(len, batches))  # yielded as each one ends
    assert batches == [["created"] * 3, ["created"]]
    assert transactions_of_the_calls() == [3, 1]
    assert list(services.stored_together([], store)) == []
