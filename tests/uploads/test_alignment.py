"""Lining up a translation file with a call's paragraphs: plain Python, no database."""

import pytest

from calls.parsing import TranscriptError, parse_transcript
from tests.archive import SAMPLES
from uploads.alignment import LONGER, NO_CHINESE, PERCENTAGES, align, doubts

BILINGUAL = SAMPLES / "kestrel-semiconductor-2022-q4-bilingual.txt"


@pytest.fixture(scope="module")
def kestrel():
    """The bilingual sample's paragraphs: (English, translation as the file gives it)."""
    transcript = parse_transcript(BILINGUAL.read_bytes())
    return [(p.text, p.translation) for turn in transcript.turns for p in turn.paragraphs]


def untranslated(paragraphs):
    return [(text, "") for text, _ in paragraphs]


def lines_file(lines) -> bytes:
    return "\n".join(lines).encode()


def test_one_line_per_paragraph_pairs_in_order_and_skips_blank_lines_and_the_disclaimer(kestrel):
    lines = ["使用警語:中文譯文來源為 Google 翻譯,僅供參考,實際內容請以英文原文為主", ""]
    for _, chinese in kestrel:
        lines += [chinese, ""]

    alignment = align(lines_file(lines), untranslated(kestrel))

    assert alignment.layout == "lines"
    assert alignment.translations == [chinese for _, chinese in kestrel]
    assert (alignment.translated, alignment.errors, alignment.can_store) == (46, [], True)
    assert [row.line for row in alignment.rows[:2]] == [3, 5]
    assert [note.line for note in alignment.warnings] == [1]  # the skipped disclaimer, said
    assert not any(row.doubts for row in alignment.rows), "a correct file raises no doubts"


def test_a_missing_line_is_an_error_with_line_numbers_and_the_shift_shows_as_doubts(kestrel):
    lines = [chinese for _, chinese in kestrel]
    del lines[4]

    alignment = align(lines_file(lines), untranslated(kestrel))

    assert not alignment.can_store
    [error] = alignment.errors
    assert error.line == 45
    assert "45 translation lines for 46 paragraphs: paragraph 46 without a line" in error.message
    assert alignment.rows[-1].new == ""
    assert not alignment.rows[3].doubts
    assert any(row.doubts for row in alignment.rows[4:10])  # where the shift starts


def test_extra_lines_are_an_error_naming_them(kestrel):
    lines = [chinese for _, chinese in kestrel] + ["多出來的一行。", "又一行。"]

    alignment = align(lines_file(lines), untranslated(kestrel))

    [error] = alignment.errors
    assert (error.line, alignment.can_store) == (47, False)
    assert "48 translation lines for 46 paragraphs: lines 47–48 without a paragraph" in error.message


def test_bilingual_file_pairs_by_english_text_and_reports_what_it_cannot_pair(kestrel):
    # The call has a paragraph the file lacks; the file has one the call lacks.
    call = untranslated(kestrel)
    call.insert(3, ("A paragraph only the stored call has.", ""))
    text = BILINGUAL.read_text().replace(kestrel[10][0], "An English paragraph the call does not have.")

    alignment = align(text.encode(), call)

    assert alignment.layout == "bilingual"
    assert alignment.can_store and not alignment.errors
    assert alignment.rows[3].new == ""
    assert alignment.rows[4].new == kestrel[3][1]  # the paragraphs after it still pair correctly
    assert alignment.rows[11].new == ""  # its English is no longer in the file
    assert alignment.translated == 45
    messages = [note.message for note in alignment.warnings]
    assert "paragraph 4 is not in the file: it is left as it is" in messages
    assert "paragraph 12 is not in the file: it is left as it is" in messages
    assert any("not in the call" in note.message and note.line for note in alignment.warnings)


def test_a_different_stored_translation_is_marked_as_replaced(kestrel):
    call = list(kestrel)
    call[0] = (call[0][0], "舊的譯文。")

    alignment = align(BILINGUAL.read_bytes(), call)

    assert alignment.rows[0].replaces and alignment.rows[0].old == "舊的譯文。"
    assert alignment.replaced == 1
    assert alignment.rows[0] in alignment.shown_rows(first=0)
    assert alignment.rows[1] not in alignment.shown_rows(first=0)  # same translation: no change


def test_doubts():
    english = "Revenue grew 19% to $343.5 million, and gross margin was 41.6% in the quarter."
    assert doubts(english, "營收成長 19% 至 3.435 億美元,本季毛利率為 41.6%。") == []
    assert doubts(english, "Revenue grew 19%, gross margin 41.6%.") == [NO_CHINESE]
    assert PERCENTAGES in doubts(english, "營收成長 21% 至 3.435 億美元,本季毛利率為 41.6%。")
    assert LONGER in doubts("Thank you all for joining us today, and good morning.", "謝" * 80)


def test_a_binary_file_is_refused():
    with pytest.raises(TranscriptError):
        align(b"\x89PNG\r\n\x1a\n" + bytes(range(256)), [("Hello.", "")])
