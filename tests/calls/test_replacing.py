"""Replacing a stored call: the speakers only it mentioned go with it, the others stay."""

import pytest

from calls.models import Speaker
from calls.services import call_import
from tests.calls.transcripts import loaded, prepared, questions, turn


def call_with(analyst: str, *, quarter: int = 1, executive: str = "Jane Roe"):
    opening = [
        turn("Operator", "Welcome.", line=1),
        turn(executive, "We grew.", title="Chief Executive Officer"),
    ]
    qa, exchanges = questions((analyst, "Example Research", "How were margins?"), after=len(opening))
    # Jane Roe answers in `questions`; the executive of the opening may be someone else.
    return loaded(quarter=quarter, turns=opening + qa, exchanges=exchanges)


def names() -> list[str]:
    return sorted(Speaker.objects.values_list("name", flat=True))


@pytest.mark.django_db
def test_a_corrected_spelling_leaves_no_speaker_without_turns():
    call_import(loaded=call_with("Jon Poee"))
    assert names() == ["Jane Roe", "Jon Poee"]

    result = call_import(loaded=call_with("John Poe"))

    assert result.status == "replaced"
    assert names() == ["Jane Roe", "John Poe"]


@pytest.mark.django_db
def test_speakers_with_turns_in_other_calls_stay():
    call_import(loaded=call_with("Jon Poee", quarter=1))
    call_import(loaded=call_with("Jon Poee", quarter=2, executive="Rae Lin"))

    call_import(loaded=call_with("John Poe", quarter=2))

    # Jon Poee still asks in Q1; Rae Lin spoke only in the replaced Q2 call.
    assert names() == ["Jane Roe", "John Poe", "Jon Poee"]
    assert Speaker.objects.get(name="Jon Poee").turns.count() == 1


@pytest.mark.django_db
def test_an_unchanged_import_keeps_everyone():
    call_import(loaded=call_with("Jon Poee"))
    assert call_import(loaded=call_with("Jon Poee")).status == "unchanged"
    assert names() == ["Jane Roe", "Jon Poee"]


@pytest.mark.django_db
def test_a_speaker_kept_by_the_new_file_is_the_same_row():
    call_import(loaded=call_with("Jon Poee"))
    jane = Speaker.objects.get(name="Jane Roe")
    call_import(loaded=loaded(turns=prepared("A shorter call this time.")))
    assert Speaker.objects.get(name="Jane Roe").pk == jane.pk
    assert names() == ["Jane Roe"]
