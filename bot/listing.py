"""What a follow-up points at among the treatments the last answer listed: "the second one", "the first two"."""

from __future__ import annotations

from bot import follow_words as fw
from bot.glossary import Glossary
from bot.text import joined


def options(glossary: Glossary, given: tuple[str, ...]) -> list[str]:
    """The treatments the last answer listed, classes left out ("Available immunotherapies include"
    introduces the list, it is not one of its options)."""
    return [t for t in given if not glossary.narrower(t)]


def first_n(glossary: Glossary, text: str, given: tuple[str, ...]) -> str | None:
    """The treatments "the first two" points at among those the last answer listed, joined by "and"."""
    m = fw.FIRST_N.search(text)
    listed = options(glossary, given)
    n = fw.COUNTS[m.group(2).lower()] if m is not None else 0
    if m is None or len(listed) < n:
        return None
    chosen = listed[:n] if m.group(1).lower() == "first" else listed[-n:]
    return joined(chosen)


def ordinal(glossary: Glossary, text: str, given: tuple[str, ...]) -> str | None:
    """The treatment "the second one" points at among those the last answer listed (``options``)."""
    m = fw.ORDINAL.search(text)
    if m is None or not given:
        return None
    listed = options(glossary, given)
    at = fw.ORDINALS[m.group(1).lower()]
    return listed[at] if -len(listed) <= at < len(listed) else None
