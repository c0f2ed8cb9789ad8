"""A call published in two files (presentation, Q&A) becomes one call, whichever file comes first."""

import pytest
from django.core.management import CommandError

from calls.models import Call, Exchange, Speaker, Turn, Utterance
from calls.parsing import ParseWarning, Role, Section, TranscriptError
from calls.services import call_import
from search.models import UtteranceTally
from tests.archive import ingest
from tests.calls.transcripts import loaded, parse_as, prepared, questions, turn

PERIOD = {"year": 2025, "quarter": 4}


def presentation(*texts: str, exchange: bool = False, **fields):
    """The presentation half; `exchange`: an odd one with a question in it, to number exchanges across."""
    turns = prepared(*(texts or ("Revenue in the quarter was a record for the zephyrine line.",)))
    exchanges = []
    if exchange:
        more, exchanges = questions(
            ("Ida Vance", "Pellucid Partners", "A question already?"), after=len(turns)
        )
        turns += more
    fields = {"company": "Quillon Systems", "ticker": "QUIL", **PERIOD, **fields}
    return loaded(
        "QUIL_4Q25_presentation.txt", turns=turns, exchanges=exchanges, part="presentation", **fields
    )


def qa(*asked, **fields):
    asked = asked or (
        ("Sam Asker", "Big Bank", "How durable is the marmoset backlog?"),
        ("Lou Query", "Example Research", "And the margins?"),
    )
    turns, exchanges = questions(*asked)
    closing = turn(
        "Operator", "This concludes today's call.", role=Role.OPERATOR, section=Section.QA, line=90
    )
    fields = {"company": "", "ticker": "QUIL", **PERIOD, **fields}
    return loaded("QUIL_4Q25_qna.txt", turns=[*turns, closing], exchanges=exchanges, part="qa", **fields)


def store(half):
    return call_import(loaded=half)


def layout(call: Call) -> dict:
    """What the call holds, in order, without row ids."""
    turns = list(
        call.turns.order_by("position").values_list("position", "name", "section", "exchange__number")
    )
    utterances = list(call.utterances.order_by("position").values_list("position", "turn__position", "text"))
    exchanges = list(call.exchanges.order_by("number").values_list("number", "questioner_name"))
    return {"turns": turns, "utterances": utterances, "exchanges": exchanges}


@pytest.mark.django_db
def test_presentation_then_qa_make_one_call_in_order():
    first = store(presentation())
    second = store(qa())

    assert (first.status, second.status) == ("created", "created")
    assert first.call.pk == second.call.pk and Call.objects.count() == 1
    call = Call.objects.get()
    held = layout(call)
    assert [name for _, name, _, _ in held["turns"]][:3] == ["Operator", "Jane Roe", "Operator"]
    assert [position for position, *_ in held["turns"]] == list(range(1, 10))
    assert [position for position, *_ in held["utterances"]] == list(range(1, 10))
    assert held["utterances"][1][2].startswith("Revenue in the quarter")
    assert held["utterances"][3][2] == "How durable is the marmoset backlog?"
    assert held["exchanges"] == [(1, "Sam Asker"), (2, "Lou Query")]
    assert sorted(call.parts) == ["presentation", "qa"]
    assert call.source_name == "QUIL_4Q25_presentation.txt + QUIL_4Q25_qna.txt"
    assert call.get_absolute_url() == "/calls/quillon-systems/2025-q4/"
    assert sum(UtteranceTally.objects.filter(call=call).values_list("utterances", flat=True)) == 9


@pytest.mark.django_db
@pytest.mark.parametrize("exchange_in_presentation", [False, True])
def test_either_order_gives_the_same_call(exchange_in_presentation):
    store(presentation(exchange=exchange_in_presentation))
    store(qa())
    in_order = layout(Call.objects.get())
    Call.objects.all().delete()

    store(qa(company="Quillon Systems"))  # the Q&A first: it must name the company, no company is stored
    store(presentation(exchange=exchange_in_presentation))

    assert layout(Call.objects.get()) == in_order
    if exchange_in_presentation:
        assert in_order["exchanges"][0] == (1, "Ida Vance") and in_order["exchanges"][1] == (2, "Sam Asker")
    # Every turn's exchange is one of its own call's, with the number the list gives it.
    assert not Turn.objects.exclude(exchange=None).exclude(exchange__call=Call.objects.get()).exists()


@pytest.mark.django_db
def test_a_qa_half_naming_no_company_is_found_by_ticker_or_refused():
    with pytest.raises(
        TranscriptError, match="no stored company has the ticker QUIL: import the call's presentation"
    ):
        store(qa())
    assert not Call.objects.exists()

    store(presentation(year=2025, quarter=3))  # the company is known now, from another quarter's call
    call = store(qa()).call
    assert call.company.name == "Quillon Systems" and list(call.parts) == ["qa"]


@pytest.mark.django_db
def test_the_same_half_again_is_unchanged():
    store(presentation())
    store(qa())
    ids = list(Utterance.objects.order_by("position").values_list("pk", flat=True))

    assert store(qa()).status == "unchanged"
    assert store(presentation()).status == "unchanged"
    assert list(Utterance.objects.order_by("position").values_list("pk", flat=True)) == ids


@pytest.mark.django_db
def test_a_changed_presentation_replaces_only_itself_and_the_qa_follows_it():
    store(presentation())
    store(qa())
    qa_rows = dict(Utterance.objects.filter(section="qa").values_list("pk", "text"))

    result = store(presentation("Revenue was a record.", "Bookings were too.", "And so was cash."))

    assert result.status == "replaced"
    call = Call.objects.get()
    held = layout(call)
    assert [text for _, _, text in held["utterances"][1:4]] == [
        "Revenue was a record.",
        "Bookings were too.",
        "And so was cash.",
    ]
    assert [position for position, *_ in held["utterances"]] == list(range(1, 12))
    assert [position for position, *_ in held["turns"]] == list(range(1, 10))
    # The Q&A rows are the same rows, moved two places on, their exchanges unchanged.
    assert dict(Utterance.objects.filter(section="qa").values_list("pk", "text")) == qa_rows
    assert held["exchanges"] == [(1, "Sam Asker"), (2, "Lou Query")]
    assert held["utterances"][5][2] == "How durable is the marmoset backlog?"
    assert call.parts["qa"]["checksum"] == qa().checksum


@pytest.mark.django_db
def test_a_changed_qa_replaces_only_itself_and_drops_its_misspelt_speaker():
    store(presentation())
    store(qa(("Sam Askre", "Big Bank", "How durable is the marmoset backlog?")))
    presentation_rows = list(Utterance.objects.filter(section="prepared").values_list("pk", flat=True))

    result = store(qa())

    assert result.status == "replaced"
    assert (
        list(Utterance.objects.filter(section="prepared").values_list("pk", flat=True)) == presentation_rows
    )
    assert not Speaker.objects.filter(name="Sam Askre").exists()
    assert layout(Call.objects.get())["exchanges"] == [(1, "Sam Asker"), (2, "Lou Query")]


@pytest.mark.django_db
def test_search_finds_the_text_of_both_halves(client):
    store(qa(company="Quillon Systems"))
    store(presentation())

    for word, section in (("zephyrine", "prepared"), ("marmoset", "qa")):
        results = client.get("/api/search/", {"q": word}).json()["results"]
        assert [(r["company_slug"], r["section"]) for r in results] == [("quillon-systems", section)], word
        assert results[0]["url"].endswith(
            "/calls/quillon-systems/2025-q4/#p" + str(2 if section == "prepared" else 4)
        )


@pytest.mark.django_db
def test_a_whole_file_replaces_both_halves_and_a_half_never_replaces_a_whole_call():
    store(presentation())
    store(qa())
    whole = loaded(company="Quillon Systems", ticker="QUIL", **PERIOD)

    assert store(whole).status == "replaced"
    call = Call.objects.get()
    assert call.parts == {} and call.utterances.count() == 2 and not Exchange.objects.exists()

    with pytest.raises(TranscriptError, match="stored from one file holding the whole call; the Q&A alone"):
        store(qa())
    assert Call.objects.get().utterances.count() == 2


@pytest.mark.django_db
def test_ingest_reports_each_half_and_its_own_warnings(tmp_path):
    first, second = presentation(), qa()
    second.transcript.warnings = [ParseWarning(3, "a line of the Q&A file was odd")]
    paths = [tmp_path / half.source_name for half in (first, second)]
    for path in paths:
        path.write_text("placeholder: the parser is replaced in this test\n", encoding="utf-8")

    with parse_as({half.source_name: half.transcript for half in (first, second)}):
        reports = ingest(*paths)
        again = ingest(paths[1])

    assert [r["status"] for r in reports] == ["created", "created"]
    assert [r["part"] for r in reports] == ["presentation", "qa"]
    assert reports[0]["url"] == reports[1]["url"] == "/calls/quillon-systems/2025-q4/"
    assert reports[0]["warnings"] == []
    assert reports[1]["warnings"] == [{"line": 3, "message": "a line of the Q&A file was odd"}]
    assert again[0]["status"] == "unchanged" and again[0]["warnings"] == reports[1]["warnings"]
    # The call keeps both halves' warnings, each saying which half it came from.
    assert Call.objects.get().warnings == [
        {"line": 3, "message": "a line of the Q&A file was odd", "part": "qa"}
    ]


@pytest.mark.django_db
def test_ingest_refuses_a_qa_half_of_an_unknown_ticker_and_goes_on(tmp_path):
    lonely = qa(ticker="ZZZQ")
    path = tmp_path / lonely.source_name
    path.write_text("placeholder\n", encoding="utf-8")
    with parse_as({path.name: lonely.transcript}), pytest.raises(CommandError, match="1 of 1"):
        ingest(path)
    assert not Call.objects.exists()


@pytest.mark.django_db
def test_ingest_takes_the_halves_in_either_order_in_one_run(tmp_path):
    halves = [qa(), presentation()]  # the Q&A names no company: it waits for the presentation
    paths = [tmp_path / half.source_name for half in halves]
    for path in paths:
        path.write_text("placeholder: the parser is replaced in this test\n", encoding="utf-8")

    with parse_as({half.source_name: half.transcript for half in halves}):
        reports = ingest(*paths)

    assert [(r["part"], r["status"]) for r in reports] == [("presentation", "created"), ("qa", "created")]
    assert sorted(Call.objects.get().parts) == ["presentation", "qa"]


PRESENTATION_FILE = """Quillon Systems Inc. (QUIL) Q4 2025 Earnings Call Transcript
Operator
Good day and welcome to the Quillon Systems fourth quarter 2025 results call.
Jane Roe - Chief Executive Officer
Thank you. Revenue in the quarter was a record for the zephyrine line.
"""
QA_FILE = """Operator
Our first question comes from Sam Asker with Big Bank.
Sam Asker - Analyst
How durable is the marmoset backlog?
Jane Roe - Chief Executive Officer
Quite durable.
Operator
This concludes today's call.
"""


@pytest.mark.django_db
def test_real_files_named_as_halves_become_one_call(tmp_path):
    presentation_path = tmp_path / "QUIL_4Q25_presentation.txt"
    presentation_path.write_text(PRESENTATION_FILE, encoding="utf-8")
    qa_path = tmp_path / "QUIL_4Q25_qna.txt"
    qa_path.write_text(QA_FILE, encoding="utf-8")
    [parsed] = ingest(qa_path, dry_run=True)
    if parsed.get("part") != "qa":
        pytest.skip("the parser does not tell the halves of a split call apart yet")

    reports = ingest(qa_path, presentation_path)

    assert {r["status"] for r in reports} == {"created"}
    call = Call.objects.get()
    assert call.get_absolute_url() == "/calls/quillon-systems/2025-q4/"
    texts = list(call.utterances.order_by("position").values_list("text", flat=True))
    assert texts.index("How durable is the marmoset backlog?") > texts.index(
        "Thank you. Revenue in the quarter was a record for the zephyrine line."
    )


@pytest.mark.django_db
def test_a_file_named_as_the_qa_half_that_holds_the_whole_call_is_stored_as_the_whole_call(tmp_path):
    # The name says "qna", the text has the prepared remarks and then its own Q&A heading: the
    # text wins, or the remarks would be filed as Q&A and the file joined to another's call.
    path = tmp_path / "QUIL_4Q25_qna.txt"
    path.write_text(PRESENTATION_FILE + "Questions and Answers\n" + QA_FILE, encoding="utf-8")

    [report] = ingest(path)

    assert report["status"] == "created" and report["part"] is None
    assert any("read as the whole call" in warning["message"] for warning in report["warnings"])
    call = Call.objects.get()
    assert call.parts == {}
    sections = dict(call.utterances.values_list("text", "section"))
    assert sections["Thank you. Revenue in the quarter was a record for the zephyrine line."] == "prepared"
    assert sections["How durable is the marmoset backlog?"] == "qa"
    assert list(Exchange.objects.values_list("questioner_name", flat=True)) == ["Sam Asker"]
