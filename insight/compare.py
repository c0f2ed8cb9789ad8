"""Two calls of one company side by side: who spoke in one and not the other, and which terms took a
larger or smaller share of what was said (shares of each call's words, so a longer call does not win
by length)."""

from __future__ import annotations

import math
import re
from collections import Counter
from urllib.parse import urlencode

from calls.models import Call, Role, Turn, Utterance
from config.routers import read_connection

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
TERMS = 15
MIN_OCCURRENCES = 3  # in the call where the term is more frequent: fewer is noise, not a theme
PER = 10_000  # shares are shown per 10,000 words


def _speakers(call: Call) -> dict:
    """The call's people but the operator, by identity, each with their first turn: one query."""
    people = {}
    turns = Turn.objects.filter(call=call).exclude(role=Role.OPERATOR).select_related("speaker")
    for turn in turns.order_by("position"):
        key = f"s{turn.speaker_id}" if turn.speaker_id else f"n:{turn.name.casefold()}"
        people.setdefault(key, turn)
    return people


def _person(turn: Turn, first: Call, second: Call, present: dict) -> dict:
    """A person's entry: who, and a link into each call (their first turn where they spoke)."""
    links = {}
    for name, call in (("first", first), ("second", second)):
        there = present[name]
        links[name] = call.get_absolute_url() + (f"#t{there.position}" if there is not None else "")
    return {
        "name": turn.name,
        "slug": turn.speaker.slug if turn.speaker else None,
        "role": turn.role,
        "title": turn.title,
        "firm": turn.firm,
        "first_url": links["first"],
        "second_url": links["second"],
    }


def compare_speakers(first: Call, second: Call) -> dict:
    """{"appeared": in the second call only, "disappeared": in the first only, "stayed": in both}."""
    a, b = _speakers(first), _speakers(second)
    result = {"appeared": [], "disappeared": [], "stayed": []}
    for key, turn in b.items():
        kind = "stayed" if key in a else "appeared"
        result[kind].append(_person(turn, first, second, {"first": a.get(key), "second": turn}))
    for key, turn in a.items():
        if key not in b:
            result["disappeared"].append(_person(turn, first, second, {"first": turn, "second": None}))
    for people in result.values():
        people.sort(key=lambda person: (person["role"], person["name"].casefold()))
    return result


def _words(call: Call) -> list[str]:
    return [
        word.lower()
        for text in Utterance.objects.filter(call=call).values_list("text", flat=True).iterator()
        for word in WORD.findall(text)
    ]


def _lexemes(words: set[str]) -> dict[str, str]:
    """Each word's English stem, as the search index reads it; stop words have none. One query."""
    with read_connection().cursor() as cursor:
        cursor.execute(
            "SELECT w, (tsvector_to_array(to_tsvector('english', w)))[1] FROM unnest(%s::text[]) AS w",
            [sorted(words)],
        )
        return {word: lexeme for word, lexeme in cursor.fetchall() if lexeme}


def compare_terms(first: Call, second: Call, *, size: int = TERMS) -> dict:
    """{"appeared": terms whose share of the words grew most, "disappeared": shrank most}.

    A term is a stem (margin, margins) shown as its commonest spelling; shares are per PER words of
    each call, and the ranking is the log ratio of the two shares, smoothed by half an occurrence
    so that a term absent from one call still has a finite score.
    """
    words = {"first": _words(first), "second": _words(second)}
    stems = _lexemes(set(words["first"]) | set(words["second"]))
    counts, spellings = {}, Counter()
    for name, said in words.items():
        counts[name] = Counter()
        for word in said:
            stem = stems.get(word)
            if stem and len(word) > 2:
                counts[name][stem] += 1
                spellings[stem, word] += 1
    totals = {name: max(len(said), 1) for name, said in words.items()}
    shown = {}
    for (stem, word), n in spellings.items():
        if stem not in shown or n > spellings[stem, shown[stem]]:
            shown[stem] = word

    scored = []
    for stem in set(counts["first"]) | set(counts["second"]):
        a, b = counts["first"][stem], counts["second"][stem]
        if max(a, b) < MIN_OCCURRENCES:
            continue
        share_a, share_b = (a + 0.5) / totals["first"], (b + 0.5) / totals["second"]
        scored.append((math.log2(share_b / share_a), stem, a, b))

    def entry(score, stem, a, b) -> dict:
        term = shown[stem]
        query = "?" + urlencode({"q": term})
        return {
            "term": term,
            "first_count": a,
            "second_count": b,
            "first_share": round(a / totals["first"] * PER, 1),
            "second_share": round(b / totals["second"] * PER, 1),
            "log_ratio": round(score, 2),
            "first_url": first.get_absolute_url() + query,
            "second_url": second.get_absolute_url() + query,
        }

    scored.sort(key=lambda item: (-item[0], item[1]))
    appeared = [entry(*item) for item in scored if item[0] > 0][:size]
    disappeared = [entry(*item) for item in reversed(scored) if item[0] < 0][:size]
    return {
        "appeared": appeared,
        "disappeared": disappeared,
        "first_words": len(words["first"]),
        "second_words": len(words["second"]),
    }
