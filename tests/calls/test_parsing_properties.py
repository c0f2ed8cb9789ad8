"""Property-based tests of the parser (hypothesis): it never crashes and never loses text.

Pure Python, no database. Example counts are modest so the whole suite stays fast; hypothesis keeps
the failing examples it finds in .hypothesis/ and replays them first on the next run.
"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from calls.parsing import Transcript, TranscriptError, parse_transcript
from calls.parsing.decoding import decode
from calls.parsing.labels import parse_inline_label
from calls.parsing.layouts import heading_kind, is_boilerplate, parse_speaker_line, read_text

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parse_or_refuse(data: bytes | str, filename: str = "") -> Transcript | None:
    """The parser's only allowed failure is TranscriptError (a clear message for the person importing)."""
    try:
        transcript = parse_transcript(data, filename=filename)
    except TranscriptError as error:
        assert str(error), "a TranscriptError must say what is wrong"
        return None
    assert isinstance(transcript, Transcript)
    return transcript


# --- Never crashes ------------------------------------------------------------------------------------

# Lines that look like pieces of transcripts, mixed with anything at all: random text alone would
# almost never reach past layout detection.
SPEAKER_LINES = [
    "Operator",
    "Ann Roe - Chief Financial Officer",
    "Bob Poe - Analyst",
    "Cy Doe -- CEO",
    "- CEO",
    "- Analyst",
    "Dee Fox: Thanks.",
    "Unidentified Company Representative - Executive",
    "  • Ann Roe - CFO",
]
TEXT_LINES = [
    "Welcome to the Zephyr Widgets second quarter 2021 call.",
    "Our first question is from Bob Poe with Firm One.",
    "(Operator Instructions) Bob Poe, Firm One.",
    "Here today are Ann Roe, Chief Financial Officer, and Cy Doe, Chief Executive Officer.",
    "There are no further questions at this time.",
    "營收成長了百分之五。",
    "Questions and Answers",
    "Corporate Participants",
    "完整原文",
    "Zephyr Ltd (ZPH) 2021 Q3 法說會逐字稿",
    "",
]
transcript_like = st.lists(
    st.one_of(st.sampled_from(SPEAKER_LINES), st.sampled_from(TEXT_LINES), st.text(max_size=80)),
    max_size=40,
).map("\n".join)


@FAST
@given(st.one_of(st.text(max_size=2000), transcript_like))
@example("Operator\n\x0c\x0b\x85")
@example("Ann Roe - CFO\n\u2028")
def test_any_text_parses_or_is_refused_clearly(text):
    parse_or_refuse(text)


@FAST
@given(
    st.one_of(st.binary(max_size=2000), transcript_like.map(lambda t: t.encode("utf-8"))),
    st.sampled_from(["utf-8", "utf-16", "big5", "gb18030", "cp1252"]),
)
@example(b"\xff\xfe\x00", "utf-8")
@example(b"\xef\xbb\xbf", "utf-8")
def test_any_bytes_parse_or_are_refused_clearly(data, encoding):
    parse_or_refuse(data)
    parse_or_refuse(data.decode("utf-8", "replace").encode(encoding, "replace"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
turn_like = st.fixed_dictionaries({}, optional={"speaker": json_values, "speech": json_values})
provider_json = st.fixed_dictionaries(
    {},
    optional={
        "prepared_remarks": st.one_of(json_values, st.lists(st.one_of(turn_like, json_values), max_size=5)),
        "q_and_a": st.one_of(json_values, st.lists(st.one_of(turn_like, json_values), max_size=5)),
        "participants": st.one_of(json_values, st.lists(json_values, max_size=5)),
        "header_texts": json_values,
    },
)


@FAST
@given(st.one_of(provider_json, json_values))
@example({"prepared_remarks": [{"speaker": "Operator", "speech": "Hi."}], "participants": 5})
@example({"prepared_remarks": [{"speaker": "Ann Roe", "speech": 3}], "q_and_a": {"speaker": "x"}})
def test_any_json_parses_or_is_refused_clearly(data):
    parse_or_refuse(json.dumps(data), filename="ZPH_q3_2021.txt")


# --- Never loses text ---------------------------------------------------------------------------------

# Speech: letters, digits, punctuation and some Chinese; never a line the parser treats as structure.
SPEECH_ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:?!'\"()-%$&/")
    + list("營收成長的是了我們")
)


def is_speech(line: str) -> bool:
    return (
        parse_speaker_line(line, allow_bare_name=True) is None
        and parse_inline_label(line) is None
        and heading_kind(line) is None
        and not is_boilerplate(line)
    )


speech = st.text(SPEECH_ALPHABET, min_size=1, max_size=60).map(str.strip).filter(bool).filter(is_speech)
structure = st.sampled_from(
    [
        "Operator",
        "Dee Fox: Thanks for the question.",
        "Eve Low",
        "Calder Partners - Analyst",
        "Ann Roe - CFO",
        "Bob Poe - Analyst",
        "- CEO",
        "- Analyst",
        "Questions and Answers",
        "完整原文",
        "",
    ]
)


@st.composite
def transcripts(draw):
    """(text, {line number: speech}) for a transcript in one of the text layouts."""
    bullets = draw(st.booleans())
    doubled = draw(st.booleans())  # bilingual files repeat every speaker line
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines: list[str] = []
    speech_at: dict[int, str] = {}
    for kind, content in draw(
        st.lists(
            st.one_of(st.tuples(st.just("speech"), speech), st.tuples(st.just("other"), structure)),
            max_size=40,
        )
    ):
        copies = 2 if doubled and kind == "other" and content and content[0].isalpha() else 1
        for _ in range(copies):
            lines.append(("  • " + content) if bullets and content else content)
            if kind == "speech":
                speech_at[len(lines)] = content
        if bullets:
            lines.append("")
    return newline.join(lines), speech_at


@FAST
@given(transcripts())
@example(
    ("Operator\nHello.\n營收成長了。\n營收成長的。", {2: "Hello.", 3: "營收成長了。", 4: "營收成長的。"})
)
@example(("Hello.\nOperator\nOperator\nHi.", {1: "Hello.", 4: "Hi."}))
def test_every_line_of_speech_ends_up_in_exactly_one_paragraph_or_one_warning(case):
    text, speech_at = case
    transcript = parse_or_refuse(text)
    if transcript is None:
        return
    placed: dict[int, list[str]] = {}
    for turn in transcript.turns:
        for paragraph in turn.paragraphs:
            placed.setdefault(paragraph.line, []).append(paragraph.text)
            if paragraph.translation:
                placed.setdefault(paragraph.translation_line, []).append(paragraph.translation)
    warned = {warning.line for warning in transcript.warnings}
    header = {line for line, _ in read_text(decode(text)[0]).header}
    paragraphs = " ".join(p.text for turn in transcript.turns for p in turn.paragraphs)
    for line, content in speech_at.items():
        found = placed.get(line, [])
        # A paragraph may go on over several lines (hard-wrapped text is joined back together).
        in_paragraph = found == [content] or (found and found[0].startswith(content)) or content in paragraphs
        # A line under a name may be read as that person's affiliation: then it is their title or firm.
        in_affiliation = any(
            content.strip(" ,-") in f"{turn.firm} - {turn.title}" for turn in transcript.turns
        )
        assert in_paragraph or in_affiliation or line in warned or line in header, (line, content, found)


@FAST
@given(transcripts())
def test_every_non_blank_line_is_counted_once(case):
    text, _ = case
    transcript = parse_or_refuse(text)
    if transcript is None:
        return
    counts = transcript.line_counts
    non_blank = sum(1 for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip())
    assert counts["read"] == non_blank
    assert counts["read"] == sum(counts[kind] for kind in ("speech", "speaker", "header", "ignored"))
    ignored_warnings = [w for w in transcript.warnings if "ignored" in w.message]
    assert counts["ignored"] <= len(ignored_warnings)


# --- Size: the work per megabyte is bounded (bench/ingest.py prints the seconds per megabyte) ---------

_FUZZ_WORDS = [
    "revenue",
    "grew",
    "margin",
    "Jane",
    "Doe:",
    "Operator",
    "-",
    "CFO",
    "question",
    "from",
    "the",
    "line",
    "of",
    "Bob",
    "Poe",
    "with",
    "Calder",
    "Q1",
    "2024",
    "(",
    ")",
    "[",
    "]",
    ",",
    ".",
    ";",
    ":",
    "--",
    "**",
    "Analyst",
    "Research",
    "Division",
    "主持人",
    "問",
    "答",
]


def big_inputs() -> dict[str, str]:
    """A 4 MB file on one line and a 4 MB file of short lines, both of transcript-like words."""
    rng = random.Random(4)
    one_line = " ".join(rng.choice(_FUZZ_WORDS) for _ in range(800_000))[:4_000_000]
    lines = []
    size = 0
    while size < 4_000_000:
        line = " ".join(rng.choice(_FUZZ_WORDS) for _ in range(rng.randint(1, 5)))
        lines.append(line)
        size += len(line) + 1
    return {"one line": one_line, "short lines": "\n".join(lines)}


@pytest.mark.parametrize("shape", ["one line", "short lines"])
def test_four_megabytes_parse_or_are_refused_and_every_line_is_counted(shape):
    text = big_inputs()[shape]
    transcript = parse_or_refuse(text)
    if transcript is None:
        return
    counts = transcript.line_counts
    assert counts["read"] == sum(1 for line in text.split("\n") if line.strip())
    assert counts["read"] == counts["speech"] + counts["speaker"] + counts["header"] + counts["ignored"]
