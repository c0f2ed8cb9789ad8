"""Text with no speaker labels (machine transcription run together on one line): nobody's words are
given to a person, but the operator's announcements still open Q&A slots under the names they give."""

import pytest

from calls.models import Call, Exchange, Turn
from calls.parsing import Role, Section, TranscriptError, parse_transcript
from tests.archive import ingest

REMARKS = (
    "Ladies and gentlemen, good day and welcome to the Q three FY 2024 earnings conference call of "
    "Zephyr Widgets Limited. As a reminder, all participant lines will be in the listen only mode. "
    "I now hand the conference over to Mister Ravi Menon. Thank you and over to you sir. "
    "Thank you so much and good evening everyone. This is Ravi Menon, the managing director. "
) + " ".join(
    f"In the {period} our widget deposits grew by {n} percent and the loan book by {n + 2} percent, "
    "with the margin steady at three point one percent and slippages well contained."
    for n, period in enumerate(["first month", "second month", "third month", "quarter as a whole"] * 5, 4)
)
QUESTIONS = (
    " With that I would request the coordinator to open the line for questions. Thank you very much. "
    "We will now begin the question and answer session. Anyone who wishes to ask a question may press "
    "star and one on the touchstone telephone. Ladies and gentlemen, we will wait for a moment while the "
    "question queue assembles. The first question is from the line of Anil, who is an investor. Please "
    "go ahead. Good evening Anil. Good evening sir. How do you see the deposit growth next year? "
    "We expect it to stay in the low teens. Thank you. The next question is from the line of Meera Iyer "
    "from harbour capital advisors. Please go ahead. Hi, thanks. What drove the margin this quarter? "
    "Mostly the repricing of the older loans. The next question is from the line of Kunal Shah from "
    "Lotus Securities. Please go ahead. I think the participant has dropped out. The next question is "
    "from the line of Priya Nair from Delta Funds. Please go ahead. Is the dividend policy unchanged? "
    "Yes, it is unchanged. Thank you ladies and gentlemen, that is the last question for today. "
    "I now hand the conference back to the management for closing comments. Thank you all for joining."
)
RUN_ON = REMARKS + QUESTIONS


def test_the_operators_announcements_open_slots_under_the_names_they_give():
    transcript = parse_transcript(RUN_ON)

    assert transcript.layout == "unlabelled"
    assert (transcript.company, transcript.fiscal_year, transcript.fiscal_quarter) == (
        "Zephyr Widgets Limited",
        2024,
        3,
    )
    slots = [(e.questioner, e.firm) for e in transcript.exchanges]
    assert slots == [
        ("Anil", ""),
        ("Meera Iyer", "harbour capital advisors"),
        ("Kunal Shah", "Lotus Securities"),
        ("Priya Nair", "Delta Funds"),
    ]
    # Nobody is made a person: every slot's text is the unidentified speaker's, role unknown.
    speakers = {(s.name, s.role) for s in transcript.speakers}
    assert speakers == {("Unidentified Speaker", Role.UNKNOWN), ("Operator", Role.OPERATOR)}
    for exchange in transcript.exchanges:
        (turn,) = transcript.turns[exchange.first_turn : exchange.last_turn + 1]
        assert turn.name == "Unidentified Speaker" and turn.section == Section.QA
        assert transcript.turns[exchange.first_turn - 1].name == "Operator"
    meera = transcript.turns[transcript.exchanges[1].first_turn]
    assert "Meera Iyer" not in " ".join(p.text for p in meera.paragraphs)


def test_what_only_an_operator_says_is_the_operators_and_the_rest_nobodys():
    transcript = parse_transcript(RUN_ON)
    texts = [(t.name, " ".join(p.text for p in t.paragraphs)) for t in transcript.turns]

    assert texts[0][0] == "Unidentified Speaker" and texts[0][1].startswith("Ladies and gentlemen, good day")
    assert transcript.turns[0].section == Section.PREPARED
    assert texts[0][1].endswith("Thank you very much.")
    # The queue instructions and the first announcement are one operator turn, the go-ahead included.
    assert texts[1] == (
        "Operator",
        "We will now begin the question and answer session. Anyone who wishes to ask a question may "
        "press star and one on the touchstone telephone. Ladies and gentlemen, we will wait for a "
        "moment while the question queue assembles. The first question is from the line of Anil, who "
        "is an investor. Please go ahead.",
    )
    assert texts[2][1].startswith("Good evening Anil.") and texts[2][1].endswith("Thank you.")
    # A caller who dropped out: the next announcement opens a slot and a turn of its own.
    kunal = transcript.exchanges[2].first_turn
    assert texts[kunal] == ("Unidentified Speaker", "I think the participant has dropped out.")
    assert texts[kunal + 1][0] == "Operator"
    # The operator closes the questions; the closing remarks belong to no slot.
    assert texts[-2] == ("Operator", "Thank you ladies and gentlemen, that is the last question for today.")
    assert transcript.turns[-1].exchange is None and transcript.turns[-1].section == Section.QA


def test_a_run_on_line_reads_as_paragraphs_cut_at_sentence_ends():
    transcript = parse_transcript(RUN_ON)
    paragraphs = [p for turn in transcript.turns for p in turn.paragraphs]

    assert len(transcript.turns[0].paragraphs) > 2
    assert all(len(p.text) < 900 for p in paragraphs)
    assert all(p.text.endswith((".", "?", "!")) for p in paragraphs)
    assert all(p.line == 1 for p in paragraphs)
    assert " ".join(p.text for p in paragraphs) == " ".join(RUN_ON.split())
    assert transcript.line_counts == {"read": 1, "speech": 1, "speaker": 0, "header": 0, "ignored": 0}


def test_the_file_is_flagged_for_review_and_says_what_was_read():
    transcript = parse_transcript(RUN_ON)
    doubts = [w.message for w in transcript.warnings if w.doubt]

    assert doubts == [
        "no speaker labels found: the text is kept under one unidentified speaker; 4 Q&A slots read from "
        "the operator's announcements, each slot's question and answers not told apart"
    ]


def test_text_without_announcements_stays_one_unidentified_speaker_with_a_paragraph_per_line():
    lines = [sentence + "." for sentence in REMARKS.split(". ") if sentence]
    transcript = parse_transcript("\n".join(lines))

    assert [t.name for t in transcript.turns] == ["Unidentified Speaker"]
    assert transcript.exchanges == []
    assert len(transcript.turns[0].paragraphs) == len(lines)
    assert [p.line for p in transcript.turns[0].paragraphs] == list(range(1, len(lines) + 1))


@pytest.mark.parametrize(
    "text",
    [
        "Revenue grew and the margin held. " * 20,  # too little to be a call
        RUN_ON.replace("Zephyr Widgets Limited", "the group").replace("Q three FY 2024", "latest"),
    ],
    ids=["too short", "which call is not said"],
)
def test_unlabelled_text_that_cannot_be_placed_is_refused(text):
    with pytest.raises(TranscriptError, match="no speaker lines"):
        parse_transcript(text)


@pytest.mark.django_db
def test_stored_slots_name_the_announced_caller_without_making_a_speaker_of_them(tmp_path, client):
    path = tmp_path / "zephyr-q3-fy2024.txt"
    path.write_text(RUN_ON)

    (report,) = ingest(path)

    assert report["status"] == "created"
    call = Call.objects.get()
    exchanges = list(call.exchanges.values_list("number", "questioner_id", "questioner_name", "firm"))
    assert exchanges == [
        (1, None, "Anil", ""),
        (2, None, "Meera Iyer", "harbour capital advisors"),
        (3, None, "Kunal Shah", "Lotus Securities"),
        (4, None, "Priya Nair", "Delta Funds"),
    ]
    assert not Turn.objects.filter(call=call, speaker__isnull=False).exists()
    page = client.get(Exchange.objects.get(call=call, number=2).get_absolute_url())
    assert page.status_code == 200
    assert "Meera Iyer" in page.content.decode()
    assert "What drove the margin this quarter?" in page.content.decode()
