"""Plain layouts of other publishers: participant lists, headings, firms on speaker lines, PDF debris."""

from calls.parsing import Role, Section, parse_transcript

PUBLISHER = """Acme Widgets Inc (ACMW) Q3 2022 Earnings Call
Corporate Participants
Jane Roe -- Chief Executive Officer
John Poe -- Chief Financial Officer
Conference Call Participants
Sam Lee -- Calder Partners -- Analyst
Presentation
Operator
[00:00:05] Good day and welcome to the Acme Widgets third quarter 2022 earnings call.
Page 1 of 3
Jane Roe -- Chief Executive Officer
[00:01:10] Thank you. Revenue grew 12% and gross margin expanded.
Copyright (c) 2022 Acme Widgets Inc. All rights reserved.
John Poe -- Chief Financial Officer
Operating expenses were flat.
Questions and Answers
Operator
Our first question comes from Sam Lee with Calder Partners.
Sam Lee - Calder Partners - Analyst
How is backlog trending?
Jane Roe -- Chief Executive Officer
Backlog is at a record.
- 2 -
Operator
That concludes our question-and-answer session.
"""


def test_title_line_with_quarter_before_year_gives_company_ticker_and_period():
    transcript = parse_transcript(PUBLISHER)
    assert (transcript.company, transcript.ticker) == ("Acme Widgets Inc", "ACMW")
    assert (transcript.fiscal_year, transcript.fiscal_quarter) == (2022, 3)
    assert transcript.title.startswith("Acme Widgets Inc (ACMW)")


def test_participant_lists_are_not_turns_and_raise_no_warnings():
    transcript = parse_transcript(PUBLISHER)
    assert [turn.name for turn in transcript.turns] == [
        "Operator", "Jane Roe", "John Poe", "Operator", "Sam Lee", "Jane Roe", "Operator",
    ]  # fmt: skip
    assert transcript.warnings == []


def test_firm_on_the_speaker_line_is_the_firm_and_the_last_part_the_title():
    transcript = parse_transcript(PUBLISHER)
    sam = next(turn for turn in transcript.turns if turn.name == "Sam Lee")
    assert (sam.title, sam.firm, sam.role) == ("Analyst", "Calder Partners", Role.ANALYST)
    assert transcript.exchanges[0].firm == "Calder Partners"


def test_timestamps_page_markers_and_copyright_lines_are_not_speech():
    texts = [p.text for turn in parse_transcript(PUBLISHER).turns for p in turn.paragraphs]
    assert texts[0] == "Good day and welcome to the Acme Widgets third quarter 2022 earnings call."
    assert texts[1] == "Thank you. Revenue grew 12% and gross margin expanded."
    assert not any("Page" in t or "Copyright" in t or "- 2 -" in t or "[00:" in t for t in texts)
    assert len(texts) == 7


def test_headings_place_the_sections():
    transcript = parse_transcript(PUBLISHER)
    assert transcript.prepared_turn_count == 3
    assert [turn.section for turn in transcript.turns][3:] == [Section.QA] * 4
