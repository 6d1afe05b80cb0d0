"""What a message tells before it asks: "My dad is 68 and his ALL came back. What are his options?" tells a
story, then asks. What the story names beside the question's own subject is its setting."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.glossary import Mention
from bot.text import SENTENCE, asks

REFERS_BACK = re.compile(r"\b(it|its|they|them|their|like (?:that|this)|that one|this one|such)\b", re.I)
# A question asking what can be done, whichever treatment the story named: "what are his options?".
OPTIONS_ASKED = re.compile(
    r"\b(?:options|choices|alternatives|what(?:'s| is| are) (?:out there|available)|what (?:can|could) (?:be done|(?:they|we|you) do))\b",
    re.I,
)
# A treatment that failed, said after it ("chemo doesn't work anymore"): what came before, not what is asked.
FAILED = re.compile(r"\s*(?:has |had |have )?(?:doesn'?t|does not|didn'?t|did not|isn'?t|is not|wasn'?t|no longer|stopped|failed|fails)\b", re.IGNORECASE)
DUMMY_IT = re.compile(r"\bis it (?:true|possible|normal|safe|common|ok|okay|right|correct|likely)\b", re.I)


def asking_start(text: str) -> int:
    """Where ``text``'s first sentence that asks begins, when a story comes before it ("My daughter has an
    exam. What examples does it give?"); else 0."""
    parts = [m for m in SENTENCE.finditer(text) if m.group().strip()]
    first = next((i for i, m in enumerate(parts) if asks(m.group())), None)
    return parts[first].start() if first else 0


def story_only(text: str, mentions: list[Mention], focus: list[str], start: int | None = None) -> set[str]:
    """Focus terms named only in the story told before the question, when the asking sentences name their own.
    ``start``: ``asking_start(text)``, when the caller has it."""
    start = asking_start(text) if start is None else start
    if not start:  # no asking sentence, or the message opens with it
        return set()
    asked = {m.term for m in mentions if m.start >= start}
    # (or that ask for the options, naming none: "... brought up a transplant. What are his choices at his age?")
    options = OPTIONS_ASKED.search(text, start)
    # ("Can chemo still cure an early relapse like that?": the story's relapse is asked of; not "the options,
    # and how well do they work?", whose "they" is the options asked)
    if not (asked & set(focus) or options) or REFERS_BACK.search(DUMMY_IT.sub(" ", text[start : options.start() if options else None])):
        return set()
    return {t for t in focus if t not in asked}


# "Blina and ino are for B-cell.": what a named treatment is for, told before the question; the asker's
# own conditions are elsewhere ("... Which agent is for T-cell disease?").
FOR_WHOM = re.compile(r"\s*(?:,\s*|\s+and\s+|\s+or\s+)?\s*(?:is|are|was|were|seems? to be|seemed to be)\s+(?:only\s+|just\s+|mostly\s+|approved\s+|used\s+|given\s+)*(?:for|in)\b[^.;!?]*", re.I)


def told_of_treatments(text: str, mentions: list[Mention], kinds: frozenset[str], start: int | None = None) -> str:
    """``text`` with what the story says a named treatment (of ``kinds``) is for blanked out: that treatment's
    conditions, not the asker's."""
    start = asking_start(text) if start is None else start
    out = text
    for m in mentions:
        if m.kind in kinds and m.end < start and (f := FOR_WHOM.match(text, m.end)) and f.end() <= start:
            out = out[: f.start()] + " " * (f.end() - f.start()) + out[f.end() :]
    return out


# "my sister Marg", "grandson Tyler, 15": a name said after who the person is.
_SIBLINGS = frozenset({"sister", "brother", "sibling", "twin"})  # (donor words, so not among who asks)
_NAME_AFTER = re.compile(r"\b([A-Za-z]+),?\s+([A-Z][a-z]{2,})\b")


def named_people(text: str, is_person: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Where ``text`` names a person right after saying who they are ("my sister Marg is 68"): who is asked
    about, not what (``is_person``: the words for people, "sister", "grandson")."""
    return [m.span(2) for m in _NAME_AFTER.finditer(text) if (w := m.group(1).lower()) in _SIBLINGS or is_person(w)]
