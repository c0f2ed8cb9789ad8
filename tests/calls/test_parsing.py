"""Transcript parser tests: pure Python, no database, no Django.

The seed tests replicate ../shared/hooks/seedcheck.py against `Transcript` directly; the other tests
use small invented transcripts (never text copied from the seeds).
"""

from __future__ import annotations

import json
import pathlib
import re
import unicodedata

import pytest

from calls.parsing import (
    Role,
    Section,
    Transcript,
    TranscriptError,
    clean_company_name,
    parse_transcript,
)
from calls.parsing.inference import find_company, find_period
from calls.parsing.labels import split_rest
from calls.parsing.layouts import parse_speaker_line

SEEDS = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def norm(name: str | None) -> str:
    name = unicodedata.normalize("NFKC", name or "").lower()
    return re.sub(r"[^a-z0-9 ]", "", name).strip()


def _expected() -> dict:
    if not (SEEDS / "expected.json").exists():
        return {}
    data = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
    return {name: facts for name, facts in data.items() if not name.startswith("_")}


EXPECTED = _expected()
SEED_NAMES = sorted(EXPECTED) or ["(no seeds)"]


@pytest.fixture(scope="module")
def seeds() -> dict[str, Transcript]:
    if not EXPECTED:
        pytest.skip(f"seed folder {SEEDS} is absent")
    return {name: parse_transcript((SEEDS / name).read_bytes(), filename=name) for name in EXPECTED}


def seed_facts(transcript: Transcript, want: dict):
    """(label, ok) for every fact seedcheck.py checks."""
    yield "turns", len(transcript.turns) == want["turns"]
    yield "paragraphs", transcript.paragraph_count == want["paragraphs"]
    yield "translated_paragraphs", transcript.translated_paragraph_count == want["translated_paragraphs"]
    yield "prepared_turns", transcript.prepared_turn_count == want["prepared_turns"]
    yield "exchange count", len(transcript.exchanges) == len(want["exchanges"])
    yield "company", norm(want["company"]) in norm(transcript.company)
    period = (transcript.fiscal_year, transcript.fiscal_quarter)
    yield "fiscal period", period == (want["fiscal_year"], want["fiscal_quarter"])
    if want.get("ticker"):
        yield "ticker", transcript.ticker.upper() == want["ticker"]
    roles = {norm(s.name): s.role for s in transcript.speakers}
    for name, role in (want.get("speakers") or {}).items():
        yield f"role of {name}", roles.get(norm(name)) == role
    for line, info in (want.get("speakers_by_role_line") or {}).items():
        if "name" in info and not info["name"].startswith("announced"):
            yield f"name for '{line}'", roles.get(norm(info["name"])) == info["role"]
    for i, wx in enumerate(want["exchanges"]):
        got = transcript.exchanges[i] if i < len(transcript.exchanges) else None
        yield (
            f"exchange {i + 1} questioner",
            got is not None and norm(got.questioner) == norm(wx["questioner"]),
        )
        if wx.get("firm"):
            a, b = norm(got.firm if got else ""), norm(wx["firm"])
            yield f"exchange {i + 1} firm", bool(a) and (a == b or a in b or b in a)
        if wx.get("introduced_as"):
            yield (
                f"exchange {i + 1} introduced_as",
                got is not None and norm(got.introduced_as) == norm(wx["introduced_as"]),
            )


@pytest.mark.parametrize("seed", SEED_NAMES)
def test_seed_matches_expected_facts(seeds, seed):
    misses = [label for label, ok in seed_facts(seeds[seed], EXPECTED[seed]) if not ok]
    assert misses == []


@pytest.mark.parametrize(
    ("seed", "layout"),
    [
        ("allot-2013-q1-bullets.txt", "bullets"),
        ("infinera-2013-q1-lines.txt", "lines"),
        ("allot-2023-q2-bilingual.txt", "bilingual"),
        ("juniper-2010-q1-roles-only.txt", "roles-only"),
    ],
)
def test_seed_layout_is_detected(seeds, seed, layout):
    assert seeds[seed].layout == layout


def test_seed_company_names_group_on_one_company(seeds):
    companies = {clean_company_name(t.company) for name, t in seeds.items() if name.startswith("allot")}
    assert companies == {"Allot"}


def test_seed_structure_is_consistent(seeds):
    for transcript in seeds.values():
        qa_start = transcript.prepared_turn_count
        assert all(t.section == Section.PREPARED for t in transcript.turns[:qa_start])
        assert all(t.section == Section.QA for t in transcript.turns[qa_start:])
        assert transcript.turns[qa_start].role == Role.OPERATOR  # the Q&A opens with the operator
        for index, exchange in enumerate(transcript.exchanges):
            first = transcript.turns[exchange.first_turn]
            assert first.role == Role.ANALYST and norm(first.name) == norm(exchange.questioner)
            assert all(
                t.exchange == index for t in transcript.turns[exchange.first_turn : exchange.last_turn + 1]
            )
        roles_by_name: dict[str, set[Role]] = {}
        for turn in transcript.turns:
            roles_by_name.setdefault(norm(turn.name), set()).add(turn.role)
        assert all(len(roles) == 1 for roles in roles_by_name.values())


# --- Small invented transcripts ---------------------------------------------------------------------

LINES_CALL = """\
Operator
Good day and welcome to the Zephyr Widgets Inc. third quarter 2021 earnings call.
I will now hand over to Ann Example.
Ann Example - Head of Investor Relations
Thank you.
Joining me is our CEO.
Bob Sample - CEO
Revenue grew.
We are pleased.
Operator
(Operator Instructions) Our first question comes from Carl Asker with Firm One Capital.
Carla Asker - Analyst
Thanks.
How is demand?
Bob Sample - CEO
Strong.
Carla Asker - Analyst
Thank you.
Operator
Our next question is from Dana Query of Second Bank.
Erin Proxy - Analyst
Hi, this is Erin filling in for Dana.
Ann Example - Head of Investor Relations
Go ahead.
Erin Proxy - Analyst
What about margins?
Bob Sample - CEO
Higher.
Operator
There are no further questions at this time.
Bob Sample - CEO
Thanks, everyone.
"""


def test_lines_layout_full_pipeline():
    transcript = parse_transcript(LINES_CALL)
    assert transcript.layout == "lines"
    assert len(transcript.turns) == 14
    assert transcript.paragraph_count == 18
    assert transcript.prepared_turn_count == 3
    assert (transcript.fiscal_year, transcript.fiscal_quarter) == (2021, 3)
    assert clean_company_name(transcript.company) == "Zephyr Widgets"
    first, second = transcript.exchanges
    assert (first.questioner, first.introduced_as, first.firm) == (
        "Carla Asker",
        "Carl Asker",
        "Firm One Capital",
    )
    assert (second.questioner, second.introduced_as, second.firm) == (
        "Erin Proxy",
        "Dana Query",
        "Second Bank",
    )
    # first_turn is the questioner's first turn, not the operator's announcement
    assert transcript.turns[first.first_turn].name == "Carla Asker"
    assert (first.first_turn, first.last_turn) == (4, 6)
    roles = {s.name: s.role for s in transcript.speakers}
    # Ann speaks inside a Q&A slot but stays an executive: she spoke in the prepared remarks
    assert roles == {
        "Operator": Role.OPERATOR,
        "Ann Example": Role.EXECUTIVE,
        "Bob Sample": Role.EXECUTIVE,
        "Carla Asker": Role.ANALYST,
        "Erin Proxy": Role.ANALYST,
    }
    closing = transcript.turns[-1]
    assert closing.section == Section.QA and closing.exchange is None
    assert [t.firm for t in transcript.turns if t.name == "Carla Asker"] == ["Firm One Capital"] * 2


def test_bullets_layout_with_title_line_and_bare_announcement():
    text = (
        "Zephyr Ltd (ZPHR) 2019 Q4 法說會逐字稿\n\n完整原文\n\n使用警語:中文譯文來源為 Google 翻譯\n\n"
        "  • Ann Example - IR\n\n  • Welcome.\n\n  • Over to the operator.\n\n"
        "  • Operator\n\n  • (Operator Instructions) Carl Asker, Firm One.\n\n"
        "  • Carl Asker - Analyst\n\n  • A question.\n\n  • Ann Example - IR\n\n  • An answer.\n"
    )
    transcript = parse_transcript(text.encode("utf-8"))
    assert transcript.layout == "bullets"
    assert (transcript.company, transcript.ticker, transcript.fiscal_year, transcript.fiscal_quarter) == (
        "Zephyr Ltd",
        "ZPHR",
        2019,
        4,
    )
    assert transcript.title.startswith("Zephyr Ltd (ZPHR)")
    assert len(transcript.turns) == 4 and transcript.paragraph_count == 5
    assert transcript.exchanges[0].firm == "Firm One"
    assert transcript.warnings == []


BILINGUAL_CALL = """\
Operator
Operator
Welcome to Zephyr's First Quarter 2022 call.
歡迎參加 Zephyr 2022 年第一季電話會議。
Ann Example
Ann Example
Thank you all.
謝謝大家。
Over to questions.
Operator
Operator
The first question is from Carl Asker of Firm One.
第一個問題來自 Firm One 的 Carl Asker。
Carl Asker - President
Carl Asker - President
What is the outlook?
No translation follows this one.
前景如何?
Ann Example
Ann Example
Good.
好的。
"""


def test_bilingual_layout_pairs_translations_and_warns():
    transcript = parse_transcript(BILINGUAL_CALL)
    assert transcript.layout == "bilingual"
    assert len(transcript.turns) == 5
    assert transcript.paragraph_count == 7
    assert transcript.translated_paragraph_count == 5
    assert transcript.turns[0].paragraphs[0].translation.startswith("歡迎")
    assert transcript.company == "Zephyr"  # possessive stripped
    assert (transcript.fiscal_year, transcript.fiscal_quarter) == (2022, 1)
    # a "President" who asks a question is an analyst
    assert {s.name: s.role for s in transcript.speakers}["Carl Asker"] == Role.ANALYST
    assert [w.line for w in transcript.warnings] == [9, 16]
    assert all("translation" in w.message for w in transcript.warnings)


ROLES_ONLY_CALL = """\
Operator
Welcome to the Zephyr Networks second quarter 2018 call. I would like to introduce your host, \
Ms. Ann Example, Vice President of Investor Relations. Thank you.
- VP of IR
Thank you. Here today are Bob Sample, Chief Executive Officer, and Cy Number, Chief Financial Officer.
- CEO
Results were good.
- CFO & EVP
Numbers were good.
- COO
Operations were good.
Operator
Our first question is from the line of Dee Asker with Firm One. Please go ahead.
- Analyst
Why?
- CEO
Because.
Operator
Our next question is from the line of Eve Other. Please go ahead.
- analyst
How?
- CFO & EVP
Carefully.
"""


def test_roles_only_layout_recovers_names():
    transcript = parse_transcript(ROLES_ONLY_CALL)
    assert transcript.layout == "roles-only"
    names = [t.name for t in transcript.turns]
    assert names == [
        "Operator",
        "Ann Example",
        "Bob Sample",
        "Cy Number",
        "COO",  # nobody introduced a COO: the role stays as the name, with a warning
        "Operator",
        "Dee Asker",
        "Bob Sample",
        "Operator",
        "Eve Other",
        "Cy Number",
    ]
    assert transcript.turns[1].title == "VP of IR"  # the title stays as written
    assert [(x.questioner, x.firm) for x in transcript.exchanges] == [
        ("Dee Asker", "Firm One"),
        ("Eve Other", ""),
    ]
    assert transcript.turns[9].role == Role.ANALYST
    assert transcript.company == "Zephyr Networks"
    assert [w.line for w in transcript.warnings] == [9]
    assert "COO" in transcript.warnings[0].message


def test_name_colon_layout_and_headings():
    text = (
        "Presentation\n"
        "Operator: Welcome to the Acme Inc. Q2 2020 call.\n"
        "Jane Roe - CEO: Thanks. We did well.\n"
        "More from Jane on a second line.\n"
        "Questions and Answers\n"
        "Operator: Our first question comes from Sam Asker with Big Bank.\n"
        "Sam Asker: Why so well?\n"
        "Jane Roe - CEO: Hard work.\n"
    )
    transcript = parse_transcript(text)
    assert transcript.layout == "name-colon"
    assert [t.name for t in transcript.turns] == ["Operator", "Jane Roe", "Operator", "Sam Asker", "Jane Roe"]
    assert transcript.prepared_turn_count == 2
    assert transcript.paragraph_count == 6
    assert transcript.exchanges[0].questioner == "Sam Asker"
    assert (transcript.fiscal_year, transcript.fiscal_quarter) == (2020, 2)


@pytest.mark.parametrize(
    "line",
    [
        "Thank you - Operator.",
        "Yes - that is right",
        "So, Mark - the answer is yes",
        "Thanks - Everyone",
        "I think - and this is important - we grew.",
        "Revenue was $24 million - up 5%.",
        "Great quarter - Congratulations!",
        "- and then we grew.",
        "It's 100.",
    ],
)
def test_sentences_are_not_speaker_lines(line):
    assert parse_speaker_line(line) is None


@pytest.mark.parametrize(
    ("line", "name", "title"),
    [
        ("Operator", "Operator", ""),
        ("Jane Q. Roe - CEO, Presient", "Jane Q. Roe", "CEO, Presient"),
        ("Unidentified Speaker - Analyst", "Unidentified Speaker", "Analyst"),
        ("Jean-Luc O'Neil – Chief Financial Officer", "Jean-Luc O'Neil", "Chief Financial Officer"),
        ("Ashwin - Analyst", "Ashwin", "Analyst"),
        ("Joe Bloggs - Analyst, Acme Co.", "Joe Bloggs", "Analyst, Acme Co."),
        ("- CFO & EVP", "CFO & EVP", "CFO & EVP"),
        ("- analyst", "analyst", "analyst"),
    ],
)
def test_speaker_lines(line, name, title):
    speaker = parse_speaker_line(line)
    assert speaker is not None and (speaker.name, speaker.rest) == (name, title)


@pytest.mark.parametrize(
    ("rest", "firm", "title"),
    [
        ("Analyst at Calder Partners", "Calder Partners", "Analyst"),
        ("Chief Executive Officer at Zephyr Robotics", "Zephyr Robotics", "Chief Executive Officer"),
        ("Head of Research at Calder", "Calder", "Head of Research"),
        ("Calder Partners - Analyst", "Calder Partners", "Analyst"),
        ("Vice President, Investor Relations", "", "Vice President, Investor Relations"),
        ("Director at large", "", "Director at large"),  # no firm named after "at"
    ],
)
def test_a_labels_rest_is_split_into_firm_and_title(rest, firm, title):
    assert split_rest(rest) == (firm, title)


@pytest.mark.parametrize(
    "label",
    ["Operator", "Conference Call Operator", "Moderator", "Coordinator", "Event Operator",
     "Telephone Operator", "Facilitator", "Operator (Operator)", "OPERATOR"],
)  # fmt: skip
def test_the_operators_labels(label):
    transcript = parse_transcript(
        "Zephyr Q1 2024 Earnings Call\n\n"
        f"{label}: Welcome to the Zephyr first quarter 2024 earnings call.\n\n"
        "Ann Roe: Revenue rose.\n\n"
        f"{label}: Our first question comes from Sam Lee with Calder Partners.\n\n"
        "Sam Lee: How is demand?\n\nAnn Roe: Strong.\n"
    )
    assert [(s.name, s.role) for s in transcript.speakers] == [
        ("Operator", Role.OPERATOR), ("Ann Roe", Role.EXECUTIVE), ("Sam Lee", Role.ANALYST),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("executive", "caller", "names", "caller_title"),
    [
        ("Ann Roe, Ph.D.", "Sam Lee, CFA", ("Ann Roe", "Sam Lee"), ""),
        ("A. Roe", "Sam Lee Jr.", ("A. Roe", "Sam Lee Jr."), ""),
        ("Ann Roe (Zephyr)", "Sam Lee (Calder Partners, Analyst)", ("Ann Roe", "Sam Lee"), "Analyst"),
    ],
)
def test_degrees_initials_and_a_firm_before_the_title_in_labels(executive, caller, names, caller_title):
    transcript = parse_transcript(
        "Zephyr Q1 2024 Earnings Call\n\n"
        "Operator: Welcome to the Zephyr first quarter 2024 earnings call.\n\n"
        f"{executive}: Revenue rose.\n\n"
        "Operator: Our first question comes from Sam Lee with Calder Partners.\n\n"
        f"{caller}: How is demand?\n\n{executive}: Strong.\n"
    )
    assert [(s.name, s.role) for s in transcript.speakers][1:] == [
        (names[0], Role.EXECUTIVE), (names[1], Role.ANALYST),
    ]  # fmt: skip
    assert (transcript.speakers[2].firm, transcript.speakers[2].title) == ("Calder Partners", caller_title)


def test_bare_names_only_when_known_or_doubled():
    assert parse_speaker_line("Kenny Example") is None
    assert parse_speaker_line("Kenny Example", allow_bare_name=True) is not None
    assert parse_speaker_line("Thank You", allow_bare_name=True) is None
    text = "Ann Roe - CFO\nHello.\nBob Poe - Analyst\nA question.\nAnn Roe\nAn answer.\n"
    assert [t.name for t in parse_transcript(text).turns] == ["Ann Roe", "Bob Poe", "Ann Roe"]


def test_repeated_speaker_line_is_merged_with_warning():
    text = "Ann Roe - CFO\nAnn Roe - CFO\nHello.\nBob Poe - CEO\nHi.\n"
    transcript = parse_transcript(text)
    assert len(transcript.turns) == 2
    assert [w.line for w in transcript.warnings if "repeated" in w.message] == [2]


def test_text_before_first_speaker_line_warns():
    transcript = parse_transcript("Some stray header\nAnn Roe - CFO\nHello.\nBob Poe - CEO\nHi.\n")
    assert [w.line for w in transcript.warnings if "before the first speaker" in w.message] == [1]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        ("   \n\r\n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("just some prose.\nwith no speakers at all.\n", "no speaker lines"),
    ],
)
def test_bad_input_raises_clear_error(data, message):
    with pytest.raises(TranscriptError, match=message):
        parse_transcript(data)


SMALL = "Ann Roe - CFO\nHello\u00a0there – café.\nBob Poe - CEO\nHi.\n"


@pytest.mark.parametrize(
    "data",
    [
        SMALL.encode("utf-8"),
        b"\xef\xbb\xbf" + SMALL.encode("utf-8"),
        SMALL.encode("utf-16"),  # with BOM
        SMALL.replace("\n", "\r\n").encode("utf-8"),
        SMALL.replace("\n", "\r").encode("utf-8"),
        "\ufeff" + SMALL,
    ],
)
def test_encodings_and_line_ends(data):
    transcript = parse_transcript(data)
    assert [t.name for t in transcript.turns] == ["Ann Roe", "Bob Poe"]
    assert transcript.turns[0].paragraphs[0].text == "Hello there – café."
    assert transcript.turns[1].line == 3


# A bilingual call of our own, with curly quotes, a dash and an accent on the English side.
BILINGUAL_SMALL = """\
Operator
Operator
Welcome to the Zephyr Widgets second quarter 2021 results call.
歡迎參加 Zephyr Widgets 2021 年第二季業績電話會議。
Ann Roe - CFO
Ann Roe - CFO
Revenue grew 5% and gross margin improved.
營收成長了百分之五，毛利率也有所改善。
Operator
Operator
Our first question is from Bob Poe with Firm One.
我們的第一個問題來自 Firm One 的 Bob Poe。
Bob Poe - Analyst
Bob Poe - Analyst
What about customer demand?
客戶需求如何？
"""


@pytest.mark.parametrize(
    ("encoding", "warning"),
    [("big5", "Big5"), ("cp950", "Big5"), ("big5hkscs", "Big5"), ("gb18030", "GB18030")],
)
def test_bilingual_file_in_a_chinese_legacy_encoding_keeps_its_chinese(encoding, warning):
    transcript = parse_transcript(BILINGUAL_SMALL.encode(encoding))
    assert transcript.layout == "bilingual"
    assert [t.name for t in transcript.turns] == ["Operator", "Ann Roe", "Operator", "Bob Poe"]
    assert transcript.translated_paragraph_count == 4
    assert transcript.turns[1].paragraphs[0].translation == "營收成長了百分之五，毛利率也有所改善。"
    assert transcript.turns[3].paragraphs[0].translation == "客戶需求如何？"
    assert (transcript.company, transcript.fiscal_year, transcript.fiscal_quarter) == (
        "Zephyr Widgets",
        2021,
        2,
    )
    [decoded] = transcript.warnings
    assert decoded.line == 0 and decoded.message.startswith(
        f"the file is not valid UTF-8; decoded as {warning}"
    )


def test_simplified_chinese_in_gb18030_is_not_read_as_big5():
    text = BILINGUAL_SMALL.replace(
        "營收成長了百分之五，毛利率也有所改善。", "营收增长了百分之五，毛利率也有所改善。"
    )
    transcript = parse_transcript(text.encode("gb18030"))
    assert transcript.turns[1].paragraphs[0].translation == "营收增长了百分之五，毛利率也有所改善。"


CP1252_CALL = (
    "Ann Roe - CFO\nHe said \u201cgreat\u201d \u2013 the caf\u00e9\u2019s margin rose.\nBob Poe - CEO\nHi.\n"
)


def test_windows_1252_with_curly_quotes_is_not_mistaken_for_chinese():
    transcript = parse_transcript(CP1252_CALL.encode("cp1252"))
    assert (
        transcript.turns[0].paragraphs[0].text
        == "He said \u201cgreat\u201d \u2013 the caf\u00e9\u2019s margin rose."
    )
    assert "the file is not valid UTF-8; decoded as cp1252" in [w.message for w in transcript.warnings]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark(encoding):
    transcript = parse_transcript(BILINGUAL_SMALL.encode(encoding))
    assert transcript.translated_paragraph_count == 4
    assert "no byte-order mark" in transcript.warnings[0].message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_bilingual_file_in_unicode_encodings_and_line_ends(encoding, newline):
    transcript = parse_transcript(BILINGUAL_SMALL.replace("\n", newline).encode(encoding))
    assert transcript.translated_paragraph_count == 4
    assert transcript.turns[3].line == 13
    assert transcript.turns[3].paragraphs[0].translation_line == 16
    assert transcript.warnings == []


def test_odd_spaces_and_line_separators_are_plain():
    text = (
        "Ann\u00a0Roe\u2009-\u202fCFO\n"
        "Revenue\u3000grew\u200b by\u2002five\u00a0percent.\u2028Margins improved.\n"
        "\fBob Poe - CEO\u2029Thanks.\n"
    )
    transcript = parse_transcript(text)
    assert [(t.name, t.title) for t in transcript.turns] == [("Ann Roe", "CFO"), ("Bob Poe", "CEO")]
    assert [p.text for p in transcript.turns[0].paragraphs] == [
        "Revenue grew by five percent.",
        "Margins improved.",
    ]
    assert [p.text for p in transcript.turns[1].paragraphs] == ["Thanks."]


def test_full_width_punctuation_folds_in_english_lines_only():
    text = (
        "Presentation\n"
        "Operator：Welcome to the Acme Inc. Ｑ２ ２０２０ call。\n"
        "Jane Roe - CEO：Thanks，we did well（very well）！\n"
        "謝謝，我們做得很好（非常好）！\n"
        "We grew and we hired。\n"
        "Sam Asker：Why？\n"
        "Jane Roe - CEO：Demand。\n"
    )
    transcript = parse_transcript(text)
    assert transcript.layout == "name-colon"
    assert [t.name for t in transcript.turns] == ["Operator", "Jane Roe", "Sam Asker", "Jane Roe"]
    assert transcript.turns[1].paragraphs[0].text == "Thanks, we did well(very well)!"
    # Chinese keeps its own punctuation.
    assert transcript.turns[1].paragraphs[1].text == "謝謝，我們做得很好（非常好）！"
    assert transcript.turns[2].paragraphs[0].text == "Why?"
    assert (transcript.fiscal_year, transcript.fiscal_quarter) == (2020, 2)


def test_cp1252_fallback_warns():
    transcript = parse_transcript(SMALL.replace("–", "-").encode("cp1252"))
    assert transcript.turns[0].paragraphs[0].text == "Hello there - café."
    assert any("cp1252" in w.message and w.line == 0 for w in transcript.warnings)


def test_json_layout_detected_by_content():
    data = {
        "prepared_remarks": [
            {"speaker": "Operator", "speech": "Welcome to the Acme Corp fourth quarter 2020 call."},
            {"speaker": "Jane Roe", "speech": "Hello.\nWe grew."},
        ],
        "q_and_a": [
            {"speaker": "Operator", "speech": "Our first question comes from Sam Asker with Big Bank."},
            {"speaker": "Sam Asker", "speech": "Why?"},
            {"speaker": "Jane Roe", "speech": "Because."},
        ],
        "participants": ["Jane Roe--Chief Executive Officer", "Sam Asker--Big Bank -- Analyst"],
    }
    transcript = parse_transcript(json.dumps(data), filename="ACME_q4_2020.txt")
    assert transcript.layout == "json"
    assert transcript.prepared_turn_count == 2 and transcript.paragraph_count == 6
    assert transcript.ticker == "ACME" and (transcript.fiscal_year, transcript.fiscal_quarter) == (2020, 4)
    assert transcript.exchanges[0].questioner == "Sam Asker"
    assert transcript.turns[1].title == "Chief Executive Officer"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Allot Ltd", "Allot"),
        ("Allot's", "Allot"),
        ("Allot Ltd (ALLT)", "Allot"),
        ("Infinera Corporation", "Infinera"),
        ("Juniper Networks", "Juniper Networks"),
        ("Acme Inc.", "Acme"),
        ("Acme, Inc.", "Acme"),
        ("Widget Technologies Holdings plc", "Widget Technologies Holdings"),
        ("Siemens AG", "Siemens"),
        ("Holdings", "Holdings"),
        ("Smith & Co.", "Smith"),
        ("Roche Holding AG", "Roche Holding"),
    ],
)
def test_clean_company_name(raw, clean):
    assert clean_company_name(raw) == clean


@pytest.mark.parametrize(
    ("welcome", "company"),
    [
        ("Welcome to the Q3 Zentrix earnings conference call.", "Zentrix"),
        ("Welcome to Quillon plc's Third Quarter 2021 Conference Call.", "Quillon plc"),
        ("Welcome to the Marrow & Pike Second Quarter Fiscal Year 2021 Earnings Call.", "Marrow & Pike"),
        (
            "Welcome to the Bramble Brook Communities, Inc. 2020 Third Quarter Earnings Call.",
            "Bramble Brook Communities, Inc.",
        ),
        (
            "Welcome to your Q3 2020 Yarrow Hotels International, Inc. Earnings Conference Call.",
            "Yarrow Hotels International, Inc.",
        ),
        (
            "Thank you for joining Tarn Corporation of America's Third Quarter 2021 Results Call.",
            "Tarn Corporation of America",
        ),
        ("Welcome to the Third Quarter Cobalt Earnings Conference Call.", "Cobalt"),
        ("Welcome to the First Horizonte Bank Fourth Quarter 2020 Earnings Call.", "First Horizonte Bank"),
        (
            "Welcome to today's Vellum-Pine Company First Quarter 2021 Earnings Conference Call.",
            "Vellum-Pine Company",
        ),
        ("Thank you for joining us for Orrin, Inc.'s First Quarter 2021 Earnings Call.", "Orrin, Inc."),
        ("Welcome to the Larch Properties earnings call.", "Larch Properties"),
        (
            "Welcome to the first quarter 2021 earnings discussion for Fenwick Mortgage Trust.",
            "Fenwick Mortgage Trust",
        ),
        ("Welcome to Ostra, Fourth Quarter Earnings Results Conference Call.", "Ostra"),
        ("Welcome to the Q3 21 Pellton Group Inc Earnings Conference Call.", "Pellton Group Inc"),
    ],
)
def test_company_from_the_welcome(welcome, company):
    assert find_company([welcome]) == company


@pytest.mark.parametrize(
    "welcome",
    [
        "Welcome to the First Quarter 2021 Earnings Call.",  # no company named: never guess
        "Welcome to the quarterly earnings conference call.",
        "Welcome to our business update conference call.",
        "Thank you for joining us. We appreciate your time.",
        "Our results call for the Third Quarter was long.",
    ],
)
def test_no_company_is_better_than_a_wrong_one(welcome):
    assert find_company([welcome]) == ""


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("the Fourth Quarter and Fiscal Year 2021 Earnings Release", (2021, 4)),
        ("our Fourth Quarter and Year-end 2020 results", (2020, 4)),
        ("welcome to the third-quarter fiscal-year 2021 earnings call", (2021, 3)),
        ("the second quarter of 2021", (2021, 2)),
        ("the first quarter year 2013 investment community call", (2013, 1)),
        ("Q2 FY2022 results", (2022, 2)),
    ],
)
def test_period_from_the_welcome(text, period):
    assert find_period([text]) == period
