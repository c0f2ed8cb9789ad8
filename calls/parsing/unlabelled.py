"""Text with no speaker labels at all: machine transcription (ASR) run together, sentence dumps.

No label names anyone, so no one's words are given to a person: what is said stays under an
unidentified speaker. What the moderator's own sentences show is kept, since only a moderator says
them: "The next question is from the line of Jane Doe from Calder. Please go ahead." is the operator
speaking, and opens a Q&A slot asked by Jane Doe of Calder, named by the operator but not identified
in the text (her question and the answers run together, so the slot's text is nobody's in particular).
The file is always flagged for review (a doubt warning), and refused when it does not say which call
it is (parse_transcript).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .inference import _NO_MORE_QUESTIONS, _SENTENCE_END
from .model import (
    Exchange,
    LabelledTurn,
    Paragraph,
    ParseWarning,
    ReadLayout,
    Role,
    Section,
    Transcript,
    TranscriptError,
    Turn,
)
from .names import NAME

UNIDENTIFIED = "Unidentified Speaker"
OPERATOR = "Operator"

# Fewer words than this is not a call's text, whatever it holds.
_MIN_WORDS = 200
# A run-on line (ASR output can be one line of 50 KB) is cut into paragraphs of about this many
# characters, at sentence ends, so that it reads and searches as paragraphs do.
_PARAGRAPH_CHARS = 600

# "The next question is from the line of Jane Doe from Calder Partners.", "Our first question comes
# from Bob Poe with UBS", "we have a question from Sandeep, who is an investor": a slot opens for the
# person named. Machine transcription writes firms in lower case ("from maximal capital"), so a firm
# is whatever follows the name's preposition to the end of the clause, as written.
_SLOT = re.compile(
    r"\bquestion\s+(?:is\s+|comes\s+|will\s+come\s+|we\s+have\s+(?:is\s+)?)?(?:from|on\s+the\s+line\s+from)\s+"
    r"(?:the\s+line\s+of\s+)?(?:(?:Mr|Ms|Mrs|Miss|Dr|Mister)\.?\s+)?"
    rf"(?P<name>{NAME})(?:,?\s+(?:from|with|of|at)\s+(?P<firm>[^.?!,;()]{{2,60}}?))?\s*(?=[.?!,;(]|$)"
)
# What an operator says right after naming the caller.
_GO_AHEAD = re.compile(
    r"(?:please\s+)?(?:go\s+ahead|proceed)|(?:your|the)\s+line\s+is\s+(?:now\s+)?(?:open|unmuted)|"
    r"you\s+may\s+(?:now\s+)?(?:go\s+ahead|proceed|ask\s+your\s+question)|"
    r"[(\[]\s*operator\s+instructions?\s*[)\]]",
    re.IGNORECASE,
)
# The operator's instructions that open the questions ("We will now begin the question-and-answer
# session. Anyone who wishes to ask a question may press star and one ..."), just before the first slot.
_QUEUE = re.compile(
    r"question[\s-]+and[\s-]+answer|\bq\s*&\s*a\b|\bpress\b|\bstar\b|\bqueue\b|\bhand-?(?:set|held)s?\b|"
    r"touch-?\s?tone|\bask(?:ing)?\s+(?:a\s+)?questions?\b|\bquestions?\s+(?:at\s+this\s+time|session)",
    re.IGNORECASE,
)
# The whole clause of a go-ahead or a queue instruction is short; a long one is someone speaking.
_FORMULA_CHARS = 200


@dataclass(frozen=True)
class _Sentence:
    text: str
    line: int
    starts_line: bool


def read_unlabelled(text: str) -> ReadLayout:
    """Turns from the text's own evidence: the operator's announcements open Q&A slots; everything
    else is an unidentified speaker's. Raises TranscriptError for text too short to be a call."""
    lines = [(number, line.strip()) for number, line in enumerate(text.split("\n"), start=1) if line.strip()]
    if sum(len(line.split()) for _, line in lines) < _MIN_WORDS:
        raise TranscriptError(NO_LABELS)
    sentences = [
        _Sentence(sentence, number, index == 0)
        for number, line in lines
        for index, sentence in enumerate(s for s in _SENTENCE_END.split(line) if s.strip())
    ]
    turns = [
        LabelledTurn(
            label="",
            name=name,
            line=part[0].line,
            paragraphs=_paragraphs(part),
            section=section,
            role=Role.OPERATOR if name == OPERATOR else None,
        )
        for name, section, part in _turn_spans(sentences)
    ]
    slots = sum(1 for turn in turns if turn.name == OPERATOR and slot_announced(turn) is not None)
    message = "no speaker labels found: the text is kept under one unidentified speaker"
    if slots:
        message += (
            f"; {slots} Q&A slot{'s' if slots != 1 else ''} read from the operator's announcements, "
            "each slot's question and answers not told apart"
        )
    warning = ParseWarning(0, message, doubt=True)
    counts = {"read": len(lines), "speech": len(lines), "speaker": 0, "header": 0, "ignored": 0}
    header = [(number, line) for number, line in lines[:40]]
    return ReadLayout(layout="unlabelled", turns=turns, header=header, warnings=[warning], line_counts=counts)


def slot_announced(turn: LabelledTurn | Turn) -> tuple[str, str] | None:
    """(name, firm) of the caller an operator turn announces, or None."""
    for paragraph in turn.paragraphs:
        match = _SLOT.search(paragraph.text)
        if match:
            return match["name"], (match["firm"] or "").strip()
    return None


def transcript_from_unlabelled(read: ReadLayout) -> Transcript:
    """Sections and slots as read_unlabelled stated them: every slot's text is the unidentified
    speaker's, under the name the operator announced (no person is made of it)."""
    turns = [
        Turn(
            speaker_line=raw.label,
            name=raw.name,
            title="",
            role=raw.role or Role.UNKNOWN,
            section=raw.section or Section.PREPARED,
            line=raw.line,
            paragraphs=raw.paragraphs,
        )
        for raw in read.turns
    ]
    transcript = Transcript(
        layout=read.layout, turns=turns, warnings=list(read.warnings), line_counts=dict(read.line_counts)
    )
    for index, turn in enumerate(turns[:-1]):
        announced = slot_announced(turn) if turn.name == OPERATOR else None
        following = turns[index + 1]
        if announced is None or following.name != UNIDENTIFIED:
            continue
        name, firm = announced
        following.exchange = len(transcript.exchanges)
        transcript.exchanges.append(Exchange(name, "", firm, index + 1, index + 1))
    return transcript


def _turn_spans(sentences: list[_Sentence]) -> list[tuple[str, Section, list[_Sentence]]]:
    """(speaker, section, sentences) in order: the operator's announcements and closing, the
    unidentified speaker's text between them."""
    operator: list[bool] = [False] * len(sentences)
    slots = [i for i, sentence in enumerate(sentences) if _SLOT.search(sentence.text)]
    for position, start in enumerate(slots):
        operator[start] = True
        after = start + 1
        while after < len(sentences) and _is_formula(_GO_AHEAD, sentences[after].text):
            operator[after] = True
            after += 1
        if position == 0:
            before = start - 1
            while before >= 0 and _is_formula(_QUEUE, sentences[before].text):
                operator[before] = True
                before -= 1
    if slots:
        closing = next(
            (i for i in range(slots[-1] + 1, len(sentences)) if _NO_MORE_QUESTIONS.search(sentences[i].text)),
            None,
        )
        if closing is not None:
            operator[closing] = True
    first_qa = next((i for i, is_operator in enumerate(operator) if is_operator), len(sentences))
    spans: list[tuple[str, Section, list[_Sentence]]] = []
    for index, sentence in enumerate(sentences):
        name = OPERATOR if operator[index] else UNIDENTIFIED
        section = Section.QA if index >= first_qa else Section.PREPARED
        # Two announcements in a row (the first caller dropped): each has an operator turn of its own.
        second_slot = name == OPERATOR and _SLOT.search(sentence.text) and _announces(spans[-1][2])
        if spans and spans[-1][0] == name and spans[-1][1] == section and not second_slot:
            spans[-1][2].append(sentence)
        else:
            spans.append((name, section, [sentence]))
    return spans


def _announces(sentences: list[_Sentence]) -> bool:
    return any(_SLOT.search(sentence.text) for sentence in sentences)


def _is_formula(pattern: re.Pattern[str], sentence: str) -> bool:
    return len(sentence) <= _FORMULA_CHARS and bool(pattern.search(sentence))


def _paragraphs(sentences: list[_Sentence]) -> list[Paragraph]:
    """A paragraph per line, and a run-on line cut at sentence ends into paragraphs of about
    _PARAGRAPH_CHARS."""
    paragraphs: list[Paragraph] = []
    current: list[str] = []
    line = 0
    for sentence in sentences:
        size = sum(len(text) + 1 for text in current)
        if current and (sentence.starts_line or sentence.line != line or size >= _PARAGRAPH_CHARS):
            paragraphs.append(Paragraph(" ".join(current), line))
            current = []
        current.append(sentence.text.strip())
        line = sentence.line
    if current:
        paragraphs.append(Paragraph(" ".join(current), line))
    return paragraphs


NO_LABELS = (
    "no speaker lines found: expected lines such as 'Operator', 'Jane Doe - CFO', 'Jane Doe' above her "
    "affiliation, '- Analyst' or 'Jane Doe: ...'"
)
