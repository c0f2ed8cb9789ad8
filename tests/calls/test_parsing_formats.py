"""The structured-format readers: provider JSON, CSV rows and labelled-field blocks.

Pure functions, no database. The transcripts are invented; the last tests read the real layouts of
../shared/corpus/layouts when that folder is beside the checkout.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calls.parsing import parse_transcript
from calls.parsing.blocks import read_field_blocks
from calls.parsing.csvformat import looks_like_csv, read_csv, read_markdown_table
from calls.parsing.decoding import decode
from calls.parsing.jsonformat import read_json
from calls.parsing.model import ReadLayout, Role, Section, TranscriptError
from calls.parsing.xmlformat import read_xml
from tests.archive import ROOT, norm

LAYOUTS = ROOT.parent / "shared" / "corpus" / "layouts"


def assert_accounted(layout: ReadLayout, text: str) -> None:
    counts = layout.line_counts
    assert set(counts) == {"read", "speech", "speaker", "header", "ignored"}
    assert counts["read"] == counts["speech"] + counts["speaker"] + counts["header"] + counts["ignored"]
    assert counts["read"] == sum(1 for line in text.split("\n") if line.strip())


# --- JSON -----------------------------------------------------------------------------------------------

FOOL_STYLE = {
    "header_texts": ["Prepared Remarks:", "Questions and Answers:"],
    "prepared_remarks": [
        {"speaker": "Operator", "speech": "Good day and welcome to the Acme Widgets call."},
        {"speaker": "Jane  Roe", "speech": "Thank you.\nRevenue grew 12%.\n\nMargins expanded."},
    ],
    "q_and_a": [
        {"speaker": "Operator", "speech": "Our first question comes from Sam Lee with Calder Partners."},
        {"speaker": "Sam Lee", "speech": "How is the backlog?"},
        {"speaker": "Jane Roe", "speech": "At a record."},
        {"speaker": "Duration: 30 minutes", "speech": ""},
    ],
    "participants": ["Jane Roe--Chief Executive Officer", "Sam Lee--Calder Partners -- Analyst"],
}


def test_json_of_prepared_remarks_and_q_and_a_gives_sections_titles_and_firms():
    text = json.dumps(FOOL_STYLE, indent=2)
    layout = read_json(text)
    assert layout.layout == "json"
    assert [(t.name, t.section) for t in layout.turns] == [
        ("Operator", Section.PREPARED),
        ("Jane Roe", Section.PREPARED),
        ("Operator", Section.QA),
        ("Sam Lee", Section.QA),
        ("Jane Roe", Section.QA),
    ]
    jane, sam = layout.turns[1], layout.turns[3]
    assert [p.text for p in jane.paragraphs] == ["Thank you.", "Revenue grew 12%.", "Margins expanded."]
    assert (jane.title, jane.firm, jane.role) == ("Chief Executive Officer", "", None)
    assert (sam.title, sam.firm, sam.role) == ("Analyst", "Calder Partners", Role.ANALYST)
    # Lines are the physical lines of the strings in the file.
    lines = text.split("\n")
    assert '"Sam Lee"' in lines[sam.line - 1]
    assert "backlog" in lines[sam.paragraphs[0].line - 1]
    assert_accounted(layout, text)
    assert layout.line_counts["speech"] == 5 and layout.line_counts["speaker"] == 5


def test_minified_json_is_one_line_of_speech():
    text = json.dumps(FOOL_STYLE)
    layout = read_json(text)
    assert len(layout.turns) == 5
    assert layout.line_counts == {"read": 1, "speech": 1, "speaker": 0, "header": 0, "ignored": 0}


def test_nested_provider_json_with_other_key_names():
    ada = {"name": "Ada Quill", "title": "CFO"}
    cleo = {"name": "Cleo Marsh", "role": "analyst", "firm": "Northgate"}
    presentation = [
        {"participant": ada, "paragraphs": ["Hello.", "Sales rose."]},
        {"participant": {"name": "Ben Ostrowski"}, "paragraphs": [{"text": "Thanks, Ada."}]},
    ]
    questions = [
        {"participant": cleo, "paragraphs": ["Pricing?"]},
        {"participant": ada, "paragraphs": ["Stable."]},
    ]
    data = {
        "meta": {
            "company": {"name": "Borealis Foods", "ticker": "BRLS"},
            "fiscal_year": 2031,
            "quarter": "Q2",
        },
        "data": {
            "transcript": {
                "sections": [
                    {"name": "Presentation", "turns": presentation},
                    {"name": "Q&A", "turns": questions},
                ]
            }
        },
    }
    text = json.dumps(data, indent=1)
    layout = read_json(text)
    assert [(t.name, t.section, t.title, t.firm, t.role) for t in layout.turns] == [
        ("Ada Quill", Section.PREPARED, "CFO", "", None),
        ("Ben Ostrowski", Section.PREPARED, "", "", None),
        ("Cleo Marsh", Section.QA, "", "Northgate", Role.ANALYST),
        ("Ada Quill", Section.QA, "CFO", "", None),
    ]
    assert layout.fields == {"company": "Borealis Foods", "ticker": "BRLS", "year": "2031", "quarter": "Q2"}
    assert_accounted(layout, text)


def test_json_segments_with_speaker_ids_listed_after_them_and_section_keys():
    data = {
        "segments": [
            {"speaker": 0, "section": "prepared remarks", "utterance": "We had a fine quarter."},
            {"speaker": 1, "section": "qa", "utterance": "What about costs?"},
            {"speaker": 7, "section": "qa", "utterance": "A voice nobody listed."},
        ],
        "speakers": [{"id": 0, "name": "Dora Vance", "title": "CEO"}, {"id": 1, "name": "Eli Park"}],
    }
    layout = read_json(json.dumps(data, indent=2))
    assert [(t.name, t.title, t.section) for t in layout.turns] == [
        ("Dora Vance", "CEO", Section.PREPARED),
        ("Eli Park", "", Section.QA),
        ("Speaker 7", "", Section.QA),
    ]


def test_json_with_everything_under_prepared_remarks_leaves_the_section_to_inference():
    data = {"prepared_remarks": FOOL_STYLE["prepared_remarks"] + FOOL_STYLE["q_and_a"], "q_and_a": []}
    layout = read_json(json.dumps(data))
    assert {turn.section for turn in layout.turns} == {None}


def test_json_wrapping_the_page_text_gives_embedded_text_and_fields():
    page = "Full Conference Call Transcript\n\n" + "\n\n".join(
        ["Operator:Welcome to the call.", "Ada Quill:Thank you. " + "Sales rose. " * 60]
    )
    data = {
        "ticker": "BRLS",
        "company": "Borealis Foods",
        "title": "Borealis Foods (BRLS) Q3 2031 Earnings Call Transcript",
        "year": 2031,
        "quarter": None,
        "transcript": page,
        "prepared_remarks": page[:600],
        "qa_section": "",
    }
    text = json.dumps(data, indent=2)
    layout = read_json(text)
    assert layout.layout == "json-text"
    assert layout.turns == []
    assert layout.embedded_text == page
    assert layout.fields == {
        "ticker": "BRLS",
        "company": "Borealis Foods",
        "title": "Borealis Foods (BRLS) Q3 2031 Earnings Call Transcript",
        "year": "2031",
    }
    assert_accounted(layout, text)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        "[" * 500 + '{"speaker": "Ada Quill", "text": "buried"}' + "]" * 500,
    ],
    ids=["lists", "objects", "turns-buried"],
)
def test_deeply_nested_json_is_refused(text):
    with pytest.raises(TranscriptError, match="deep"):
        read_json(text)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[1, 2, 3]", "a list of numbers"),
        ('"just a string"', "a string"),
        ("12", "a number"),
        ("null", "null"),
        ("{}", "an empty object"),
        ('{"rows": [{"speaker": true, "text": 5}, {"speaker": ["x"], "text": "y"}]}', "'rows'"),
        ('{"turns": [{"speaker": 1' + "0" * 40 + ', "text": "hi"}]}', "speaker"),
        ("1" * 5000, "does not parse"),
        ('{"a": ', "does not parse"),
    ],
)
def test_json_of_the_wrong_shape_says_what_was_expected(text, says):
    with pytest.raises(TranscriptError, match=r"speaker|expected|parse") as error:
        read_json(text)
    assert says in str(error.value)


def test_json_lone_surrogates_and_odd_numbers_do_not_leak():
    text = '{"year": 1e400, "quarter": 1.5, "turns": [{"name": "Ada Quill", "content": "bad \\ud800 char"}]}'
    layout = read_json(text)
    assert layout.turns[0].paragraphs[0].text == "bad \ufffd char"
    assert layout.fields == {}


# --- CSV ------------------------------------------------------------------------------------------------

HEADERLESS = """s001,0,4.5,presentation,Operator,"Good day, and welcome to the Borealis call.",Neutral,NoTopic
s002,4.5,9.1,presentation,Ada Quill ,"Thank you, operator.",Neutral,NoTopic
s003,9.1,20.2,presentation,Ada Quill,"Sales rose, and margins held.",Positive,Sales
s004,20.2,30.0,qna,Operator,"Our first question comes from Cleo Marsh with Northgate.",Neutral,NoTopic
s005,30.0,41.0,qna,Cleo Marsh,"How are prices holding up this quarter?",Neutral,Pricing
s006,41.0,52.3,qna,Ada Quill,"Prices are stable.
We expect that to continue.",Positive,Pricing
s007,52.3,60.0,qna,Unidentified Analyst,"And costs, looking into next year?",Neutral,Costs
"""


def test_headerless_csv_finds_speaker_text_and_section_columns_and_merges_runs():
    layout = read_csv(HEADERLESS)
    assert looks_like_csv(HEADERLESS)
    assert layout.layout == "csv"
    assert [(t.name, t.section, len(t.paragraphs)) for t in layout.turns] == [
        ("Operator", Section.PREPARED, 1),
        ("Ada Quill", Section.PREPARED, 2),
        ("Operator", Section.QA, 1),
        ("Cleo Marsh", Section.QA, 1),
        ("Ada Quill", Section.QA, 1),
        ("Unidentified Analyst", Section.QA, 1),
    ]
    assert layout.turns[1].label == "Ada Quill "
    assert [p.line for p in layout.turns[1].paragraphs] == [2, 3]
    # The quoted newline: the row starts on line 6, the next row on line 8.
    assert layout.turns[4].paragraphs[0].line == 6
    assert layout.turns[5].line == 8
    assert "\n" in layout.turns[4].paragraphs[0].text
    assert layout.header == [] and layout.fields == {}
    assert_accounted(layout, HEADERLESS)
    assert layout.line_counts["speech"] == 8


HEADERED = """Company;Call Title;Date;Speaker Name;Speaker Title;Speaker Role;Section;Text
Borealis;Borealis Q3 2031 call;2031-10-30;Operator;;operator;Q&A;-- Our first question comes from Cleo Marsh.
Borealis;Borealis Q3 2031 call;2031-10-30;Cleo Marsh;Analyst;analyst;Q&A;-- Thanks. How are prices?
Borealis;Borealis Q3 2031 call;2031-10-30;Ada Quill;Chief Financial Officer;company;Q&A;-- Stable, Cleo.
Borealis;Borealis Q3 2031 call;2031-10-30;Ada Quill;Chief Financial Officer;company;Q&A;And rising next year.
"""


def test_headered_semicolon_csv_reads_titles_roles_sections_and_call_fields():
    layout = read_csv(HEADERED)
    assert looks_like_csv(HEADERED)
    assert [(t.name, t.title, t.role, t.section) for t in layout.turns] == [
        ("Operator", "", Role.OPERATOR, Section.QA),
        ("Cleo Marsh", "Analyst", Role.ANALYST, Section.QA),
        ("Ada Quill", "Chief Financial Officer", Role.EXECUTIVE, Section.QA),
    ]
    assert [p.text for p in layout.turns[2].paragraphs] == ["Stable, Cleo.", "And rising next year."]
    assert layout.fields == {
        "company": "Borealis",
        "title": "Borealis Q3 2031 call",
        "date": "2031-10-30",
    }
    assert layout.header[0][0] == 1
    assert_accounted(layout, HEADERED)
    assert layout.line_counts["header"] == 1


def test_tab_delimited_csv_with_a_firm_column():
    text = (
        "speaker\tfirm\ttext\nOperator\t\tWelcome to the call, everyone.\nCleo Marsh\tNorthgate\tOn prices?\n"
    )
    layout = read_csv(text)
    assert [(t.name, t.firm) for t in layout.turns] == [("Operator", ""), ("Cleo Marsh", "Northgate")]


def test_a_tab_separated_file_is_read_as_its_columns_whole_file_through():
    rows = [
        ("speaker", "role", "text"),
        ("Operator", "", "Welcome to the Borealis Foods third quarter 2031 earnings call."),
        ("Ada Quill", "CFO", "Thank you.\tSales rose in every region."),
        ("Operator", "", "Our first question comes from Cleo Marsh with Northgate."),
        ("Cleo Marsh", "Analyst", "What about prices?"),
        ("Ada Quill", "CFO", "Stable."),
    ]
    transcript = parse_transcript(("\n".join("\t".join(row) for row in rows)).encode())
    assert transcript.layout == "csv"
    assert [(t.name, t.title) for t in transcript.turns][1:3] == [("Ada Quill", "CFO"), ("Operator", "")]
    assert [e.questioner for e in transcript.exchanges] == ["Cleo Marsh"]
    assert (transcript.company, transcript.fiscal_year, transcript.fiscal_quarter) == (
        "Borealis Foods",
        2031,
        3,
    )


def test_indented_text_is_not_taken_for_columns():
    text = "\tOperator\n\tWelcome to the call.\n\tAda Quill - CFO\n\tThank you.\tSales rose.\n\tMore.\n"
    assert "\t" not in decode(text)[0]


def test_csv_holding_several_calls_is_refused_naming_them():
    rows = ["Company,Call Title,Speaker Name,Text"]
    for quarter in (1, 2, 3, 4):
        rows += [
            f"Borealis Foods,Borealis Q{quarter} 2031 call,Cleo Marsh,What about prices this quarter?",
            f"Borealis Foods,Borealis Q{quarter} 2031 call,Ada Quill,They are stable for now.",
        ]
    with pytest.raises(TranscriptError) as error:
        read_csv("\n".join(rows))
    message = str(error.value)
    assert "4 calls" in message and "Borealis Q1 2031 call" in message and "split" in message


def test_text_transcripts_are_not_csv():
    plain = (
        "Operator\nGood day, and welcome to the call. Please go ahead.\n"
        "Ada Quill - CFO\nThank you, operator. Sales rose, margins held, and costs fell.\n"
    )
    colon = "Operator: Welcome, everyone, to the call.\nAda Quill: Thanks. Sales rose, margins held.\n" * 3
    assert not looks_like_csv(plain)
    assert not looks_like_csv(colon)
    with pytest.raises(TranscriptError):
        read_csv(plain)


# --- Field blocks ---------------------------------------------------------------------------------------

BLOCKS = """[TRANSCRIPT SPECS]
Created on: 2031-11-02 10-00-00
Unique Speakers: 3

[CALL DETAILS]
Bank: Borealis Bank plc
Reporting Period: Q3-2031
Call Date: 2031-10-30

[TRANSCRIPT START]

Speaker: Ada Quill
Job Title: Group Finance Director
Utterance 1: Slide 2 - Results Good morning. Our ﬁrst quarter was strong.

Speaker: Cleo Marsh
Company: Northgate
Utterance 2: Thanks. A question on the ﬂow of deposits.

Speaker: Ada Quill
Job Title: Group Finance Director
Utterance 3: , Group Finance Director Thank you, Cleo. Deposits grew.

Speaker: Ada Quill
Job Title: Group Finance Director
Utterance 4: And they should keep growing.

Speaker: Ben Ostrowski
Utterance 5: Next question, please.

[TRANSCRIPT END]
"""


def test_field_blocks_are_read_with_titles_firms_header_and_fields():
    layout = read_field_blocks(BLOCKS)
    assert layout is not None and layout.layout == "field-blocks"
    assert [(t.name, t.title, t.firm, len(t.paragraphs)) for t in layout.turns] == [
        ("Ada Quill", "Group Finance Director", "", 1),
        ("Cleo Marsh", "", "Northgate", 1),
        ("Ada Quill", "Group Finance Director", "", 2),
        ("Ben Ostrowski", "", "", 1),
    ]
    assert layout.turns[0].paragraphs[0].text.endswith("Our first quarter was strong.")
    assert layout.turns[1].paragraphs[0].text == "Thanks. A question on the flow of deposits."
    assert [p.text for p in layout.turns[2].paragraphs] == [
        "Thank you, Cleo. Deposits grew.",
        "And they should keep growing.",
    ]
    assert layout.turns[2].line == 20 and layout.turns[2].paragraphs[1].line == 26
    assert layout.fields == {
        "company": "Borealis Bank plc",
        "quarter": "3",
        "year": "2031",
        "date": "2031-10-30",
    }
    assert (6, "Bank: Borealis Bank plc") in layout.header
    assert layout.header[-1] == (31, "[TRANSCRIPT END]")
    assert_accounted(layout, BLOCKS)
    assert layout.line_counts == {"read": 23, "speech": 5, "speaker": 9, "header": 9, "ignored": 0}


def test_field_blocks_with_other_labels_and_unlabelled_text():
    text = "\n".join(
        f"Name: {name}\nRole: {role}\n{speech}\n"
        for name, role, speech in [
            ("Operator", "operator", "Welcome to the call, everyone; we begin shortly."),
            ("Ada Quill", "executive", "Thank you. Sales rose and margins held firm."),
            ("Cleo Marsh", "analyst", "Thanks. What about prices next year, please?"),
        ]
    )
    layout = read_field_blocks(text)
    assert layout is not None
    assert [(t.name, t.role) for t in layout.turns] == [
        ("Operator", Role.OPERATOR),
        ("Ada Quill", Role.EXECUTIVE),
        ("Cleo Marsh", Role.ANALYST),
    ]
    assert_accounted(layout, text)


@pytest.mark.parametrize(
    "text",
    [
        "Operator\nGood day and welcome.\nAda Quill - CFO\nThank you.\nCleo Marsh - Analyst\nPrices?\n",
        "Operator: Good day and welcome.\nAda Quill: Thank you. Sales rose.\nCleo Marsh: Prices?\n" * 4,
        "Company: Borealis Foods\nDate: 2031-10-30\n\nOperator: Welcome.\nAda Quill: Thank you, operator.\n",
        json.dumps(FOOL_STYLE, indent=2),
        HEADERLESS,
    ],
    ids=["dash-labels", "colon-labels", "one-header-field", "json", "csv"],
)
def test_other_layouts_are_not_field_blocks(text):
    assert read_field_blocks(text) is None


# --- Never anything but TranscriptError -----------------------------------------------------------------

PIECES = [
    "Speaker: Ada Quill",
    "Speaker: Cleo Marsh",
    "Company: Northgate",
    "Job Title: CFO",
    "Utterance 1: Thank you, and good morning.",
    "Utterance 2:",
    "Operator,Welcome to the call.",
    'Ada Quill,"Sales rose, ',
    "qna;Cleo Marsh;Prices?",
    "\t\t",
    '{"speaker": "Ada Quill", "speech": "Hi."}',
    "[[[",
    "]}",
    '"',
    ",,,,",
    "[TRANSCRIPT START]",
    "Reporting Period: Q5-20999",
    ", CFO Thank you.",
    "ﬁ",
    "",
]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=40), max_size=30).map("\n".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["speaker", "name", "speech", "text", "q_and_a", "participants", "year", "title", "x"]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


def only_transcript_errors(reader, text: str) -> None:
    try:
        result = reader(text)
    except TranscriptError as error:
        assert str(error)
        return
    if isinstance(result, ReadLayout):
        counts = result.line_counts
        assert counts["read"] == counts["speech"] + counts["speaker"] + counts["header"] + counts["ignored"]
        assert result.turns or result.embedded_text


@FAST
@given(texts)
def test_readers_raise_nothing_but_transcript_error_on_arbitrary_text(text):
    for reader in (read_json, read_csv, read_field_blocks, read_xml, read_markdown_table):
        only_transcript_errors(reader, text)
    assert isinstance(looks_like_csv(text), bool)


@FAST
@given(json_values, st.booleans())
def test_json_reader_raises_nothing_but_transcript_error_on_arbitrary_json(value, indent):
    only_transcript_errors(read_json, json.dumps(value, indent=2 if indent else None))


# --- The real layouts -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def layouts_dir():
    if not (LAYOUTS / "expected.json").exists():
        pytest.skip("../shared/corpus/layouts is not beside the checkout")
    return LAYOUTS


READERS = {
    "csv-speaker-rows": read_csv,
    "fool-json-2025": read_json,
    "labeled-utterance-blocks": read_field_blocks,
}


def test_every_structured_corpus_file_is_read(layouts_dir):
    expected = json.loads((layouts_dir / "expected.json").read_text(encoding="utf-8"))
    seen = 0
    for family, reader in READERS.items():
        for path in sorted((layouts_dir / family).iterdir()):
            seen += 1
            text = path.read_text(encoding="utf-8")
            try:
                layout = reader(text)
            except TranscriptError as error:
                assert path.name == "amd_qna_turns.csv", f"{path.name}: {error}"
                assert "9 calls" in str(error) and "split" in str(error)
                continue
            assert layout is not None, path.name
            assert_accounted(layout, text)
            if layout.layout == "json-text":
                assert len(layout.embedded_text) > 1000, path.name
                assert layout.fields.get("ticker"), path.name
                continue
            assert len(layout.turns) > 5, path.name
            names = {norm(turn.name) for turn in layout.turns}
            facts = expected.get(f"{family}/{path.name}", {})
            for speaker in facts.get("speakers", []):
                assert norm(speaker["name"]) in names, f"{path.name}: {speaker['name']} missing"
    assert seen == 16


# --- Markdown tables, JSON Lines, XML ---------------------------------------------------------------------

MARKDOWN_TABLE = """# Zephyr Bio (ZPHB) - Q1 2024 Earnings Call

| Speaker | Role | Remarks |
|:--------|------|---------|
| Operator | | Welcome to the Zephyr Bio first quarter 2024 call. |
| **Ann Roe** | Chief Executive Officer | Enrollment is complete \\| on time. |
| Operator | | Our first question comes from Sam Lee with Calder Partners. |
| Sam Lee | Analyst, Calder Partners | When is the data? |
| Ann Roe | Chief Executive Officer | In the fourth quarter. |
"""


def test_a_markdown_table_of_speaker_rows_with_titles_in_its_role_column():
    read = read_markdown_table(MARKDOWN_TABLE)
    assert read is not None and read.layout == "markdown-table"
    assert_accounted(read, MARKDOWN_TABLE)
    transcript = parse_transcript(MARKDOWN_TABLE)
    assert (transcript.company, transcript.ticker, transcript.fiscal_year, transcript.fiscal_quarter) == (
        "Zephyr Bio", "ZPHB", 2024, 1,
    )  # fmt: skip
    ann = transcript.turns[1]
    assert (ann.name, ann.title, ann.role) == ("Ann Roe", "Chief Executive Officer", Role.EXECUTIVE)
    assert ann.paragraphs[0].text == "Enrollment is complete | on time."
    sam = next(speaker for speaker in transcript.speakers if speaker.name == "Sam Lee")
    assert (sam.title, sam.firm, sam.role) == ("Analyst", "Calder Partners", Role.ANALYST)
    assert [exchange.questioner for exchange in transcript.exchanges] == ["Sam Lee"]
    assert read_markdown_table("| just | one |\n| row | here |\n") is None  # no rule under a header


def test_json_lines_one_row_per_paragraph_repeating_the_call():
    rows = [
        {"company": "Zephyr Power", "ticker": "ZPW", "fiscal_year": 2022, "fiscal_quarter": 2,
         "speaker": speaker, "section": section, "text": text}
        for speaker, section, text in [
            ("Operator", "presentation", "Welcome to the call."),
            ("Ann Roe", "presentation", "Rates were approved."),
            ("Operator", "qa", "Our first question comes from Sam Lee of Calder Partners."),
            ("Sam Lee", "qa", "What is the capex plan?"),
            ("Ann Roe", "qa", "About 2 billion."),
        ]
    ]  # fmt: skip
    text = "\n".join(json.dumps(row) for row in rows) + "\n"
    transcript = parse_transcript(text)
    assert (transcript.company, transcript.ticker, transcript.fiscal_year, transcript.fiscal_quarter) == (
        "Zephyr Power", "ZPW", 2022, 2,
    )  # fmt: skip
    # The company every row repeats is the call's, not the firm of whoever speaks.
    assert {speaker.name: speaker.firm for speaker in transcript.speakers} == {
        "Operator": "", "Ann Roe": "", "Sam Lee": "Calder Partners",
    }  # fmt: skip
    with pytest.raises(TranscriptError, match="does not parse"):
        read_json('{"speaker": "Ann Roe", "text": "Hi."}\nnot json\n')


def test_a_speaker_code_beside_an_object_that_says_who_speaks():
    def turn(code, name, title, text):
        return {"speaker": code, "speaker_info": {"name": name, "title": title}, "text": text}

    data = {
        "event": {"symbol": "ZPW", "company_name": "Zephyr Power", "year": 2022, "quarter": 2},
        "speakers": [
            turn("spk0", "Operator", "", "Welcome to the Zephyr Power second quarter call."),
            turn("spk1", "Ann Roe", "Chief Executive Officer", "Rates were approved."),
            turn("spk0", "Operator", "", "Our first question comes from Sam Lee of Calder Partners."),
            turn("spk2", "Sam Lee", "Analyst", "What is the capex plan?"),
            turn("spk1", "Ann Roe", "Chief Executive Officer", "About 2 billion."),
        ],
    }
    transcript = parse_transcript(json.dumps(data))
    assert [(turn.name, turn.title, turn.role) for turn in transcript.turns[:2]] == [
        ("Operator", "", Role.OPERATOR), ("Ann Roe", "Chief Executive Officer", Role.EXECUTIVE),
    ]  # fmt: skip
    assert "spk1" not in {speaker.name for speaker in transcript.speakers}
    assert [exchange.questioner for exchange in transcript.exchanges] == ["Sam Lee"]


def test_diarized_voices_the_announcer_is_the_operator_and_the_others_take_the_names_given():
    said = [
        ("A", "Welcome to the Zephyr Water second quarter 2023 call. I now hand the call to Ann Roe, CEO."),
        ("B", "Thank you. Volumes rose 6%."),
        ("C", "Thanks, Ann. Adjusted EBITDA was $88 million."),
        ("A", "Our first question comes from Sam Lee with Calder Partners."),
        ("D", "Ann, how is municipal demand?"),
        ("B", "Strong."),
        ("A", "The next question comes from Jo Park with Vantage Capital."),
        ("E", "And margins?"),
        ("C", "Up 50 basis points."),
    ]
    data = {"id": "t1", "utterances": [{"speaker": who, "text": text, "start": 0} for who, text in said]}
    transcript = parse_transcript(json.dumps(data))
    assert [(s.name, s.role) for s in transcript.speakers] == [
        ("Operator", Role.OPERATOR),
        ("Ann Roe", Role.EXECUTIVE),  # handed the floor right before her first words
        ("Speaker C", Role.EXECUTIVE),  # named by nobody: a voice, not the letter "C"
        ("Sam Lee", Role.ANALYST),
        ("Jo Park", Role.ANALYST),
    ]  # fmt: skip
    assert [(e.questioner, e.firm) for e in transcript.exchanges] == [
        ("Sam Lee", "Calder Partners"), ("Jo Park", "Vantage Capital"),
    ]  # fmt: skip


def test_a_turns_role_field_that_names_no_side_is_the_speakers_title():
    rows = [
        ("Operator", "", "Welcome to the Zephyr Systems first quarter 2024 call."),
        ("Ann Roe", "Head of Investor Relations", "With me is our CEO."),
        ("Tom Reyes", "executive", "Revenue rose 8%."),
        ("Operator", "", "Our first question comes from Sam Lee with Calder Partners."),
        ("Sam Lee", "Calder Partners", "How is software growth?"),
    ]
    data = {"transcript_split": [{"speaker": who, "role": role, "text": text} for who, role, text in rows]}
    transcript = parse_transcript(json.dumps(data))
    assert [(s.name, s.title, s.role) for s in transcript.speakers] == [
        ("Operator", "", Role.OPERATOR),
        ("Ann Roe", "Head of Investor Relations", Role.EXECUTIVE),
        ("Tom Reyes", "", Role.EXECUTIVE),
        ("Sam Lee", "", Role.ANALYST),  # a firm in the role field is the firm
    ]  # fmt: skip
    assert transcript.speakers[3].firm == "Calder Partners"


def test_json_that_holds_its_transcript_or_its_speeches_as_html():
    page = "".join(
        [
            "<p>Zephyr Power Inc. (ZPW) Q2 2022 Earnings Call</p>",
            "<p><strong>Operator</strong></p><p>Welcome to the Zephyr Power second quarter call.</p>",
            "<p><strong>Ann Roe</strong></p><p>Rates were approved.</p><p>Capex rose.</p>",
            "<p>" + "Cash flow was strong in every segment. " * 8 + "</p>",
            "<p><strong>Operator</strong></p><p>Our first question comes from Sam Lee of Calder.</p>",
            "<p><strong>Sam Lee</strong></p><p>What about AT&amp;T&#39;s towers?</p>",
            "<p><strong>Ann Roe</strong></p><p>No change.</p>",
        ]
    )
    wrapped = parse_transcript(json.dumps({"data": {"attributes": {"content": page, "publishOn": "x"}}}))
    assert [(t.name, [p.text for p in t.paragraphs][:2]) for t in wrapped.turns[1:2]] == [
        ("Ann Roe", ["Rates were approved.", "Capex rose."])
    ]
    assert wrapped.turns[3].paragraphs[0].text == "What about AT&T's towers?"
    assert [e.questioner for e in wrapped.exchanges] == ["Sam Lee"]
    turns = [
        {"speaker": "Ann Roe", "speech": "<p>Rates were approved.</p><p>Margins <b>expanded</b>.</p>"},
        {"speaker": "Sam Lee", "speech": "Is AT&T a client? Margins < 5% & falling?"},
    ]
    speeches = parse_transcript(json.dumps({"company": "Zephyr", "transcript": turns}))
    assert [[p.text for p in t.paragraphs] for t in speeches.turns] == [
        ["Rates were approved.", "Margins expanded."],
        ["Is AT&T a client? Margins < 5% & falling?"],  # no markup: as written
    ]


XML_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<transcript company="Zephyr Mining Ltd" ticker="ZMN" quarter="3" year="2021">
  <section name="Presentation">
    <turn speaker="Operator">Welcome to the Zephyr Mining third quarter 2021 call.</turn>
    <turn speaker="Ann Roe" title="President and CEO"><p>Output rose.</p><p>Costs fell.</p></turn>
  </section>
  <section name="Question and Answer">
    <turn speaker="Operator">The first question is from Sam Lee of Calder Partners.</turn>
    <turn speaker="Sam Lee" firm="Calder Partners">What about the smelter?</turn>
    <turn speaker="Ann Roe" title="President and CEO">It restarts in January.</turn>
  </section>
  <section name="Question and Answer"><div>x</div><p>y</p><section/></section>
</transcript>
"""


def test_an_xml_feed_is_read_by_its_element_and_attribute_names():
    transcript = parse_transcript(XML_FEED)
    assert (transcript.company, transcript.ticker, transcript.fiscal_year, transcript.fiscal_quarter) == (
        "Zephyr Mining Ltd", "ZMN", 2021, 3,
    )  # fmt: skip
    ann = transcript.turns[1]
    assert (ann.name, ann.title, [p.text for p in ann.paragraphs]) == (
        "Ann Roe", "President and CEO", ["Output rose.", "Costs fell."],
    )  # fmt: skip
    assert [(turn.name, turn.section) for turn in transcript.turns[2:]] == [
        ("Operator", Section.QA), ("Sam Lee", Section.QA), ("Ann Roe", Section.QA),
    ]  # fmt: skip
    assert [(exchange.questioner, exchange.firm) for exchange in transcript.exchanges] == [
        ("Sam Lee", "Calder Partners")
    ]
    counts = read_xml(XML_FEED).line_counts
    assert counts["read"] == sum(1 for line in XML_FEED.split("\n") if line.strip())


# Speech elements that point at a participant list by id, their paragraphs in a bare wrapper, the
# call's facts as child elements, and a security code ("ZMN-US") where the company goes.
XML_BY_PARTICIPANT_ID = """<?xml version="1.0" encoding="UTF-8"?>
<transcript id="77" product="CorrectedTranscript" version="2">
 <meta>
  <title>Q3 2021 Zephyr Mining Ltd Earnings Call</title>
  <date>2021-10-28</date>
  <companies><company>ZMN-US</company></companies>
  <participants>
   <participant id="p0" type="operator">Operator</participant>
   <participant id="p1" type="corprep" affiliation="Zephyr Mining Ltd" title="President">Ann Roe</participant>
   <participant id="p2" type="participant" affiliation="Calder Partners" title="Analyst">Sam Lee</participant>
  </participants>
 </meta>
 <body>
  <section name="MANAGEMENT DISCUSSION SECTION">
   <speaker id="p0"><plist><p>Welcome to the call.</p></plist></speaker>
   <speaker id="p1"><plist><p>Output rose.</p><p>Costs fell.</p></plist></speaker>
  </section>
  <section name="Q&amp;A">
   <speaker id="p0"><plist><p>The first question is from Sam Lee of Calder Partners.</p></plist></speaker>
   <speaker id="p2" type="q"><plist><p>What about the smelter?</p></plist></speaker>
   <speaker id="p1" type="a"><plist><p>It restarts in January.</p></plist></speaker>
  </section>
 </body>
</transcript>
"""


def test_an_xml_feed_whose_speech_points_at_its_participants_by_id():
    transcript = parse_transcript(XML_BY_PARTICIPANT_ID)
    assert (transcript.company, transcript.ticker, transcript.fiscal_year, transcript.fiscal_quarter) == (
        "Zephyr Mining Ltd", "ZMN", 2021, 3,
    )  # fmt: skip
    assert str(transcript.held_on) == "2021-10-28"
    assert [(turn.name, turn.role, turn.section) for turn in transcript.turns] == [
        ("Operator", Role.OPERATOR, Section.PREPARED),
        ("Ann Roe", Role.EXECUTIVE, Section.PREPARED),
        ("Operator", Role.OPERATOR, Section.QA),
        ("Sam Lee", Role.ANALYST, Section.QA),
        ("Ann Roe", Role.EXECUTIVE, Section.QA),
    ]  # fmt: skip
    assert [p.text for p in transcript.turns[1].paragraphs] == ["Output rose.", "Costs fell."]
    assert transcript.turns[1].title == "President"
    assert [(exchange.questioner, exchange.firm) for exchange in transcript.exchanges] == [
        ("Sam Lee", "Calder Partners")
    ]


def test_xml_that_declares_entities_or_does_not_parse_is_refused():
    bomb = '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><t speaker="A B">&a;</t>'
    with pytest.raises(TranscriptError, match="declares entities"):
        parse_transcript(bomb)
    with pytest.raises(TranscriptError, match="does not parse"):
        read_xml('<?xml version="1.0"?><transcript><turn speaker="A">x</transcript>')


def test_a_callers_firm_where_the_title_goes_and_an_officers_segment_where_the_firm_goes():
    data = {
        "prepared_remarks": [
            {"speaker": "Operator", "speech": "Welcome to the Acme Widgets first quarter 2021 call."},
            {"speaker": "Jane Roe", "speech": "Revenue grew."},
        ],
        "q_and_a": [
            {"speaker": "Operator", "speech": "Our first question comes from Sam Lee with JPMorgan."},
            {"speaker": "Sam Lee", "speech": "How is the backlog?"},
            {"speaker": "Operator", "speech": "Next, Di Poe."},
            {"speaker": "Di Poe", "speech": "And margins?"},
            {"speaker": "Jane Roe", "speech": "Better."},
        ],
        "participants": [
            "Jane Roe--President and Chief Operating Officer -- Widget Products",
            "Sam Lee--JP Morgan",
            "Di Poe--Morgan Stanley",
        ],
    }
    transcript = parse_transcript(json.dumps(data))
    speakers = {speaker.name: (speaker.title, speaker.firm) for speaker in transcript.speakers}
    assert speakers["Sam Lee"] == ("", "JPMorgan")
    assert speakers["Di Poe"] == ("", "Morgan Stanley")
    # An officer's title and her segment, not a firm: she stays on the company's side.
    assert speakers["Jane Roe"] == ("President and Chief Operating Officer, Widget Products", "")
    assert {speaker.name: speaker.role for speaker in transcript.speakers}["Jane Roe"] == Role.EXECUTIVE


def test_json_participants_whose_role_is_a_title_give_it_as_the_title():
    document = {
        "event": {"title": "Borealis Foods Q3 2031 Earnings Call"},
        "participants": [
            {"name": "Ada Quill", "role": "Chief Financial Officer", "type": "executive"},
            {"name": "Cleo Marsh", "role": "analyst", "company": "Northgate"},
        ],
        "transcript": [
            {"speaker": "Operator", "text": "Our first question comes from Cleo Marsh with Northgate."},
            {"speaker": "Cleo Marsh", "text": "What about prices?"},
            {"speaker": "Ada Quill", "text": "They are stable."},
        ],
    }
    transcript = parse_transcript(json.dumps(document))
    people = {s.name: (str(s.role), s.title, s.firm) for s in transcript.speakers}
    assert people["Ada Quill"] == ("executive", "Chief Financial Officer", "")
    assert people["Cleo Marsh"] == ("analyst", "", "Northgate")


def test_an_api_answer_of_one_document_in_a_list_is_read_with_its_facts():
    lines = [
        "Operator: Welcome to the Borealis Foods third quarter earnings call.",
        "Ada Quill: Thank you. " + "Sales rose in every region, and margins held as costs eased. " * 8,
        "Operator: Our first question comes from Cleo Marsh with Northgate.",
        "Cleo Marsh: What about prices?",
        "Ada Quill: They are stable.",
    ]
    answer = [
        {
            "symbol": "BORF",
            "quarter": 3,
            "year": 2031,
            "date": "2031-10-30 17:00:00",
            "content": "\n".join(lines),
        }
    ]
    transcript = parse_transcript(json.dumps(answer))
    assert transcript.layout == "json-name-colon"
    assert (transcript.ticker, transcript.fiscal_year, transcript.fiscal_quarter) == ("BORF", 2031, 3)
    assert str(transcript.held_on) == "2031-10-30"
    assert [t.name for t in transcript.turns] == [
        "Operator",
        "Ada Quill",
        "Operator",
        "Cleo Marsh",
        "Ada Quill",
    ]
    assert [e.questioner for e in transcript.exchanges] == ["Cleo Marsh"]


def test_a_text_opening_with_a_bracketed_label_is_not_taken_for_json():
    text = "[Operator]\nWelcome to the call.\n[Ada Quill, CFO]\nThank you.\n"
    assert read_layout_kind(text) != "json"


def read_layout_kind(text: str) -> str:
    from calls.parsing import read_layout

    try:
        return read_layout(text).layout
    except TranscriptError:
        return "refused as text"


def test_participants_described_and_a_call_time_with_its_date():
    document = {
        "symbol": "BORF",
        "year": 2031,
        "quarter": 3,
        "time": "2031-10-30 17:00:00",
        "participant": [
            {"name": "Ada Quill", "description": "Chief Financial Officer", "role": "executive"},
            {"name": "Cleo Marsh", "description": "Northgate", "role": "analyst"},
        ],
        "transcript": [
            {"name": "Operator", "speech": ["Our first question comes from Cleo Marsh."], "session": "qa"},
            {"name": "Cleo Marsh", "speech": ["What about prices?"], "session": "qa"},
            {"name": "Ada Quill", "speech": ["They are stable."], "session": "qa"},
        ],
    }
    transcript = parse_transcript(json.dumps(document))
    people = {s.name: (str(s.role), s.title, s.firm) for s in transcript.speakers}
    assert people["Ada Quill"] == ("executive", "Chief Financial Officer", "")
    assert people["Cleo Marsh"] == ("analyst", "", "Northgate")
    assert str(transcript.held_on) == "2031-10-30"
