"""Word and RTF files are read as the text they hold; a PDF is refused with what to do instead."""

import io
import zipfile

import pytest

from calls.parsing import TranscriptError, parse_transcript
from calls.parsing.documents import rtf_text

LINES = [
    "Zephyr Widgets Q3 2023 Earnings Call",
    "Operator: Good day and welcome to the Zephyr Widgets third quarter 2023 earnings call.",
    "Jane Roe: Thank you. Revenue grew and margins held.",
    "Operator: Our first question comes from Bob Poe with Calder Partners.",
    "Bob Poe: What is the outlook?",
    "Cy Doe: Margins should expand.",
]
WORD = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx(paragraphs: list[str]) -> bytes:
    # Word splits a paragraph into runs wherever the formatting changes: each run's text is kept.
    body = "".join(
        f'<w:p><w:r><w:t>{text[:7]}</w:t></w:r><w:r><w:t xml:space="preserve">{text[7:]}</w:t></w:r></w:p>'
        for text in paragraphs
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document {WORD}><w:body>{body}</w:body></w:document>")
    return buffer.getvalue()


def test_a_word_document_is_read_paragraph_by_paragraph():
    transcript = parse_transcript(docx(LINES), filename="zephyr.docx")
    assert [t.name for t in transcript.turns] == ["Operator", "Jane Roe", "Operator", "Bob Poe", "Cy Doe"]
    assert transcript.turns[1].paragraphs[0].text == "Thank you. Revenue grew and margins held."
    assert [e.questioner for e in transcript.exchanges] == ["Bob Poe"]
    assert (transcript.company, transcript.fiscal_year, transcript.fiscal_quarter) == (
        "Zephyr Widgets",
        2023,
        3,
    )
    assert "the file is a Word document; its text was read without the formatting" in map(
        str, transcript.warnings
    )


def test_an_rtf_file_is_read_without_its_formatting():
    body = r"\par ".join(line.replace("Jane Roe", r"Jane R\'f6e") for line in LINES)
    rtf = (
        r"{\rtf1\ansi\deff0{\fonttbl{\f0\fswiss Helvetica;}}{\colortbl;\red0\green0\blue0;}"
        r"{\*\generator Riched20;}\f0\pard " + body + r"\par}"
    )
    transcript = parse_transcript(rtf.encode("latin-1"), filename="zephyr.rtf")
    assert [t.name for t in transcript.turns] == ["Operator", "Jane Röe", "Operator", "Bob Poe", "Cy Doe"]
    assert "Helvetica" not in " ".join(p.text for t in transcript.turns for p in t.paragraphs)


def test_rtf_escapes_and_unicode():
    assert (
        rtf_text(r"{\rtf1 Caf\u233?s \{and\} a\~b\tab c\par 50\'25 more}") == "Cafés {and} a b\tc\n50% more"
    )


def test_a_pdf_is_refused_saying_how_to_import_it():
    with pytest.raises(TranscriptError, match=r"the file is a PDF: save it as text first .*pdftotext"):
        parse_transcript(
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj\n", filename="call.pdf"
        )


def test_another_zip_or_a_damaged_document_is_refused_clearly():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff" + bytes(range(256)) * 8)
    with pytest.raises(TranscriptError, match="binary"):
        parse_transcript(buffer.getvalue())
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>")
    with pytest.raises(TranscriptError, match="the Word document cannot be read"):
        parse_transcript(broken.getvalue())


def test_a_word_document_holding_an_entity_bomb_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f"<w:document {WORD}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", bomb)
    with pytest.raises(TranscriptError, match="the Word document cannot be read"):
        parse_transcript(buffer.getvalue())
