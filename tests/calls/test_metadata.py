"""find_metadata: company, ticker, period, date, title and part from a file's evidence.

Pure functions, no database. Every string here is invented; the rules are the ones transcripts from
Seeking Alpha, StreetEvents, Refinitiv, FactSet, S&P and the companies themselves follow.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calls.parsing.metadata import CallMetadata, find_metadata


def meta(*lines: str, opening: tuple[str, ...] = (), filename: str = "", **fields: str) -> CallMetadata:
    header = [(number, line) for number, line in enumerate(lines, 1)]
    return find_metadata(header=header, opening=list(opening), filename=filename, fields=fields or None)


def period(result: CallMetadata) -> tuple[int | None, int | None]:
    return result.fiscal_year, result.fiscal_quarter


# --- Header labels ----------------------------------------------------------------------------------


def test_header_fields_in_any_case():
    result = meta("COMPANY: Tengard", "ticker: TNGD", "Year: 2024", "QUARTER: Q1", "Date: 2024-05-14")
    assert (result.company, result.ticker, period(result)) == ("Tengard", "TNGD", (2024, 1))
    assert result.held_on == datetime.date(2024, 5, 14)
    assert result.header_lines == {1, 2, 3, 4, 5}


def test_company_field_drops_a_translation_in_brackets_and_reads_a_ticker():
    assert meta("Company: Macrosoft (麦克软件)").company == "Macrosoft"
    result = meta("Company: Orbit Search Inc. (NASDAQ:ORBS)")
    assert (result.company, result.ticker) == ("Orbit Search Inc.", "ORBS")


def test_bank_reporting_period_and_call_date():
    result = meta(
        "[TRANSCRIPT SPECS]",
        "Created on: 2025-05-21 09-20-35",
        "[CALL DETAILS]",
        "Bank: Harbourside PLC",
        "Reporting Period: Q1-2025",
        "Call Date: 2025-04-29",
    )
    assert (result.company, period(result)) == ("Harbourside PLC", (2025, 1))
    assert result.held_on == datetime.date(2025, 4, 29)  # not the conversion tool's "created" stamp
    assert {4, 5, 6} <= result.header_lines


def test_chinese_labels():
    result = meta("公司：腾达控股", "年度: 2024", "季度: 第一季度")
    assert (result.company, period(result)) == ("腾达控股", (2024, 1))


def test_an_analysts_company_field_after_the_first_speaker_is_not_the_company():
    result = meta("Reporting Period: Q2-2024", "Speaker: Jane Roe", "Company: Northgate Securities")
    assert result.company == ""
    assert meta("Speaker: Jane Roe", "Company: Northgate Securities").company == ""


def test_call_date_written_as_day_month_year():
    assert meta("Call Date: 21 May 2025").held_on == datetime.date(2025, 5, 21)


@pytest.mark.parametrize(
    "line",
    [
        "Thursday, August 24, 2023, 5:00 PM Eastern",
        "August 24, 2023 at 10:00 a.m. Hong Kong Time",
        "24 August 2023 / 9:00PM GMT",
        # as Spanish, Portuguese, French and German calls write the date
        "24 de agosto de 2023",
        "24 de agosto de 2023, 10:00 horas",
        "24 août 2023",
        "24. August 2023",
        "*Held on Thursday, August 24, 2023*",
    ],
)
def test_a_date_line_with_its_time_and_time_zone(line):
    assert meta("Zephyr Q3 2023 Earnings Call", line).held_on == datetime.date(2023, 8, 24)
    # A date that opens a sentence is no date line.
    assert meta("Zephyr Q3 2023 Earnings Call", "August 24, 2023 was a record day").held_on is None
    assert meta("Zephyr Q3 2023 Earnings Call", "Updated on August 24, 2023").held_on is None


# --- Title lines ------------------------------------------------------------------------------------


def test_company_ticker_period_and_date_from_one_title_line():
    title = "Zenith Media, Inc. (NASDAQ:ZNTH) Q1 2016 Earnings Conference Call November  4, 2015  8:30 AM ET"
    result = meta(title, "Executives", "Ann Lee - Chief Executive Officer")
    assert (result.company, result.ticker, period(result)) == ("Zenith Media, Inc.", "ZNTH", (2016, 1))
    assert result.held_on == datetime.date(2015, 11, 4)
    assert result.title == title
    assert 1 in result.header_lines


def test_ticker_in_brackets_without_exchange_and_with_a_country_code():
    result = meta("Acme Widgets (ACMW) Q4 2025 Earnings Call Transcript")
    assert (result.company, result.ticker, period(result)) == ("Acme Widgets", "ACMW", (2025, 4))
    assert meta("Lumen Valley Corp. (LV:CA) Q4 2025 Earnings Call").ticker == "LV"


def test_streetevents_title_states_the_period_first():
    result = meta(
        "Refinitiv StreetEvents Event Transcript",
        "E D I T E D   V E R S I O N",
        "Q2 2020 Borealis Devices Inc Earnings Call",
        "JULY 28, 2020 / 9:00PM GMT",
    )
    assert (result.company, period(result)) == ("Borealis Devices Inc", (2020, 2))
    assert result.held_on == datetime.date(2020, 7, 28)
    assert {3, 4} <= result.header_lines


def test_refinitiv_title_with_a_ric_wrapped_over_two_lines():
    result = meta(
        "REFINITIV STREETEVENTS",
        "1234.TW - Q1 2023 Formosa Widget Manufacturing Co Ltd",
        "Earnings Call (Chinese, English)",
        "EVENT DATE/TIME: APRIL 20, 2023 / 6:00AM GMT",
    )
    assert (result.company, result.ticker) == ("Formosa Widget Manufacturing Co Ltd", "1234.TW")
    assert period(result) == (2023, 1)
    assert result.held_on == datetime.date(2023, 4, 20)
    assert {2, 3, 4} <= result.header_lines


def test_refinitiv_us_exchange_suffix_is_no_part_of_the_ticker():
    assert meta("BRDA.OQ - Q3 2022 Birdair Group Inc Earnings Call").ticker == "BRDA"


def test_factset_cover_company_line_over_the_period_line():
    result = meta("Corrected Transcript", "02-May-2023", "Quill Rides, Inc. (QUIL)", "Q1 2023 Earnings Call")
    assert (result.company, result.ticker, period(result)) == ("Quill Rides, Inc.", "QUIL", (2023, 1))
    assert result.held_on == datetime.date(2023, 5, 2)
    assert result.title == "Q1 2023 Earnings Call"


def test_a_person_with_a_role_in_brackets_is_no_cover_line():
    assert meta("Jane Roe (CEO)", "Q1 2023 Earnings Call").company == ""


def test_sp_page_header_in_capitals_is_title_cased_and_fiscal_beats_the_file_name():
    result = meta(
        "ORCHARD WHOLESALE CORPORATION FQ2 2023 EARNINGS CALL  MAR 02, 2023", filename="Q1-2023-orchard.txt"
    )
    assert (result.company, period(result)) == ("Orchard Wholesale Corporation", (2023, 2))
    assert result.period_conflict == ""
    assert result.held_on == datetime.date(2023, 3, 2)


def test_sp_cover_line_with_exchange_and_ticker():
    result = meta("Orchard Wholesale Corporation NasdaqGS:ORCH", "FQ2 2023 Earnings Call Transcripts")
    assert (result.company, result.ticker, period(result)) == (
        "Orchard Wholesale Corporation",
        "ORCH",
        (2023, 2),
    )


def test_year_before_quarter_and_a_chinese_call_word():
    result = meta("Nimbus Ltd (NMBS) 2013 Q1 法說會逐字稿")
    assert (result.company, result.ticker, period(result)) == ("Nimbus Ltd", "NMBS", (2013, 1))


def test_brand_in_the_title_and_the_legal_name_in_the_footer():
    result = meta(
        "Zeta First Quarter 2023 Earnings Review", "April 14, 2023", "Copyright © 2023 Zetagroup Inc.   1"
    )
    assert result.company == "Zetagroup Inc."
    assert result.held_on == datetime.date(2023, 4, 14)


def test_motley_fool_ticker_with_the_days_move():
    result = meta("Yeti Gear(YETG+0.30%)Q4 2024 Earnings Call Feb 13, 2025, 8:00 a.m. ET")
    assert (result.company, result.ticker, period(result)) == ("Yeti Gear", "YETG", (2024, 4))
    assert result.held_on == datetime.date(2025, 2, 13)


def test_chinese_title_and_an_event_label():
    result = meta("腾达控股 2024年第一季度业绩电话会")
    assert (result.company, period(result)) == ("腾达控股", (2024, 1))
    result = meta("Event: Transcript of Acme Inc. Q2 2022 Earnings Call")
    assert (result.company, period(result)) == ("Acme Inc.", (2022, 2))
    assert result.title == "Transcript of Acme Inc. Q2 2022 Earnings Call"


def test_a_speech_line_is_no_title():
    result = meta("Turning to the components that impacted first quarter 2023 earnings per share")
    assert (result.title, result.company) == ("", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q1 2016", (2016, 1)),
        ("FY2026 Q1", (2026, 1)),
        ("Q1 FY2026", (2026, 1)),
        ("4Q25", (2025, 4)),
        ("1Q 23", (2023, 1)),
        ("FQ2 2023", (2023, 2)),
        ("Q1-2025", (2025, 1)),
        ("First Quarter Fiscal Year 2010", (2010, 1)),
        ("Fourth Quarter and Full Year 2021", (2021, 4)),
        ("FY23 First Quarter", (2023, 1)),
        ("Third-Quarter Fiscal 2019", (2019, 3)),
        ("2024年第一季度", (2024, 1)),
        ("第三季", (None, 3)),
        # The fiscal year by the year it ends in, as Japanese and Indian companies name it.
        ("Second Quarter of the Fiscal Year Ending March 2025", (2025, 2)),
        ("Third Quarter of Fiscal Year Ended March 31, 2025", (2025, 3)),
        # A quarter's own end says nothing of its fiscal year.
        ("Second Quarter Ending March 2025", (None, 2)),
    ],
)
def test_period_forms_in_a_title(text, expected):
    assert period(meta(f"Acme {text} Earnings Call")) == expected


# --- Welcome sentences ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("welcome", "company", "expected"),
    [
        (
            "Good day, everyone, and welcome to Orchard Inc. first quarter fiscal year 2010 earnings release "
            "conference call. Today's call is being recorded.",
            "Orchard Inc.",
            (2010, 1),
        ),
        ("Hello, and welcome to the ZMD Second Quarter 2020 Conference Call.", "ZMD", (2020, 2)),
        ("Welcome to Bexley plc's Third Quarter 2021 earnings call.", "Bexley plc", (2021, 3)),
        (
            "Ladies and gentlemen, good day and welcome to Q four FY 2024 earnings conference call hosted by "
            "Malabar bank. As a reminder, all lines are muted.",
            "Malabar bank",
            (2024, 4),
        ),
        (
            "Welcome to the first quarter 2013 conference call of Glimmer Corporation. All lines are muted.",
            "Glimmer Corporation",
            (2013, 1),
        ),
    ],
)
def test_company_and_period_from_the_welcome(welcome, company, expected):
    result = meta(opening=("Operator", welcome))
    assert (result.company, period(result)) == (company, expected)


def test_a_broker_hosting_the_call_is_not_the_company():
    result = meta(opening=("Welcome to the Q4 FY24 earnings call hosted by Northgate Securities.",))
    assert result.company == ""


def test_welcome_far_down_the_header_after_participant_lists():
    participants = [f" * Analyst {n}" for n in range(150)]
    result = meta(
        *participants, "Operator    [1]", "Good day, and welcome to the Quartz Labs Third Quarter 2019 call."
    )
    assert (result.company, period(result)) == ("Quartz Labs", (2019, 3))


def test_sentence_fragments_are_no_company():
    assert meta(opening=("Thank you. Welcome to the Third Quarter earnings call.",)).company == ""
    assert meta("Thank you Third Quarter 2021 Earnings Call").company == ""


def test_a_research_division_is_no_company():
    assert meta("Harbor Bank, Research Division - Analyst", "Q1 2023 Earnings Call").company == ""


def test_date_held_from_the_operators_welcome_not_from_a_future_event():
    result = meta(opening=("Good morning. This call is being held today, Tuesday, April 28, 2020, at 9 AM.",))
    assert result.held_on == datetime.date(2020, 4, 28)
    result = meta(
        opening=("We will report our second quarter on July 28, 2020.",), filename="ZZZ_Q1_2020.txt"
    )
    assert result.held_on is None
    result = meta("Printed: May 3, 2021", opening=("Welcome. Our next call is on July 28, 2020.",))
    assert result.held_on is None


# --- Precedence and the never-wrong rule ------------------------------------------------------------


def test_text_and_file_name_disagree_on_the_period():
    result = meta(opening=("Welcome to the first quarter 2020 earnings call.",), filename="BKU_q1_2021.txt")
    assert period(result) == (2020, 1)
    assert "Q1 2021" in result.period_conflict and "Q1 2020" in result.period_conflict
    assert "--year" not in result.period_conflict  # the importer says how to settle it, once


def test_quarter_from_the_text_and_year_only_from_a_source_that_states_one():
    opening = ("Welcome to the first quarter earnings call.", "Revenue grew 4% compared with 2020.")
    result = meta(opening=opening, filename="BKU_q1_2021.txt")
    assert (period(result), result.period_conflict) == ((2021, 1), "")
    assert period(meta(opening=opening)) == (None, 1)  # never the 2020 mentioned in passing


def test_text_quarter_differs_from_the_file_name():
    result = meta(opening=("Welcome to the second quarter call.",), filename="BKU_q1_2021.txt")
    assert result.period_conflict and result.fiscal_quarter == 2


def test_a_strong_source_beats_the_file_name_silently():
    result = meta("Reporting Period: Q3-2024", filename="ACME_Q1_2024.txt")
    assert (period(result), result.period_conflict) == ((2024, 3), "")


def test_a_strong_source_beats_the_welcome():
    result = meta("Acme (ACME) Q4 2019 Earnings Call", opening=("Welcome to the first quarter 2020 call.",))
    assert (period(result), result.period_conflict) == ((2019, 4), "")


def test_strong_sources_that_disagree_are_a_conflict():
    result = meta("Acme (ACME) Q4 2019 Earnings Call", year="2020", quarter="1")
    assert period(result) == (2020, 1) and "Q4 2019" in result.period_conflict


def test_nothing_states_the_period():
    result = meta("Some Company", opening=("Good morning, everyone.",), filename="transcript.txt")
    assert period(result) == (None, None)
    assert result.period_conflict == ""


# --- File names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "ticker", "expected", "part"),
    [
        ("FOXA_Q1-2016_2015-11-04.txt", "FOXA", (2016, 1), ""),
        ("AAPL_4Q25_qna.txt", "AAPL", (2025, 4), "qa"),
        ("AAPL_4Q25_presentation.txt", "AAPL", (2025, 4), "presentation"),
        ("ACME_Q2_2024_q&a.txt", "ACME", (2024, 2), "qa"),
        ("ACME_Q2_2024_PreparedRemarks.txt", "ACME", (2024, 2), "presentation"),
        ("ACME_Q2_2024_questions.txt", "ACME", (2024, 2), "qa"),
        ("HAS_1Q20.txt", "HAS", (2020, 1), ""),
        ("FIG_Q1_2026.txt", "FIG", (2026, 1), ""),
        ("BKU_q1_2021.txt", "BKU", (2021, 1), ""),
        ("CT_BA_2018_q2.txt", "", (2018, 2), ""),
        ("Q1-2023-costco.txt", "", (2023, 1), ""),
        ("qec_barc_2025_1Q_text_2025-05-21_09-20-35.txt", "", (2025, 1), ""),
        ("APOG_2026_Q3_633270.json", "APOG", (2026, 3), ""),
        ("2019-Jan-24-INTC.txt", "INTC", (None, None), ""),
        (
            "4235146-acme-widgets-incorporated-acme-management-q4-2018-results-earnings-call-transcript.csv",
            "",
            (2018, 4),
            "",
        ),
    ],
)
def test_file_name(filename, ticker, expected, part):
    result = meta(filename=filename)
    assert (result.ticker, period(result), result.part) == (ticker, expected, part)


@pytest.mark.parametrize(
    ("filename", "company", "ticker"),
    [
        ("Zephyr Robotics (ZPHR) Q4 2023 Earnings Call Transcript.txt", "Zephyr Robotics", "ZPHR"),
        # a slug's name counts where the text writes it too
        ("zephyr-robotics-q4-fy2023-earnings-call-transcript.txt", "Zephyr Robotics", ""),
        ("zephyr-motors-ltd-q4-fy2023-earnings-call.txt", "Zephyr Motors Ltd", ""),
        ("final-q4-2023-earnings-call.txt", "", ""),  # a word about the file
        ("Prepared Remarks Q4 2023 Earnings Call.txt", "", ""),
        ("ZPHR 4Q23 transcript.txt", "", "ZPHR"),  # a ticker is no company's name
        ("transcript-final-v2.txt", "", ""),  # no title: no name from it
    ],
)
def test_a_file_named_by_the_calls_title(filename, company, ticker):
    said = ("Thank you for joining Zephyr Robotics today.",)
    result = meta(filename=filename, opening=said)
    assert (result.company, result.ticker) == (company, ticker)


def test_date_from_the_file_name_but_not_a_timestamp():
    assert meta(filename="FOXA_Q1-2016_2015-11-04.txt").held_on == datetime.date(2015, 11, 4)
    assert meta(filename="2019-Jan-24-INTC.txt").held_on == datetime.date(2019, 1, 24)
    assert meta(filename="qec_barc_2025_1Q_text_2025-05-21_09-20-35.txt").held_on is None


def test_header_dates_beat_the_file_name():
    result = meta("Call Date: 2025-04-30", filename="ACME_2025_1Q_2025-05-21.txt")
    assert result.held_on == datetime.date(2025, 4, 30)


def test_company_from_a_file_name_with_a_legal_form():
    assert meta(filename="Acme.com_Inc_20170202_Text.txt").company == "Acme.com Inc"
    assert meta(filename="4235146-acme-widgets-incorporated-acme-q4-2018-results.csv").company == (
        "Acme Widgets Incorporated"
    )


def test_one_word_of_the_file_name_is_a_company_only_if_the_text_writes_it():
    opening = ("Thank you, and good morning. I'm the CEO of Honeycomb.",)
    assert meta(opening=opening, filename="Q1-2023-honeycomb.txt").company == "Honeycomb"
    assert meta(opening=("Good morning.",), filename="Q1-2023-honeycomb.txt").company == ""


def test_the_file_name_is_the_weakest_company_source():
    result = meta("Quill Rides, Inc. (QUIL) Q1 2023 Earnings Call", filename="Acme_Inc_20230502.txt")
    assert result.company == "Quill Rides, Inc."


# --- Structured fields ------------------------------------------------------------------------------


def test_fields_win_and_the_title_is_kept_as_written():
    title = "Widgetco (WDG) Q1 2025 Earnings Call Transcript"
    result = meta(
        company="Widgetco", ticker="WDG", year="2025", quarter="1", title=title, date="Feb. 10, 2025"
    )
    assert (result.company, result.ticker, period(result), result.title) == (
        "Widgetco",
        "WDG",
        (2025, 1),
        title,
    )
    assert result.held_on == datetime.date(2025, 2, 10)


def test_fields_that_say_none_are_absent():
    result = meta(
        company="Champs",
        ticker="CHMP",
        year="None",
        quarter="None",
        title="Champs (CHMP) Earnings Transcript",
    )
    assert period(result) == (None, None)
    assert result.company == "Champs"


def test_period_from_the_title_field_when_year_and_quarter_are_missing():
    assert period(meta(title="Widgetco (WDG) Q3 2024 Earnings Call Transcript")) == (2024, 3)


# --- Never raises -----------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(st.text(max_size=120), max_size=8),
    opening=st.lists(st.text(max_size=200), max_size=3),
    filename=st.text(max_size=60),
    fields=st.dictionaries(
        st.sampled_from(["company", "ticker", "year", "quarter", "date", "title"]), st.text(max_size=40)
    ),
)
def test_never_raises(lines, opening, filename, fields):
    header = [(number, line) for number, line in enumerate(lines, 1)]
    result = find_metadata(header=header, opening=opening, filename=filename, fields=fields)
    assert isinstance(result, CallMetadata)
    assert result.fiscal_quarter in (None, 1, 2, 3, 4)
    assert result.header_lines <= set(range(1, len(lines) + 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Résultats du troisième trimestre 2024", (2024, 3)),
        ("Resultados del segundo trimestre de 2024", (2024, 2)),
        ("Teleconferência de resultados do quarto trimestre de 2023", (2023, 4)),
        ("Telefonkonferenz zum dritten Quartal 2024", (2024, 3)),
        ("Resultados 2T24", (2024, 2)),
    ],
)
def test_quarters_as_european_and_latin_american_calls_write_them(text, expected):
    assert period(meta(text)) == expected


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("Earnings Conference Call - Q3 FY2024 - Zephyr Motors Ltd", "Zephyr Motors Ltd"),
        ("Q4 2023 Earnings Call - Zephyr Robotics Inc", "Zephyr Robotics Inc"),
        ("Quarterly Results Q3 2024 | Zephyr Corp | 30 July 2024", "Zephyr Corp"),
        ("Q2 2020 Zephyr Micro Devices Inc Earnings Call", "Zephyr Micro Devices Inc"),
        # what the title says of the document is no company
        ("Q3 2024 Earnings Call Transcript - Final", ""),
        ("Q1 2021 Earnings Call (Edited)", ""),
        ("Q3 2024 Earnings Call - Prepared Remarks", ""),
        ("Q3 2024 Earnings Call - English", ""),
        ("Q3 2024 | Question and Answer Session", ""),
        ("Earnings Call Q3 2024 Prepared Remarks", ""),
        ("Final Q4 2023 Earnings Call", ""),
        ("Live Nation Q4 2023 Earnings Call", "Live Nation"),  # a name that holds such a word
    ],
)
def test_the_company_after_the_period_in_a_title(title, company):
    assert meta(title).company == company


@pytest.mark.parametrize(
    ("title", "expected", "said"),
    [
        ("Zephyr plc Full Year 2023 Results Conference Call", (2023, 4), "a full year"),
        ("Zephyr plc FY2023 Results Call", (2023, 4), "a full year"),
        ("Zephyr plc Interim Results 2023 - Analyst Call", (2023, 2), "a first half"),
        ("Zephyr plc H1 2024 Results Webcast", (2024, 2), "a first half"),
        ("Zephyr plc 2023 Half Year Results Call", (2023, 2), "a first half"),
        ("Zephyr plc H2 2022 Earnings Call", (2022, 4), "a second half"),
        # Chinese results briefings: the year's (年度), the half year's (半年度, 上半年)
        ("Zephyr plc 2023年度业绩说明会", (2023, 4), "a full year"),
        ("Zephyr plc 2024年半年度業績說明會", (2024, 2), "a first half"),
        ("Zephyr plc 2024年上半年业绩说明会", (2024, 2), "a first half"),
    ],
)
def test_half_and_full_year_results_calls_are_filed_under_the_quarter_they_end(title, expected, said):
    result = meta(title)
    assert period(result) == expected
    assert result.company == "Zephyr plc"
    assert said in result.period_note and f"Q{expected[1]} {expected[0]}" in result.period_note


def test_a_quarter_beats_the_full_year_and_speech_never_gives_one():
    both = meta("Zephyr plc Q4 and Full Year 2023 Results Call")
    assert (period(both), both.period_note) == ((2023, 4), "")
    welcome = "Welcome to the Zephyr call. Our full year 2024 results will follow."
    spoken = meta("Zephyr plc", opening=(welcome,))
    assert period(spoken) == (None, None)
