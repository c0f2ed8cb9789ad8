"""Corrections staff make in the preview, applied to a parsed transcript. Plain Python, no Django.

A correction renames a speaker and/or changes their role on every turn they speak, and on the
exchanges they open. Nothing is re-inferred: sections and exchanges stay as the parser found them,
so making someone an analyst does not create a Q&A exchange. Giving two speakers the same name
makes them one speaker.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

from calls.parsing import Role, Transcript


@dataclass(frozen=True)
class SpeakerCorrection:
    speaker: str  # the name as parsed (matched without regard to case, as the importer does)
    name: str
    role: Role

    def as_json(self) -> dict:
        return {"speaker": self.speaker, "name": self.name, "role": str(self.role)}

    @classmethod
    def from_json(cls, data: dict) -> SpeakerCorrection:
        return cls(speaker=data["speaker"], name=data["name"], role=Role(data["role"]))


def apply_corrections(transcript: Transcript, corrections: list[SpeakerCorrection]) -> Transcript:
    """A copy of the transcript with the corrections applied; the original is left as it was."""
    by_speaker = {c.speaker.casefold(): c for c in corrections}
    if not by_speaker:
        return transcript
    turns = []
    for turn in transcript.turns:
        correction = by_speaker.get(turn.name.casefold())
        turns.append(
            dataclasses.replace(turn, name=correction.name, role=correction.role) if correction else turn
        )
    exchanges = []
    for exchange in transcript.exchanges:
        correction = by_speaker.get(exchange.questioner.casefold())
        exchanges.append(
            dataclasses.replace(exchange, questioner=correction.name) if correction else exchange
        )
    return dataclasses.replace(transcript, turns=turns, exchanges=exchanges)


def corrected_checksum(checksum: str, corrections: list[SpeakerCorrection]) -> str:
    """The checksum of a file as stored with these corrections: the file's own when there are none.

    The import is idempotent on the checksum, so the same file with other corrections must not
    pass for the file already stored (it would be reported unchanged and the corrections dropped).
    """
    if not corrections:
        return checksum
    items = sorted((c.speaker.casefold(), c.name, str(c.role)) for c in corrections)
    return hashlib.sha256(json.dumps([checksum, items], ensure_ascii=False).encode()).hexdigest()
