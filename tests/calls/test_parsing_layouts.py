"""Publishers' layouts, each in a small invented transcript: the reader finds every file's own label
convention from its evidence (participant lists, names that recur, the operator's announcements).

No text here comes from a real transcript; the shapes follow ../shared/corpus/layouts/README.md.
"""

from __future__ import annotations

import pytest

from calls.parsing import Role, Section, TranscriptError, parse_transcript
from calls.parsing.inference import Announcement, parse_announcement
from calls.parsing.model import Paragraph, Turn


def people(transcript):
    return {s.name: (str(s.role), s.firm) for s in transcript.speakers}


def questioners(transcript):
    return [exchange.questioner for exchange in transcript.exchanges]


STREETEVENTS = """Refinitiv StreetEvents Event Transcript
E D I T E D   V E R S I O N

Q3 2021 Zephyr Widgets Inc Earnings Call
OCTOBER 20, 2021 / 9:00PM GMT

================================================================================
Corporate Participants
================================================================================

 * Ann Roe
   Zephyr Widgets Inc - CFO
 * Cy Doe
   Zephyr Widgets Inc - President & CEO

================================================================================
Conference Call Participiants
================================================================================

 * Bob Poe
   Calder Partners, Inc., Research Division - MD
 * Di Lee
   Vantage Securities LLC - Analyst

================================================================================
Presentation
================================================================================
--------------------------------------------------------------------------------
Operator    [1]
--------------------------------------------------------------------------------
Good day and welcome to the Zephyr Widgets third quarter 2021 earnings call.

--------------------------------------------------------------------------------
Cy Doe,  Zephyr Widgets Inc - President & CEO    [2]
--------------------------------------------------------------------------------
Thank you. Revenue grew and margins widened.

================================================================================
Questions and Answers
================================================================================
--------------------------------------------------------------------------------
Operator    [1]
--------------------------------------------------------------------------------
Our first question comes from Bob Poe with Calder Partners.

--------------------------------------------------------------------------------
Bob Poe,  Calder Partners, Inc., Research Division - MD    [2]
--------------------------------------------------------------------------------
How did pricing hold up?

--------------------------------------------------------------------------------
Ann Roe,  Zephyr Widgets Inc - CFO    [3]
--------------------------------------------------------------------------------
Pricing held.

--------------------------------------------------------------------------------
Operator    [4]
--------------------------------------------------------------------------------
Next is Di Lee with Vantage.

--------------------------------------------------------------------------------
Di Lee,  Vantage Securities LLC - Analyst    [5]
--------------------------------------------------------------------------------
What about backlog?

--------------------------------------------------------------------------------
Cy Doe,  Zephyr Widgets Inc - President & CEO    [6]
--------------------------------------------------------------------------------
Backlog is a record.
"""


def test_streetevents_labels_carry_firm_and_title_and_the_lists_are_no_turns():
    transcript = parse_transcript(STREETEVENTS)
    assert [turn.name for turn in transcript.turns] == [
        "Operator", "Cy Doe", "Operator", "Bob Poe", "Ann Roe", "Operator", "Di Lee", "Cy Doe",
    ]  # fmt: skip
    assert people(transcript)["Bob Poe"] == ("analyst", "Calder Partners, Inc., Research Division")
    assert people(transcript)["Ann Roe"][0] == "executive"
    assert questioners(transcript) == ["Bob Poe", "Di Lee"]
    cy = next(turn for turn in transcript.turns if turn.name == "Cy Doe")
    assert (cy.title, cy.firm) == ("President & CEO", "Zephyr Widgets Inc")
    assert transcript.prepared_turn_count == 2


FOOL_TEXT = """Prepared Remarks:

Operator

Good day and welcome to the Zephyr Widgets Q2 2024 earnings call.

Ann Roe -- Vice President, Investor Relations

Thanks. With me is Cy Doe.

Cy Doe--Chief Executive Officer

Revenue grew.

Questions & Answers:

Operator

Our first question comes from Bob Poe with Calder Partners.

Bob Poe -- Calder Partners -- Analyst

How is demand?

Cy Doe--Chief Executive Officer

Strong.

Operator

That concludes the call.

Duration: 41 minutes

Call participants:

Ann Roe -- Vice President, Investor Relations

Cy Doe -- Chief Executive Officer

Bob Poe -- Calder Partners -- Analyst
"""


def test_motley_fool_text_dash_titles_and_participants_at_the_end():
    transcript = parse_transcript(FOOL_TEXT)
    assert people(transcript) == {
        "Operator": ("operator", ""),
        "Ann Roe": ("executive", ""),
        "Cy Doe": ("executive", ""),
        "Bob Poe": ("analyst", "Calder Partners"),
    }
    assert questioners(transcript) == ["Bob Poe"]
    assert not any("Duration" in turn.name for turn in transcript.turns)
    assert transcript.prepared_turn_count == 3


SEEKING_ALPHA = """Zephyr Widgets, Inc. (NASDAQ:ZPH) Q1 2020 Earnings Conference Call April 28, 2020 8:30 ET

Company Participants

Ann Roe - Chief Financial Officer

Cy Doe - Chief Executive Officer

Conference Call Participants

Bob Poe - Calder Partners

Di Lee - Vantage

Operator

Good morning and welcome to the Zephyr Widgets first quarter 2020 call.

Cy Doe

Thank you. Revenue grew.

Ann Roe

Costs fell.

Question-and-Answer Session

Operator

Our first question comes from Bob Poe of Calder Partners.

Bob Poe

How is demand?

Cy Doe

Strong.

Operator

Next is Di Lee of Vantage.

Di Lee

And margins?

Ann Roe

Better.
"""


def test_seeking_alpha_bare_names_confirmed_by_the_participant_lists():
    transcript = parse_transcript(SEEKING_ALPHA)
    assert people(transcript) == {
        "Operator": ("operator", ""),
        "Cy Doe": ("executive", ""),
        "Ann Roe": ("executive", ""),
        "Bob Poe": ("analyst", "Calder Partners"),
        "Di Lee": ("analyst", "Vantage"),
    }
    assert questioners(transcript) == ["Bob Poe", "Di Lee"]
    ann = next(turn for turn in transcript.turns if turn.name == "Ann Roe")
    assert ann.title == "Chief Financial Officer"


RUN_ON = """Company: Zephyr
Year: 2024
Quarter: Q1
Operator Good evening and welcome to the Zephyr first quarter 2024 results call.
Wendy Hu Director of Investor Relations Thank you. With me is Lars Berg, our Chief Financial Officer.
Lars Berg Chief Financial Officer Thanks Wendy. Revenue rose.
Wendy Hu Director of Investor Relations Thank you, Lars. We shall now open the floor for questions.
Operator The first question comes from Mina Sato of Calder Securities.
Mina Sato Calder Securities Thank you for taking my question. How is demand?
Lars Berg Chief Financial Officer Demand is steady.
Mina Sato Calder Securities Thanks. And margins?
Lars Berg Chief Financial Officer They held.
"""


def test_one_line_turns_without_a_delimiter_take_names_that_open_many_lines():
    transcript = parse_transcript(RUN_ON)
    assert [turn.name for turn in transcript.turns] == [
        "Operator", "Wendy Hu", "Lars Berg", "Wendy Hu", "Operator", "Mina Sato", "Lars Berg", "Mina Sato",
        "Lars Berg",
    ]  # fmt: skip
    lars = transcript.turns[2]
    assert lars.title == "Chief Financial Officer"
    assert lars.paragraphs[0].text == "Thanks Wendy. Revenue rose."
    assert people(transcript)["Mina Sato"] == ("analyst", "Calder Securities")
    assert transcript.turns[6].paragraphs[0].text == "Demand is steady."


MARKDOWN = """# Zephyr Widgets Q2 2024 Earnings Call

## Prepared Remarks

**Operator**

Welcome to the Zephyr Widgets second quarter 2024 call.

**Jessie Wu - Zephyr, Investor Relations**

Thank you all for joining.

**Cy Doe - Zephyr, Chief Executive Officer**

Revenue grew.

## Q&A

**Operator**

Our first question comes from Bob Poe of Calder Partners.

**Bob Poe - Calder Partners**

How is demand?

**Cy Doe - Zephyr, Chief Executive Officer**

Strong.
"""


def test_markdown_bold_labels_and_headings():
    transcript = parse_transcript(MARKDOWN)
    assert [turn.name for turn in transcript.turns] == [
        "Operator", "Jessie Wu", "Cy Doe", "Operator", "Bob Poe", "Cy Doe",
    ]  # fmt: skip
    assert transcript.prepared_turn_count == 3
    assert questioners(transcript) == ["Bob Poe"]
    assert transcript.turns[1].paragraphs[0].text == "Thank you all for joining."


COLON_NO_SPACE = """Full Conference Call Transcript

Ann Roe:Thank you, operator. Welcome to the Zephyr fiscal 2025 first quarter call.

Cy Doe:Revenue grew.

Operator:Thank you.[Operator Instructions]The first question is from Bob Poe from Calder.

Bob Poe:How is demand?

Cy Doe:Strong.

BOB POE:And margins?

CY DOE:Better.
"""


def test_name_colon_with_no_space_and_capitals_are_one_person():
    transcript = parse_transcript(COLON_NO_SPACE)
    assert [turn.name for turn in transcript.turns] == [
        "Ann Roe", "Cy Doe", "Operator", "Bob Poe", "Cy Doe", "Bob Poe", "Cy Doe",
    ]  # fmt: skip
    assert transcript.turns[0].paragraphs[0].text.startswith("Thank you, operator.")
    assert questioners(transcript) == ["Bob Poe"]
    assert people(transcript)["Bob Poe"][0] == "analyst"


CHINESE = """公司：微風科技
年度：2024
季度：第一季
主持人：各位好，歡迎參加微風科技二〇二四年第一季業績電話會議。
王小明：謝謝主持人。本季營收成長百分之六，毛利率維持穩定。
主持人：現在開放提問，第一位提問者是來自遠見證券的李大華。
李大華：請問下半年的需求展望如何？
王小明：我們預期需求穩定。
李大華：謝謝。
"""


# Simplified Chinese; the CFO speaks once, under a label with her title.
CHINESE_ONCE = """泽菲尔科技 2023年第三季度业绩电话会议
主持人：各位好，欢迎参加泽菲尔科技2023年第三季度业绩电话会议。
张伟（首席执行官）：谢谢。本季度营收增长百分之十二，毛利率保持稳定。
主持人：现在开始问答环节。第一位提问者是来自远见证券的李大华。
李大华（远见证券）：请问明年的毛利率展望如何？
王芳（首席财务官）：我们预计毛利率将温和上升。
备注：以上内容仅供参考。
主持人：下一位提问者是来自华泰证券的陈明。
陈明（华泰证券）：请问库存情况如何？
张伟（首席执行官）：库存处于健康水平。
"""


def test_a_chinese_label_heard_once_with_its_title_is_a_label():
    transcript = parse_transcript(CHINESE_ONCE)
    names = [turn.name for turn in transcript.turns]
    assert names == ["Operator", "张伟", "Operator", "李大华", "王芳", "Operator", "陈明", "张伟"]
    assert people(transcript)["王芳"] == ("executive", "")
    assert transcript.turns[4].title == "首席财务官"
    # A short word before a colon with nothing after it that a label adds is a line of speech.
    assert transcript.turns[4].paragraphs[-1].text == "备注：以上内容仅供参考。"
    assert questioners(transcript) == ["李大华", "陈明"]


def test_chinese_labels_and_the_operator_in_chinese():
    transcript = parse_transcript(CHINESE)
    assert [turn.name for turn in transcript.turns] == [
        "Operator",
        "王小明",
        "Operator",
        "李大華",
        "王小明",
        "李大華",
    ]
    assert people(transcript)["王小明"][0] == "executive"
    assert people(transcript)["李大華"][0] == "analyst"
    assert questioners(transcript) == ["李大華"]


# A mainland layout: the legal name alone on the first line, the title and the time on the next,
# "name title：" labels, and announcements without 來自 ("提问的是华泰证券的马超").
CHINESE_NAME_THEN_TITLE = """泽菲尔新材料股份有限公司
2024年第一季度业绩电话会议纪要
会议时间：2024年4月26日

主持人：各位投资者好，欢迎参加泽菲尔新材料2024年第一季度业绩电话会。
周丽 董事会秘书：谢谢主持人。出席今天会议的有总经理赵刚和财务总监孙悦。
赵刚 总经理：一季度营业收入同比增长百分之二十一。
孙悦 财务总监：一季度毛利率为百分之十七点八。
主持人：下面进入问答环节。第一位提问的是来自远见证券的刘洋。
刘洋：请问二季度的出货指引是多少？
赵刚 总经理：我们预计二季度出货量环比增长。
主持人：下一位提问的是华泰证券的马超。
马超：请问原材料价格下降对毛利率的影响？
孙悦 财务总监：会带来约一到两个百分点的改善。
"""

# Traditional Chinese, the title in parentheses: 發言人 (the spokesperson) is a title, not a firm.
CHINESE_SPOKESPERSON = """微風電子股份有限公司 2023年第三季法人說明會逐字稿
日期：2023年11月8日
主持人：各位投資人午安，歡迎參加微風電子法人說明會。現在請發言人林美華致詞。
林美華（發言人）：謝謝主持人。今天與會的有董事長王志明。
王志明（董事長）：第三季營收較去年同期成長百分之十二。
主持人：接下來進入問答時間。第一位提問的是凱基證券的張雅婷。
張雅婷（凱基證券）：請問第四季毛利率的展望？
王志明（董事長）：我們預期維持穩定。
主持人：下一位提問的是元大證券的李俊傑。
李俊傑（元大證券）：請問車用產品的營收占比？
王志明（董事長）：約占營收的百分之十八。
"""


def test_a_chinese_call_with_the_name_before_the_title_and_the_legal_name_alone():
    transcript = parse_transcript(CHINESE_NAME_THEN_TITLE)
    assert (transcript.company, transcript.fiscal_year, transcript.fiscal_quarter) == (
        "泽菲尔新材料股份有限公司",
        2024,
        1,
    )
    assert str(transcript.held_on) == "2024-04-26"
    titles = {turn.name: turn.title for turn in transcript.turns}
    assert titles["周丽"] == "董事会秘书" and titles["赵刚"] == "总经理" and titles["孙悦"] == "财务总监"
    assert [(e.questioner, e.firm) for e in transcript.exchanges] == [
        ("刘洋", "远见证券"),
        ("马超", "华泰证券"),
    ]
    assert people(transcript)["马超"][0] == "analyst" and people(transcript)["孙悦"][0] == "executive"
    assert transcript.turns[1].section == Section.PREPARED and transcript.turns[5].section == Section.QA


def test_a_chinese_spokesperson_is_a_title_and_every_announced_caller_opens_a_slot():
    transcript = parse_transcript(CHINESE_SPOKESPERSON)
    assert (transcript.company, transcript.fiscal_year, transcript.fiscal_quarter) == (
        "微風電子股份有限公司",
        2023,
        3,
    )
    assert people(transcript)["林美華"] == ("executive", "")
    assert transcript.turns[1].title == "發言人"
    assert [(e.questioner, e.firm) for e in transcript.exchanges] == [
        ("張雅婷", "凱基證券"),
        ("李俊傑", "元大證券"),
    ]
    assert people(transcript)["李俊傑"][0] == "analyst"


QA_MARKS = """CORPORATE PARTICIPANTS

Ann Roe
Chief Financial Officer, Zephyr Widgets, Inc.

MANAGEMENT DISCUSSION SECTION

Operator: Good morning and welcome to the Zephyr Widgets Q1 2023 call.
 ..............................................................................

Ann Roe
Chief Financial Officer, Zephyr Widgets, Inc.
Thank you. Revenue grew and we kept hiring engineers across our
plants in the second half of the year.

QUESTION AND ANSWER SECTION

Operator: Our first question comes from Bob Poe with Calder Partners.
 ..............................................................................

Bob Poe
Analyst, Calder Partners LLC Q
How did pricing hold up in
the quarter?
 ..............................................................................

Ann Roe
Chief Financial Officer, Zephyr Widgets, Inc. A
It held.
"""


# Court-reporter style: everyone labelled by honorific and surname, full names only in the list
# of participants or in what is said.
SURNAME_LABELS = """Zephyr Foods Q2 2021 Earnings Call
{roster}
THE OPERATOR: Welcome to the Zephyr Foods second quarter 2021 call. I now turn the call over to Ann Roe.

MS. ROE: Thank you. Net sales rose 9%.

MR. BAKER: Gross margin expanded 80 basis points.

THE OPERATOR: Our first question comes from Sam Lee with Calder Partners.

MR. LEE: Can you discuss pricing?

MS. ROE: We raised prices in January.

THE OPERATOR: Our next question comes from Jo Lee with Vantage Capital.

MS. LEE: And freight?

MR. BAKER: It eases in the second half.
"""
ROSTER = """PARTICIPANTS:
Ann Roe, Chief Executive Officer
Tom Baker, Chief Financial Officer
Sam Lee, Analyst, Calder Partners
"""


def test_labels_of_an_honorific_and_a_surname_take_the_full_name_the_call_gives():
    with_list = parse_transcript(SURNAME_LABELS.format(roster=ROSTER))
    assert [(s.name, s.role) for s in with_list.speakers] == [
        ("Operator", Role.OPERATOR),
        ("Ann Roe", Role.EXECUTIVE),
        ("Tom Baker", Role.EXECUTIVE),
        # Two people labelled by one surname: neither is named from the list's one Lee.
        ("Mr. Lee", Role.ANALYST),
        ("Ms. Lee", Role.ANALYST),
    ]  # fmt: skip
    assert with_list.turns[2].title == "Chief Financial Officer"
    assert [(e.questioner, e.introduced_as) for e in with_list.exchanges] == [
        ("Mr. Lee", "Sam Lee"), ("Ms. Lee", "Jo Lee"),
    ]  # fmt: skip
    # No list: the names handed the floor and announced; Mr. Baker is named nowhere in full.
    one_lee = SURNAME_LABELS.format(roster="").replace("Jo Lee", "Jo Shaw").replace("MS. LEE", "MS. SHAW")
    spoken = parse_transcript(one_lee)
    assert [s.name for s in spoken.speakers] == ["Operator", "Ann Roe", "Mr. Baker", "Sam Lee", "Jo Shaw"]
    assert [e.questioner for e in spoken.exchanges] == ["Sam Lee", "Jo Shaw"]


# A results briefing as Japanese companies publish them in English: surnames as labels, the full
# names in the presenters' list, callers who name themselves after a numbered label.
SURNAMES_AND_SELF_INTRODUCTIONS = """Zephyr Electronics Co., Ltd.
Financial Results Briefing for the Second Quarter of the Fiscal Year Ending March 2025

Presenter
Ken Ito, President and Representative Director
Mai Abe, Director and CFO

Ito: Thank you for joining us. Net sales for the first half rose 11%.

Abe: Operating margin improved to 9.8%.

Question & Answer

Moderator: We will now take questions. Please state your name and affiliation.

Participant 1: Sam Lee from Calder Securities. What is your outlook for the second half?

Ito: We expect demand to remain solid.

Participant 2: Hi, this is Jo Park with Vantage Capital. Could you comment on currency?

Abe: A one-yen move changes operating profit by 0.6 billion yen.

Moderator: That concludes the question and answer session.
"""


def test_surnames_from_the_presenters_list_and_callers_who_name_themselves():
    transcript = parse_transcript(SURNAMES_AND_SELF_INTRODUCTIONS)
    assert (transcript.fiscal_year, transcript.fiscal_quarter) == (2025, 2)
    assert [(t.name, t.role) for t in transcript.turns] == [
        ("Ken Ito", Role.EXECUTIVE),
        ("Mai Abe", Role.EXECUTIVE),
        ("Operator", Role.OPERATOR),
        ("Sam Lee", Role.ANALYST),
        ("Ken Ito", Role.EXECUTIVE),
        ("Jo Park", Role.ANALYST),
        ("Mai Abe", Role.EXECUTIVE),
        ("Operator", Role.OPERATOR),
    ]  # fmt: skip
    assert transcript.turns[1].title == "Director and CFO"
    assert [(e.questioner, e.firm, e.first_turn, e.last_turn) for e in transcript.exchanges] == [
        ("Sam Lee", "Calder Securities", 3, 4), ("Jo Park", "Vantage Capital", 5, 6),
    ]  # fmt: skip


SPANISH = """Grupo Zefiro de Cementos S.A.B. de C.V.
Conferencia telefónica de resultados del segundo trimestre de 2024
25 de julio de 2024

Operadora: Buenos días y bienvenidos a la conferencia de resultados del segundo trimestre de 2024.

Carlos Nieto, Director General: Gracias. Los ingresos crecieron 9% en el trimestre.

Lucía Soto, Directora de Finanzas: El margen EBITDA fue de 27.3%.

Operadora: Nuestra primera pregunta viene de Andrés Gil, de Banco Pacífico.

Andrés Gil: Buenos días. ¿Qué esperan para los precios en el segundo semestre?

Carlos Nieto, Director General: Esperamos precios estables.
"""


def test_a_call_in_spanish_its_legal_name_date_and_titles():
    transcript = parse_transcript(SPANISH)
    assert (transcript.company, transcript.fiscal_year, transcript.fiscal_quarter) == (
        "Grupo Zefiro de Cementos S.A.B. de C.V.", 2024, 2,
    )  # fmt: skip
    assert str(transcript.held_on) == "2024-07-25"
    assert [(s.name, s.title, s.firm, s.role) for s in transcript.speakers] == [
        ("Operator", "", "", Role.OPERATOR),
        ("Carlos Nieto", "Director General", "", Role.EXECUTIVE),
        ("Lucía Soto", "Directora de Finanzas", "", Role.EXECUTIVE),
        ("Andrés Gil", "", "Banco Pacífico", Role.ANALYST),
    ]  # fmt: skip


QUESTIONS_WITHOUT_NAMES = """Zephyr Logistics Inc. (ZLG) Q3 2022 Earnings Call

Presentation

Ann Roe, CEO: Revenue rose 14% to $1.9 billion.

Sam Lee, CFO: Operating margin was 8.2%.

Q&A

Q: Can you talk about pricing in the truckload segment?

A: Pricing softened in October.

Q: What is the capital allocation priority?

A: Debt reduction first, then buybacks.
"""


def test_each_unnamed_question_after_an_answer_is_a_slot_of_its_own():
    transcript = parse_transcript(QUESTIONS_WITHOUT_NAMES)
    assert [(e.first_turn, e.last_turn) for e in transcript.exchanges] == [(2, 3), (4, 5)]
    assert [t.role for t in transcript.turns[2:]] == [Role.ANALYST, Role.EXECUTIVE] * 2


def test_a_label_on_each_of_a_speakers_paragraphs_is_one_turn():
    transcript = parse_transcript(
        "Zephyr Bank Q1 2024 Earnings Call\n\n"
        "Operator: Welcome to the Zephyr Bank first quarter 2024 call.\n"
        "Ann Roe: Net interest income rose 4%.\n"
        "Ann Roe: Deposits were stable.\n"
        "Operator: Our first question comes from Sam Lee with Calder Partners.\n"
        "Sam Lee: What about loan growth?\n"
        "Ann Roe: Mid-single digits.\n"
    )
    assert [(t.name, [p.text for p in t.paragraphs]) for t in transcript.turns[:2]] == [
        ("Operator", ["Welcome to the Zephyr Bank first quarter 2024 call."]),
        ("Ann Roe", ["Net interest income rose 4%.", "Deposits were stable."]),
    ]  # fmt: skip
    assert len(transcript.turns) == 5


def test_name_over_affiliation_with_question_and_answer_marks_and_wrapped_lines():
    transcript = parse_transcript(QA_MARKS)
    assert [turn.name for turn in transcript.turns] == [
        "Operator",
        "Ann Roe",
        "Operator",
        "Bob Poe",
        "Ann Roe",
    ]
    bob = transcript.turns[3]
    assert (bob.title, bob.firm, bob.role) == ("Analyst", "Calder Partners LLC", Role.ANALYST)
    assert [p.text for p in bob.paragraphs] == ["How did pricing hold up in the quarter?"]
    assert transcript.turns[1].paragraphs[0].text.endswith("in the second half of the year.")


NO_OPERATOR = """Zephyr Widgets Q4 2022 results
Ann Roe, Head of Investor Relations
Welcome. Cy will start.
Cy Doe, Chief Executive Officer
Revenue grew.
Ann Roe
Thanks Cy. Let's go to questions. (Operator Direction.)
BOB POE, Calder Partners: How is demand?
Cy Doe
Strong.
DI LEE, Vantage: And margins?
Cy Doe
Better.
"""


def test_a_host_who_directs_the_questions_and_callers_with_their_firm():
    transcript = parse_transcript(NO_OPERATOR)
    assert questioners(transcript) == ["Bob Poe", "Di Lee"]
    assert people(transcript)["Bob Poe"] == ("analyst", "Calder Partners")
    assert people(transcript)["Cy Doe"][0] == "executive"
    assert transcript.turns[3].section == Section.QA


HOST_MODERATES = """Zephyr Widgets Q2 2023 Earnings Call
Ann Roe, Head of Investor Relations
Welcome. Cy will start.
Cy Doe, Chief Executive Officer
Revenue grew.
Ann Roe
Thanks, Cy. Our first question comes from Bob Poe with Calder Partners.
Bob Poe
How is demand?
Cy Doe
Strong.
Ann Roe
Thanks, Bob. Our next question comes from Di Lee with Example Research. Di, go ahead.
Di Lee
And margins?
Cy Doe
Better.
Ann Roe
To add to that, margins in Europe improved most, and we expect that to hold all year long, as
the new plant reaches full output and the price increases of the spring take effect. Our next
question comes from Eve Fox with Northwind.
Eve Fox
And cash?
Cy Doe
Ample.
"""


def test_a_hosts_handover_belongs_to_no_exchange_but_an_answer_before_it_does():
    transcript = parse_transcript(HOST_MODERATES)
    assert questioners(transcript) == ["Bob Poe", "Di Lee", "Eve Fox"]
    said = [
        [turn.paragraphs[0].text for turn in transcript.turns[e.first_turn : e.last_turn + 1]]
        for e in transcript.exchanges
    ]
    # Ann's "Thanks, Bob. Our next question..." is neither Bob's exchange nor Di's.
    assert said[0] == ["How is demand?", "Strong."]
    assert transcript.turns[5].exchange is None
    # Her answer that ends on the handover is part of the exchange it answers.
    assert said[1][0] == "And margins?" and said[1][-1].startswith("To add to that")
    assert [turn.role for turn in transcript.turns if turn.name == "Ann Roe"] == [Role.EXECUTIVE] * 4


TIMESTAMPS = """Jane Roe (00:00:05): Welcome to the Zephyr Widgets Q2 2021 call.
Cy Doe (00:01:10): Revenue grew.
Jane Roe (00:02:00): Our first question comes from Bob Poe with Calder.
Bob Poe (00:02:09): How is demand?
Cy Doe (00:02:30): Strong.
"""


def test_timestamped_labels():
    transcript = parse_transcript(TIMESTAMPS)
    assert [turn.name for turn in transcript.turns] == ["Jane Roe", "Cy Doe", "Jane Roe", "Bob Poe", "Cy Doe"]
    assert transcript.turns[1].paragraphs[0].text == "Revenue grew."


# rev.com's own layout: the timed label alone on its line, the speech under it.
TIMED_LABEL_LINES = """Zephyr Widgets Q1 2021 Earnings Call Transcript

Operator (00:00):
Good day and welcome to the Zephyr Widgets first quarter 2021 earnings call.

Jane Roe (00:45):
Thank you. Revenue grew.

Operator (05:10):
Our first question comes from Bob Poe with Calder Partners.

Bob Poe (05:15):
What is the outlook for margins?

Cy Doe (05:40):
Margins should expand as pricing holds.
"""


# Motley Fool's label lines run on into the speech: "Name -- Title -- What they said."
DASHED_WITH_TITLES = """Zephyr Widgets (ZPH) Q3 2019 Earnings Call Transcript
Operator -- Good day and welcome to the Zephyr Widgets third quarter 2019 earnings call.
Jane Roe -- Chief Executive Officer -- Thank you. Revenue grew -- and so did margins.
Operator -- Our first question comes from Bob Poe with Calder Partners.
Bob Poe -- Calder Partners -- Analyst -- What is the outlook for margins?
Cy Doe -- Chief Financial Officer -- Margins should expand.
Operator -- Our next question comes from Di Lee with Example Research.
Di Lee -- Example Research -- Analyst -- And inventory?
Jane Roe -- Chief Executive Officer -- Healthy.
"""


def test_titles_between_dashes_are_the_labels_not_the_speech():
    transcript = parse_transcript(DASHED_WITH_TITLES)
    said = [(t.name, t.title, t.firm, t.paragraphs[0].text) for t in transcript.turns]
    assert said[1] == (
        "Jane Roe",
        "Chief Executive Officer",
        "",
        "Thank you. Revenue grew -- and so did margins.",
    )
    assert said[3] == ("Bob Poe", "Analyst", "Calder Partners", "What is the outlook for margins?")
    assert said[4] == ("Cy Doe", "Chief Financial Officer", "", "Margins should expand.")
    assert transcript.turns[3].speaker_line == "Bob Poe -- Calder Partners -- Analyst"
    assert questioners(transcript) == ["Bob Poe", "Di Lee"]


NAMED_QA_MARKS = """Zephyr Widgets Q4 2020 Earnings Call
JANE ROE, CEO: Good morning. Revenue grew.
QUESTION AND ANSWER
Q: Bob Poe, Calder Partners: What is the outlook for margins?
A: Cy Doe, CFO: Margins should expand.
Q: Di Lee, Example Research: And inventory?
A: Jane Roe, CEO: Healthy.
"""


def test_qa_marks_followed_by_the_speakers_name_give_both_side_and_name():
    transcript = parse_transcript(NAMED_QA_MARKS)
    said = [(t.name, str(t.role), t.firm or t.title, t.paragraphs[0].text) for t in transcript.turns]
    assert said[1:] == [
        ("Bob Poe", "analyst", "Calder Partners", "What is the outlook for margins?"),
        ("Cy Doe", "executive", "CFO", "Margins should expand."),
        ("Di Lee", "analyst", "Example Research", "And inventory?"),
        ("Jane Roe", "executive", "CEO", "Healthy."),
    ]
    assert questioners(transcript) == ["Bob Poe", "Di Lee"]


# otter.ai without its SPEAKERS list: the name, two spaces and the time, the speech under it.
OTTER_WITHOUT_LIST = """Zephyr Widgets Q3 2023 Earnings Call

Operator  0:00
Good day and welcome to the Zephyr Widgets third quarter 2023 earnings call.

Jane Roe  0:45
Thank you. Revenue grew.

Operator  5:10
Our first question comes from Bob Poe with Calder Partners.

Bob Poe  5:15
What is the outlook for margins?

Cy Doe  1:05:40
Margins should expand.
"""


@pytest.mark.parametrize("text", [TIMED_LABEL_LINES, OTTER_WITHOUT_LIST], ids=["rev.com", "otter.ai"])
def test_a_label_line_with_its_time_is_a_label_even_when_heard_once(text):
    transcript = parse_transcript(text)
    names = [turn.name for turn in transcript.turns]
    assert names == ["Operator", "Jane Roe", "Operator", "Bob Poe", "Cy Doe"]
    assert transcript.turns[1].paragraphs[0].text == "Thank you. Revenue grew."
    assert questioners(transcript) == ["Bob Poe"]
    assert people(transcript)["Cy Doe"][0] == "executive"
    assert transcript.turns[4].paragraphs[0].text.startswith("Margins should expand")


def test_text_without_any_labels_is_refused_with_a_clear_message():
    text = "We had a good quarter. Revenue grew.\nMargins widened and we hired.\n" * 20
    with pytest.raises(TranscriptError, match="no speaker lines"):
        parse_transcript(text)


@pytest.mark.parametrize(
    "text",
    [
        STREETEVENTS,
        FOOL_TEXT,
        SEEKING_ALPHA,
        RUN_ON,
        MARKDOWN,
        COLON_NO_SPACE,
        CHINESE,
        QA_MARKS,
        NO_OPERATOR,
    ],
)
def test_every_non_blank_line_is_accounted_for(text):
    transcript = parse_transcript(text)
    counts = transcript.line_counts
    assert counts["read"] == sum(1 for line in text.splitlines() if line.strip())
    assert counts["read"] == counts["speech"] + counts["speaker"] + counts["header"] + counts["ignored"]
    ignored = [w for w in transcript.warnings if "ignored" in w.message]
    assert len(ignored) >= counts["ignored"]


def _doubts(transcript):
    return [w.message for w in transcript.warnings if w.doubt]


def test_a_parse_the_parser_doubts_says_so():
    sentence = "Revenue grew in every region and we kept our costs flat across the year. "
    one_voice = (
        "Operator\nWelcome to the Zephyr Widgets Q1 2022 call.\n"
        f"Cy Doe - Chief Executive Officer\n{sentence * 600}\n"
        "Ann Roe - Chief Financial Officer\nThanks.\n"
    )
    found = _doubts(parse_transcript(one_voice))
    assert any("under one speaker, Cy Doe" in message for message in found)
    assert any("few speaker lines" in message for message in found)
    assert any("no Q&A exchange" in message for message in found)


def test_a_well_formed_call_raises_no_doubt():
    assert _doubts(parse_transcript(STREETEVENTS)) == []
    assert _doubts(parse_transcript(SEEKING_ALPHA)) == []


QA_SIDES_CHINESE = """公司：遠景電子
2024年第一季業績電話會議
主持人：各位好，歡迎參加遠景電子2024年第一季業績電話會議。現在請財務長王大明致詞。
王大明：謝謝。本季營收成長百分之八，毛利率為百分之四十一。
主持人：現在開放提問，第一位提問者是來自元大證券的陳小華。
問：請問下半年的毛利率展望？
答：我們預期維持在百分之四十左右。
問：謝謝。那資本支出呢？
答：今年資本支出約十億元。
主持人：下一位是來自凱基證券的林美玲。
問：請問庫存水位是否健康？
答：庫存天數已回到正常水準。
"""


def test_chinese_throughout_with_question_and_answer_labels():
    transcript = parse_transcript(QA_SIDES_CHINESE)
    assert transcript.translated_paragraph_count == 0  # Chinese is the original here, not a translation
    assert (transcript.company, transcript.fiscal_year, transcript.fiscal_quarter) == ("遠景電子", 2024, 1)
    assert [(e.questioner, e.firm) for e in transcript.exchanges] == [
        ("陳小華", "元大證券"),
        ("林美玲", "凱基證券"),
    ]
    assert people(transcript)["王大明"][0] == "executive"  # named once, and introduced by the operator
    assert people(transcript)["Unidentified Executive"][0] == "executive"
    assert not any(w.message.startswith("paragraph has no Chinese") for w in transcript.warnings)


BRACKETS = """Zephyr Widgets Inc. - Q3 2024 Results Call
[Operator]: Welcome to the Zephyr Widgets third quarter 2024 call. Over to Ann Roe.
[Ann Roe, VP Investor Relations]: Thanks. With me is Cy Doe, our CEO.
[Cy Doe, CEO]: Revenue grew.
[Operator]: Our first question is from Bob Poe with Calder Partners.
[Bob Poe, Calder Partners]: How is demand?
[Cy Doe, CEO]: Strong.
"""

TITLE_FIRST = """Zephyr Widgets second quarter fiscal 2024 earnings call
Operator: Welcome to the Zephyr Widgets second quarter fiscal 2024 call. Over to Ann Roe.
IR Head Ann Roe: Thank you. With me is our CEO, Cy Doe.
CEO Cy Doe: Revenue grew.
Operator: The first question comes from Bob Poe with Calder. Please go ahead.
Analyst Bob Poe: How is demand?
CEO Cy Doe: Strong.
Operator: Next is Di Lee with Vantage.
Analyst (Vantage Securities) Di Lee: And margins?
CEO Cy Doe: Better.
"""

LEGEND = """Zephyr Widgets Q1 2023 Earnings Call
Speaker legend
Speaker 1 = Operator
Speaker 2 = Ann Roe, Chief Financial Officer
Speaker 3 = Bob Poe, Analyst, Calder Partners

Speaker 1: Welcome to the Zephyr Widgets first quarter 2023 call.
Speaker 2: Revenue grew.
Speaker 1: Our first question comes from Bob Poe with Calder Partners.
Speaker 3: How is demand?
Speaker 2: Strong.
"""

ENGLISH_SLASH_CHINESE = """Zephyr Widgets Q4 2023 Earnings Conference Call
Operator / 主持人
Welcome to the Zephyr Widgets fourth quarter 2023 call.
歡迎參加。
Ann Roe, Chief Financial Officer / 羅安，財務長
Revenue grew.
營收成長。
Operator / 主持人
Our first question comes from Bob Poe of Calder.
第一位提問者是來自Calder的Bob Poe。
Bob Poe, Calder Partners / 坡鮑勃，Calder
How is demand?
需求如何？
Ann Roe, Chief Financial Officer / 羅安，財務長
Strong.
強勁。
"""

LISTS_ON_THEIR_HEADINGS = """Zephyr Widgets Ltd
Q3 FY24 Earnings Conference Call
MANAGEMENT: MS. ANN ROE - CHIEF FINANCIAL OFFICER - ZEPHYR WIDGETS LTD
Analysts: Bob Poe (Calder Partners); Di Lee (Vantage Securities)

Moderator: Good day and welcome to the Zephyr Widgets Q3 FY24 earnings conference call.
Ann Roe: Thank you. Revenue grew.
Moderator: The first question is from the line of Bob Poe from Calder Partners.
Bob Poe: How is demand?
Ann Roe: Strong.
Moderator: The next question is from the line of Di Lee from Vantage Securities.
Di Lee: And margins?
Ann Roe: Better.
"""


@pytest.mark.parametrize(
    ("text", "executive"),
    [(BRACKETS, "Cy Doe"), (TITLE_FIRST, "Cy Doe"), (LEGEND, "Ann Roe"), (ENGLISH_SLASH_CHINESE, "Ann Roe")],
)
def test_labels_in_brackets_after_a_title_by_number_or_with_a_chinese_twin(text, executive):
    transcript = parse_transcript(text)
    assert questioners(transcript)[0] == "Bob Poe"
    assert people(transcript)["Bob Poe"][0] == "analyst"
    assert people(transcript)[executive][0] == "executive"
    assert transcript.turns[0].name == "Operator"


def test_title_before_the_name_gives_the_title_and_the_firm_in_parentheses():
    transcript = parse_transcript(TITLE_FIRST)
    cy = next(turn for turn in transcript.turns if turn.name == "Cy Doe")
    assert cy.title == "CEO"
    assert people(transcript)["Di Lee"] == ("analyst", "Vantage Securities")


def test_a_speaker_legend_names_the_numbered_labels():
    transcript = parse_transcript(LEGEND)
    assert [turn.name for turn in transcript.turns] == [
        "Operator",
        "Ann Roe",
        "Operator",
        "Bob Poe",
        "Ann Roe",
    ]
    assert transcript.turns[1].title == "Chief Financial Officer"


def test_english_labels_with_their_chinese_twin_keep_the_translation_lines():
    transcript = parse_transcript(ENGLISH_SLASH_CHINESE)
    assert transcript.layout == "bilingual"
    assert transcript.translated_paragraph_count == 5


def test_lists_that_start_on_their_heading_and_hold_several_people_per_line():
    transcript = parse_transcript(LISTS_ON_THEIR_HEADINGS)
    assert transcript.turns[0].name == "Operator"  # the MANAGEMENT list is no turn
    assert people(transcript)["Ann Roe"][0] == "executive"
    assert people(transcript)["Di Lee"] == ("analyst", "Vantage Securities")
    assert questioners(transcript) == ["Bob Poe", "Di Lee"]


def test_a_table_of_contents_does_not_open_the_q_and_a():
    text = "Contents:\nPrepared Remarks\nQuestions and Answers\nCall Participants\n\n" + FOOL_TEXT
    transcript = parse_transcript(text)
    assert transcript.prepared_turn_count == 3


ROLE_LABELS_INLINE = """Zephyr Insurance Group — Third Quarter 2024 Earnings Call
Operator: Welcome to the Zephyr Insurance Group third quarter 2024 call. Over to our CEO, Cy Doe.
CEO: Thank you. Earnings rose.
CFO: Thanks, Cy. Costs fell.
Operator: Our first question comes from Bob Poe with Keefe, Bruyette & Woods.
Analyst: How is pricing?
CEO: Firm.
Operator: Next is Di Lee with Vantage.
Analyst: And reserves?
CFO: Stable.
"""

TITLE_DASH_NAME = """ZEPHYR WIDGETS CORP
Earnings Call — Fiscal 2024 Third Quarter
Conference Operator
Welcome to the Zephyr Widgets fiscal 2024 third quarter call.
Head of Investor Relations — Ann Roe
Thanks. With me is our CEO.
Chief Executive Officer — Cy Doe
Revenue grew.
Conference Operator
Our first question comes from Bob Poe with Calder.
Analyst, Calder Securities — Bob Poe
How is demand?
Chief Executive Officer — Cy Doe
Strong.
"""

OTTER = """Zephyr Widgets Q4 2023 Earnings Call - otter.ai

SPEAKERS
Operator, Ann Roe, Cy Doe, Bob Poe

Operator  00:02
Welcome to the Zephyr Widgets fourth quarter 2023 call.

Ann Roe  00:15
Revenue grew.

Operator  01:10
Our first question comes from Bob Poe with Calder.

Bob Poe  01:20
How is demand?

Cy Doe  01:31
Strong.
"""

WEBVTT = """WEBVTT

1
00:00:01.000 --> 00:00:06.000
<v Operator>Welcome to the Zephyr Widgets Q2 2022 earnings call.</v>

2
00:00:06.000 --> 00:00:09.000
<v Ann Roe>Revenue grew.</v>

3
00:00:09.000 --> 00:00:14.000
<v Operator>Our first question comes from Bob Poe with Calder.</v>

4
00:00:14.000 --> 00:00:17.000
<v Bob Poe>How is demand?</v>

5
00:00:17.000 --> 00:00:19.000
<v Ann Roe>Strong.</v>
"""

PDF_COLUMNS = """Zephyr Widgets, Inc. Q3 2024 Earnings Call

Operator
Welcome to the Zephyr Widgets third quarter 2024 call. I will hand over to Ann Roe.
Ann Roe  Zephyr Widgets, Inc. – Chief Financial Officer
Revenue grew as the supplemental applica-
tion was approved.
Zephyr Widgets, Inc. Q3 2024 Earnings Call                         Page 2 of 4
Operator
Our first question comes from Bob Poe with Calder.
Bob Poe  Calder Partners – Analyst
How is demand?
Ann Roe  Zephyr Widgets, Inc. – Chief Financial Officer
Strong.
"""


@pytest.mark.parametrize("text", [ROLE_LABELS_INLINE, TITLE_DASH_NAME, OTTER, WEBVTT, PDF_COLUMNS])
def test_more_layouts_find_the_operator_the_questioners_and_the_company_side(text):
    transcript = parse_transcript(text)
    assert transcript.turns[0].name == "Operator"
    assert questioners(transcript)[0] == "Bob Poe"
    assert people(transcript)["Bob Poe"][0] == "analyst"
    assert all(s.role != Role.ANALYST for s in transcript.speakers if s.name in ("Ann Roe", "Cy Doe"))


@pytest.mark.parametrize(
    ("said", "name", "firm"),
    [
        ("Next we have Grace Obi from Meridian Partners.", "Grace Obi", "Meridian Partners"),
        ("We now have Sam Lee with Calder on the line.", "Sam Lee", "Calder"),
        ("Our next question comes from Jo Park of Vantage Capital.", "Jo Park", "Vantage Capital"),
        # the caller named first, then given the line
        ("Sam Lee from Calder Partners, your line is open.", "Sam Lee", "Calder Partners"),
        ("Sam Lee, Calder Partners. Please go ahead.", "Sam Lee", "Calder Partners"),
        ("Sam Lee with Calder Partners has the next question.", "Sam Lee", "Calder Partners"),
        ("Next up is Sam Lee with Calder Partners.", "Sam Lee", "Calder Partners"),
        ("Our next caller is Sam Lee from Calder Partners.", "Sam Lee", "Calder Partners"),
        ("It is from the line of Sam Lee representing Calder Partners.", "Sam Lee", "Calder Partners"),
        ("From Sam Lee with Calder Partners. Your line is open.", "Sam Lee", "Calder Partners"),
    ],
)
def test_the_operator_announces_a_caller_by_name_and_firm(said, name, firm):
    assert parse_announcement(operator_saying(said)) == Announcement(name, firm)


def test_we_have_without_a_firm_brings_someone_back_and_announces_no_caller():
    announced = parse_announcement(operator_saying("We now have Mr. Ann Roe on the line."))
    assert announced is None or announced.name == ""


def operator_saying(said):
    return Turn("Operator", "Operator", "", Role.OPERATOR, Section.QA, 1, [Paragraph(said, 1)])


def test_role_labels_take_the_announced_names_and_the_whole_firm():
    transcript = parse_transcript(ROLE_LABELS_INLINE)
    assert [(e.questioner, e.firm) for e in transcript.exchanges] == [
        ("Bob Poe", "Keefe, Bruyette & Woods"), ("Di Lee", "Vantage"),
    ]  # fmt: skip
    assert transcript.company == "Zephyr Insurance Group"


def test_pdf_columns_page_footers_and_words_broken_at_the_line_end():
    transcript = parse_transcript(PDF_COLUMNS)
    ann = transcript.turns[1]
    assert (ann.name, ann.title, ann.firm) == ("Ann Roe", "Chief Financial Officer", "Zephyr Widgets, Inc.")
    assert ann.paragraphs[0].text == "Revenue grew as the supplemental application was approved."
    assert not any("Page 2" in p.text for turn in transcript.turns for p in turn.paragraphs)


def test_timestamps_after_the_name_are_not_speech():
    transcript = parse_transcript(OTTER)
    assert [p.text for p in transcript.turns[1].paragraphs] == ["Revenue grew."]


DASH_THEN_SPEECH = """Zephyr Widgets, Inc. (ZPH)
Fourth Quarter 2023 Earnings Conference Call
Company Participants
Ann Roe - Chief Financial Officer
Other Participants
Bob Poe - Calder Securities
Di Lee - Vantage Partners

Operator - Welcome to the Zephyr Widgets fourth quarter 2023 call.
Ann Roe - Thank you, operator. Revenue grew in every region.
Operator - Our first question comes from Bob Poe with Calder Securities.
Bob Poe - How is demand holding up?
Ann Roe — Demand is strong - and orders are up.
Operator - Next is Di Lee with Vantage Partners.
Di Lee - And margins, please?
Ann Roe - Better than planned.
"""

FIRM_IN_BRACKETS = """Zephyr Freight Q2 2024 Earnings Call
Operator: Welcome to the Zephyr Freight second quarter 2024 call.
Ann Roe [Zephyr Freight]: Volumes stabilised.
Operator: Our first question comes from Bob Poe with Calder Research.
Bob Poe [Calder Research]: How is pricing?
Ann Roe [Zephyr Freight]: Firm.
"""

HTML_PAGE = """<html><body>
<h1>Zephyr Coatings plc (ZCO) Q1 2024 Earnings Call Transcript</h1>
<p><strong>Operator</strong></p>
<p>Welcome to the Zephyr Coatings first quarter 2024 call.</p>
<p><strong>Ann Roe</strong> -- Chief Executive Officer</p>
<p>Thank you,&nbsp;operator. Sales grew &amp; margins held.</p>
<p><strong>Operator</strong></p>
<p>Our first question comes from Bob Poe with Calder.</p>
<p><strong>Bob Poe</strong> -- Calder Partners -- Analyst</p>
<p>How is demand?</p>
<p><strong>Ann Roe</strong> -- Chief Executive Officer</p>
<p>Strong.</p>
</body></html>
"""


@pytest.mark.parametrize("text", [DASH_THEN_SPEECH, FIRM_IN_BRACKETS, HTML_PAGE])
def test_dash_joined_speech_firms_in_brackets_and_html_pages(text):
    transcript = parse_transcript(text)
    assert transcript.turns[0].name == "Operator"
    assert questioners(transcript)[0] == "Bob Poe"
    assert people(transcript)["Ann Roe"][0] == "executive"
    assert people(transcript)["Bob Poe"][0] == "analyst"


def test_speech_after_the_dash_keeps_its_own_dashes_and_html_its_characters():
    dashed = parse_transcript(DASH_THEN_SPEECH)
    assert dashed.turns[4].paragraphs[0].text == "Demand is strong - and orders are up."
    page = parse_transcript(HTML_PAGE)
    assert page.turns[1].paragraphs[0].text == "Thank you, operator. Sales grew & margins held."
    assert page.company.startswith("Zephyr Coatings")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Analyst Q&A Session", "qa"),
        ("Questions from Analysts", "qa"),
        ("Q U E S T I O N S  A N D  A N S W E R S", "qa"),
        ("## Q&A", "qa"),
        ("Opening Remarks by Management", "prepared"),
        ("Question and Answer ........ 7", None),
        ("Question", None),  # a side label ("Question" / "Answer"), not a heading
        ("Thank you", None),
    ],
)
def test_headings_written_other_ways(line, kind):
    from calls.parsing.labels import clean_line
    from calls.parsing.layouts import heading_kind

    assert heading_kind(clean_line(line)) == kind


def test_two_calls_in_one_file_raise_a_doubt():
    twice = STREETEVENTS + "\n" + STREETEVENTS.replace("third quarter 2021", "fourth quarter 2021")
    assert any("two calls" in message for message in _doubts(parse_transcript(twice)))
    assert not any("two calls" in message for message in _doubts(parse_transcript(STREETEVENTS)))


def test_speech_after_a_dash_may_hold_a_colon_and_a_time_after_the_colon_is_dropped():
    text = DASH_THEN_SPEECH.replace("And margins, please?", "Thanks. One more on R&D: is it rising?")
    di = [turn for turn in parse_transcript(text).turns if turn.name == "Di Lee"]
    assert di[0].paragraphs[0].text == "Thanks. One more on R&D: is it rising?"
    sonix = parse_transcript(
        COLON_NO_SPACE.replace("Cy Doe:Revenue grew.", "Cy Doe: [00:00:02] Revenue grew.")
    )
    assert sonix.turns[1].paragraphs[0].text == "Revenue grew."


ASR_NUMBERED = """Zephyr Widgets Q1 2024 earnings call - auto transcript
Participant 1: Welcome to the Zephyr Widgets first quarter 2024 call. Over to management.
Participant 2: Thanks. Revenue grew.
Participant 1: Our first question comes from Bob Poe at Calder Securities.
Participant 3: How is demand?
Participant 2: Strong.
Participant 1: Our next question comes from Di Lee at Vantage Partners.
Participant 4: And margins?
Participant 2: Better.
"""


def test_numbered_asr_speakers_the_announcer_is_the_operator_and_callers_take_their_names():
    transcript = parse_transcript(ASR_NUMBERED)
    assert transcript.turns[0].name == "Operator"
    assert questioners(transcript) == ["Bob Poe", "Di Lee"]
    assert [turn.name for turn in transcript.turns if turn.role == Role.ANALYST] == ["Bob Poe", "Di Lee"]


def test_titles_from_introductions_the_caller_who_comes_on_and_running_page_headers():
    text = """Operator: Welcome to the Zephyr Widgets Q4 2023 results call. I will hand over to Ann Roe.
Ann Roe: Thank you. With me is Cy Doe, our Chief Financial Officer.
Cy Doe: Costs fell and margins widened across the year, as we said they would.
                                                   Page 2 of 3
Zephyr Widgets plc - Q4 2023 Results Call - 29 February 2024
Cy Doe: We also cut debt.
Operator: The next question comes from Isabel Roy of Calder. Isabel, your line may be muted. \
We'll move on to Bob Poe of Vantage Partners.
Bob Poe: How is demand?
Cy Doe: Strong.
"""
    transcript = parse_transcript(text)
    assert people(transcript)["Cy Doe"][0] == "executive"
    cy = next(turn for turn in transcript.turns if turn.name == "Cy Doe")
    assert cy.title == "Chief Financial Officer"
    assert [(e.questioner, e.introduced_as, e.firm) for e in transcript.exchanges] == [
        ("Bob Poe", "", "Vantage Partners"),
    ]  # fmt: skip
    assert not any("Results Call" in p.text for turn in transcript.turns for p in turn.paragraphs)


def test_a_label_typed_wrong_takes_the_listed_spelling_from_a_list_by_side():
    text = """Zephyr Packaging plc
Full Year 2023 Results Conference Call
PARTICIPANTS
Corporate: Nigel Ashdown, Chief Executive; Ann Roe, Chief Financial Officer
Analysts: Bob Poe (Calder Partners)

Operator: Welcome to the Zephyr Packaging fourth quarter 2023 results call.
Nigel Ashdwon: Thank you. Revenue grew.
Ann Roe: Costs fell.
Operator: Our first question comes from Bob Poe of Calder Partners.
Bob Poe: How is demand?
Nigel Ashdown: Strong.
"""
    transcript = parse_transcript(text)
    assert "Nigel Ashdwon" not in people(transcript)
    nigel = transcript.turns[1]
    assert (nigel.name, nigel.title) == ("Nigel Ashdown", "Chief Executive")
    assert people(transcript)["Bob Poe"] == ("analyst", "Calder Partners")


WIRE_IN_CAPITALS = """Q2 2017 Zephyr Software Corp Earnings Call - Final

CORPORATE PARTICIPANTS
 Ann Roe;Zephyr Software Corp;Director of IR
 Cy Doe;Zephyr Software Corp;CFO

CONFERENCE CALL PARTICIPANTS
 Bob Poe;Calder Partners;Analyst

PRESENTATION

OPERATOR: Welcome to the Zephyr Software second quarter 2017 earnings call.

ANN ROE, DIRECTOR OF IR, ZEPHYR SOFTWARE CORP: Thank you. Cy Doe is with me.

CY DOE, CFO, ZEPHYR SOFTWARE CORP: Subscription revenue rose.

QUESTION AND ANSWER

OPERATOR: Di Lee, Vantage Partners.

DI LEE, ANALYST, VANTAGE PARTNERS: What drove it?

CY DOE: Renewals.

OPERATOR: Bob Poe, Calder Partners.

BOB POE, ANALYST, CALDER PARTNERS: And churn?

CY DOE: Lower.
"""


def test_labels_in_capitals_take_the_lists_spelling_or_ordinary_capitals():
    transcript = parse_transcript(WIRE_IN_CAPITALS)
    titles = {turn.name: (turn.title, turn.firm) for turn in transcript.turns if turn.title}
    assert titles["Ann Roe"] == ("Director of IR", "Zephyr Software Corp")  # as the list writes it
    assert titles["Di Lee"] == ("Analyst", "Vantage Partners")  # not listed: capitals made ordinary
    assert questioners(transcript) == ["Di Lee", "Bob Poe"]


def test_lower_case_titles_in_introductions_and_questions_the_operator_takes_in_other_words():
    text = """WEBVTT

00:00:01.000 --> 00:00:06.000
<v Operator>Welcome to the Zephyr Energy second quarter 2023 earnings call.
Over to Ann Roe, head of investor relations.

00:00:06.000 --> 00:00:12.000
<v Ann Roe>Thank you. With me is our chief executive officer, Cy Doe.

00:00:12.000 --> 00:00:20.000
<v Cy Doe>Production rose. Our CFO, Di Lee, will cover the numbers.

00:00:20.000 --> 00:00:28.000
<v Di Lee>Free cash flow grew. The President of our Retail Group, Eve Moe, is here for questions.

00:00:35.000 --> 00:00:40.000
<v Operator>We will now take questions. First, Bob Poe of Calder Partners.

00:00:40.000 --> 00:00:46.000
<v Bob Poe>What is the plan for the buyback?

00:00:46.000 --> 00:00:52.000
<v Cy Doe>We keep buying. Next question is from Fay Koh, Vantage Partners.
"""
    transcript = parse_transcript(text)
    titles = {turn.name: turn.title for turn in transcript.turns}
    assert titles["Ann Roe"] == "Head of Investor Relations"
    assert titles["Cy Doe"] == "Chief Executive Officer"
    assert titles["Di Lee"] == "CFO"
    assert [(e.questioner, e.firm) for e in transcript.exchanges] == [("Bob Poe", "Calder Partners")]
    assert people(transcript)["Bob Poe"] == ("analyst", "Calder Partners")


BILINGUAL_INLINE = """Zephyr Fabrication Corp. (ZFAB) Q2 2021 Earnings Call Transcript

Operator: Good day and welcome to the Zephyr Fabrication second quarter 2021 earnings call.
營運商：您好，歡迎參加Zephyr Fabrication 2021年第二季度財報電話會議。

Ann Roe -- Chief Executive Officer: Thank you. Demand stayed strong.
Ann Roe -- 首席執行官：謝謝。需求依然強勁。

Operator: Our first question comes from Bob Poe with Calder Partners.
營運商：我們的第一個問題來自Calder Partners的Bob Poe。

Bob Poe -- Calder Partners -- Analyst: How much ships this year?
Bob Poe -- Calder Partners -- 分析師：今年有多少會出貨？

Ann Roe -- Chief Executive Officer: About two thirds.
Ann Roe -- 首席執行官：大約三分之二。
"""

BILINGUAL_LABELS_TRANSLATED = """Zephyr Fabrication Corp. Q2 2021 Earnings Call

Operator
營運商
Good day and welcome to the Zephyr Fabrication second quarter 2021 earnings call.
您好，歡迎參加Zephyr Fabrication 2021年第二季度財報電話會議。

Ann Roe - Chief Executive Officer
Ann Roe - 首席執行官
Thank you. Demand stayed strong.
謝謝。需求依然強勁。

Operator
營運商
Our first question comes from Bob Poe with Calder Partners.
我們的第一個問題來自Calder Partners的Bob Poe。

Bob Poe - Calder Partners
Bob Poe - Calder Partners
How much ships this year?
今年有多少會出貨？

Ann Roe - Chief Executive Officer
Ann Roe - 首席執行官
About two thirds.
大約三分之二。
"""


@pytest.mark.parametrize("text", [BILINGUAL_INLINE, BILINGUAL_LABELS_TRANSLATED])
def test_bilingual_files_that_translate_the_labels_too(text):
    transcript = parse_transcript(text)
    assert transcript.layout == "bilingual"
    names = [turn.name for turn in transcript.turns]
    assert names == ["Operator", "Ann Roe", "Operator", "Bob Poe", "Ann Roe"]
    assert transcript.turns[1].title == "Chief Executive Officer"
    pairs = [(p.text, p.translation) for turn in transcript.turns for p in turn.paragraphs]
    assert pairs[1] == ("Thank you. Demand stayed strong.", "謝謝。需求依然強勁。")
    assert all(translation for _, translation in pairs)
    assert questioners(transcript) == ["Bob Poe"]
    assert not transcript.warnings


def test_firms_and_names_written_with_initials():
    text = """Operator: Welcome to the Zephyr Brewing third quarter 2019 earnings call.
Ann Roe: Thank you. Shipments grew.
Operator: Our first question is from J.R. Poe with J.P. Morgan.
J.R. Poe: How is pricing?
Ann Roe: Firm.
Operator: Next is Di Lee from R.W. Baird & Co.
Di Lee: And costs?
Ann Roe: Lower.
Operator: Our next question is coming from Cy Doe of B. Riley Securities. Your line is live.
Cy Doe: And demand?
Ann Roe: Steady.
Operator: The last question comes from Eve Moe with D. A. Davidson.
Eve Moe: Capex?
Ann Roe: Flat.
"""
    transcript = parse_transcript(text)
    assert [(e.questioner, e.firm) for e in transcript.exchanges] == [
        ("J.R. Poe", "J.P. Morgan"), ("Di Lee", "R.W. Baird & Co"),
        ("Cy Doe", "B. Riley Securities"), ("Eve Moe", "D. A. Davidson"),
    ]  # fmt: skip


def test_a_firm_after_a_comma_reads_on_from_its_own_end():
    # The firm after the comma is its own group: reading on from the other group's end (none) read
    # from the start of the turn, where "(sic) [Calder]" is no correction of this firm.
    text = """Operator: Welcome to the Zephyr Widgets first quarter 2022 call.
Ann Roe: Revenue grew.
Operator: (sic) [Calder] The next question is from Bob Poe, Vantage Partners.
Bob Poe: How is demand?
Ann Roe: Strong.
"""
    assert [(e.questioner, e.firm) for e in parse_transcript(text).exchanges] == [
        ("Bob Poe", "Vantage Partners")
    ]
