"""Small invented transcripts built directly as parser output, for import tests that need exact control.

Every name here is made up.
"""

from __future__ import annotations

import copy
import hashlib
from unittest import mock

import calls.ingestion
from calls.ingestion import LoadedTranscript
from calls.parsing import Exchange, Paragraph, ParseWarning, Role, Section, Transcript, Turn


def turn(
    name: str, *texts: str, title: str = "", role=Role.EXECUTIVE, section=Section.PREPARED, line=1, **kw
):
    speaker_line = f"{name} - {title}" if title else name
    paragraphs = [Paragraph(text, line + 1 + number) for number, text in enumerate(texts)]
    return Turn(speaker_line, name, title, role, section, line, paragraphs, **kw)


def prepared(*texts: str, company: str = "Quillon Systems") -> list[Turn]:
    """An operator's welcome and the CEO's remarks."""
    return [
        turn("Operator", f"Welcome to the {company} call.", role=Role.OPERATOR, line=1),
        turn("Jane Roe", *texts, title="Chief Executive Officer", line=3),
    ]


def questions(
    *asked: tuple[str, str, str], after: int = 0, first_line: int = 10
) -> tuple[list[Turn], list[Exchange]]:
    """Q&A turns and their exchanges: each (analyst, firm, question) answered by Jane Roe.

    `after`: how many turns come before these in the transcript (exchanges index its turns).
    """
    turns, exchanges = [], []
    line = first_line
    for analyst, firm, question in asked:
        first = after + len(turns)
        intro = f"Our next question is from {analyst} with {firm}."
        turns.append(turn("Operator", intro, role=Role.OPERATOR, section=Section.QA, line=line))
        number = len(exchanges)
        turns.append(
            turn(
                analyst,
                question,
                title="Analyst",
                role=Role.ANALYST,
                section=Section.QA,
                line=line + 2,
                firm=firm,
                exchange=number,
            )
        )
        turns.append(
            turn(
                "Jane Roe",
                f"Thank you, {analyst.split()[0]}. We are pleased.",
                title="Chief Executive Officer",
                section=Section.QA,
                line=line + 4,
                exchange=number,
            )
        )
        exchanges.append(Exchange(analyst, "", firm, first + 1, first + 2))
        line += 6
    return turns, exchanges


def transcript(
    *,
    company: str = "Quillon Systems",
    ticker: str = "",
    year: int = 2022,
    quarter: int = 1,
    turns: list[Turn] | None = None,
    exchanges: list[Exchange] | None = None,
    warnings: list[ParseWarning] | None = None,
    **fields,
) -> Transcript:
    return Transcript(
        layout="lines",
        turns=turns if turns is not None else prepared("Revenue grew and gross margin improved."),
        exchanges=exchanges or [],
        warnings=warnings or [],
        company=company,
        ticker=ticker,
        fiscal_year=year,
        fiscal_quarter=quarter,
        **fields,
    )


def loaded(source_name: str = "call.txt", **fields) -> LoadedTranscript:
    """A transcript as load_transcript returns it; the checksum follows the content, as a file's would."""
    parsed = transcript(**fields)
    checksum = hashlib.sha256(repr(parsed).encode()).hexdigest()
    return LoadedTranscript(source_name=source_name, checksum=checksum, transcript=parsed)


def parse_as(transcripts: dict[str, Transcript]):
    """The import's parser returning these transcripts for these file names (others parse as usual).

    A context manager. For what the parser may or may not fill yet (period conflicts, halves, doubts,
    line counts): the import's side is tested on exactly the parser output it is meant to handle.
    """
    real = calls.ingestion.parse_transcript

    def parse(data, *, filename=""):
        made = transcripts.get(filename)
        return copy.deepcopy(made) if made is not None else real(data, filename=filename)

    return mock.patch.object(calls.ingestion, "parse_transcript", side_effect=parse)
