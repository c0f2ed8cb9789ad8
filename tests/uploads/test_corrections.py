"""Speaker corrections on a parsed transcript: plain dataclass edits, no database."""

from calls.parsing import Role, parse_transcript
from tests.archive import SAMPLES
from uploads.corrections import SpeakerCorrection, apply_corrections

BULLETS = SAMPLES / "northwind-optical-2023-q3-bullets.txt"


def test_a_correction_applies_to_every_turn_and_exchange_of_the_speaker():
    transcript = parse_transcript(BULLETS.read_bytes(), filename=BULLETS.name)
    fixed = apply_corrections(
        transcript, [SpeakerCorrection(speaker="julia brandt", name="Julia M. Brandt", role=Role.EXECUTIVE)]
    )

    before = [turn for turn in transcript.turns if turn.name == "Julia Brandt"]
    after = [turn for turn in fixed.turns if turn.name == "Julia M. Brandt"]
    assert len(after) == len(before) > 1
    assert {turn.role for turn in after} == {Role.EXECUTIVE}
    assert [e.questioner for e in fixed.exchanges][-1] == "Julia M. Brandt"
    # The parsed transcript is left as it was; other speakers are untouched.
    assert {turn.role for turn in before} == {Role.ANALYST}
    assert transcript.exchanges[-1].questioner == "Julia Brandt"
    assert [t.name for t in fixed.turns if t.name != "Julia M. Brandt"] == [
        t.name for t in transcript.turns if t.name != "Julia Brandt"
    ]
    assert fixed.paragraph_count == transcript.paragraph_count


def test_no_corrections_give_the_same_transcript_and_json_round_trips():
    transcript = parse_transcript(BULLETS.read_bytes(), filename=BULLETS.name)
    assert apply_corrections(transcript, []) is transcript
    correction = SpeakerCorrection(speaker="Operator", name="Operator", role=Role.UNKNOWN)
    assert SpeakerCorrection.from_json(correction.as_json()) == correction
