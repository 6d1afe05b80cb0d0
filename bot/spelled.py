"""Numbers written in words ("sixteen", "seventy-two"): an age a question states, never what it asks about."""

from __future__ import annotations

import re

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SPELLED = re.compile(
    # (not "one of them": "one" is an age only as "one year old")
    rf"\b(?:({'|'.join(_TENS)})(?:[- ]({'|'.join(_UNITS[1:10])}))?|({'|'.join(_UNITS[2:])}|one(?=[- ]years?\b)))\b(?!\s+of\b)",
    re.IGNORECASE,
)


def is_number_word(word: str) -> bool:
    """"sixteen", "seventy-two": an amount or an age in words, never what a question is about."""
    return bool(_SPELLED.fullmatch(word)) or word.lower() == "one"


def _digits(m: re.Match[str]) -> str:
    """An age written in words, as digits: "seventy-two" -> "72"."""
    if m.group(3):
        return str(_UNITS.index(m.group(3).lower()))
    return str(_TENS[m.group(1).lower()] + (_UNITS.index(m.group(2).lower()) if m.group(2) else 0))


def as_digits(text: str) -> str:
    """``text`` with ages written in words as digits: "my daughter is fifteen" -> "my daughter is 15"."""
    return _SPELLED.sub(_digits, text)
