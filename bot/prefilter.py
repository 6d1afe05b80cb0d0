"""Literal strings that every match of a pattern contains: which question types a question may be, uncompiled.

``classify`` tries every question type's ``ask`` pattern on a question; compiling all 33 of them was
~20 ms of a ~0.45 s cold ``bot ask``. Each pattern's *required literals* (a set of strings, one of which
every match of it contains, read off the pattern's parse) let a question skip, without compiling it,
every type whose literals it does not contain: "tell me what blinatumomab is" compiles a handful.
The condition patterns (``bot/data/conditions.json``), read of every question, use the same literals at
every call (``Guarded``): a search that cannot match is never run.

Exact by construction, never a guess: a string every match contains is in every text the pattern matches.
The sets are read off the parse once and kept in ``bot/data/question_literals.json`` beside the pattern
text they were read from; a type whose pattern has changed since is simply always tried (and
tests/test_prefilter.py fails until ``python -m bot.prefilter`` writes the file again).

The texts checked are ASCII and lower-case (``fold``), so literals are kept lower-case; a pattern part
whose strings cannot be listed (``.``, ``\\w+``, a negated class, a non-ASCII letter, which may match an
ASCII one ignoring case) contributes nothing, and a pattern with no required literal is always tried.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from bot.paths import DATA

LITERALS = DATA / "question_literals.json"
_MAX_STRINGS = 64  # the most strings a part's set may hold before it counts as "anything"


@cache
def _stored_file() -> dict[str, Any]:
    """The stored literals file, read once for the question types and the condition patterns alike."""
    try:
        raw = json.loads(LITERALS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


@cache
def _stored() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Per type name: the pattern text the literals were read from, and the literals."""
    rows = _stored_file().get("types", [])
    return {row["name"]: (row["ask"], tuple(row["literals"])) for row in rows if row.get("literals")}


@cache
def _stored_patterns() -> dict[str, tuple[str, ...]]:
    """Per pattern text of ``bot/data/conditions.json``: the literals read off it."""
    return {row["pattern"]: tuple(row["literals"]) for row in _stored_file().get("patterns", []) if row.get("literals")}


class Guarded:
    """A compiled pattern that is not run on a text lacking all of its required literals (it cannot match
    there): ~40 condition patterns are read of every question, one of them a 70-way alternation that costs
    ~55 us a search; the substring tests cost a few. Same matches as the pattern's, by construction."""

    __slots__ = ("rx", "pattern", "literals")

    def __init__(self, rx: re.Pattern[str]) -> None:
        self.rx, self.pattern = rx, rx.pattern
        self.literals = _stored_patterns().get(rx.pattern)  # None: a pattern changed since the file was written

    def _may(self, text: str) -> bool:
        # Lower-cased ASCII only: ignoring case, "k" also matches the Kelvin sign, which lower() keeps.
        if self.literals is None or not text.isascii():
            return True
        low = text.lower()
        return any(lit in low for lit in self.literals)

    def search(self, text: str) -> re.Match[str] | None:
        return self.rx.search(text) if self._may(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.rx.finditer(text) if self._may(text) else iter(())

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> str:
        return self.rx.sub(repl, text, count=count) if self._may(text) else text


def may_match(name: str, pattern: str, folded: str) -> bool:
    """False only when the type's stored literals were read from this very ``pattern`` and the folded
    (lower-case ASCII) text contains none of them: then the pattern cannot match it."""
    stored = _stored().get(name)
    if stored is None or stored[0] != pattern:
        return True
    return any(lit in folded for lit in stored[1])


# ---------------------------------------------------------------- reading a pattern's parse (tests, rewrite)


def required_literals(pattern: str, flags: int = 0) -> list[str] | None:
    """Strings one of which every match of ``pattern`` contains (lower-cased), or None when none is known."""
    import re._parser as parser  # the parser of the `re` module that compiles the pattern

    need = _need(list(parser.parse(pattern, flags)))
    return sorted(need) if need else None


def _lit(code: int) -> str | None:
    ch = chr(code)
    return ch.lower() if ch.isascii() else None


def _exact(item: tuple[Any, Any]) -> frozenset[str] | None:
    """Every string ``item`` can match, when they are few and listable; else None."""
    from re._constants import (
        ASSERT,
        ASSERT_NOT,
        AT,
        BRANCH,
        IN,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        RANGE,
        SUBPATTERN,
    )

    op, av = item
    if op is LITERAL:
        ch = _lit(av)
        return frozenset([ch]) if ch is not None else None
    if op in (AT, ASSERT, ASSERT_NOT):  # consume nothing
        return frozenset([""])
    if op is IN:
        chars: set[str] = set()
        for sub_op, sub_av in av:
            if sub_op is LITERAL and _lit(sub_av) is not None:
                chars.add(_lit(sub_av))  # type: ignore[arg-type]
            elif sub_op is RANGE and sub_av[1] - sub_av[0] < 16 and all(_lit(c) for c in sub_av):
                chars.update(_lit(c) for c in range(sub_av[0], sub_av[1] + 1))  # type: ignore[misc]
            else:  # a negation, a category (\w, \s), a wide range
                return None
        return frozenset(chars) if chars else None
    if op is SUBPATTERN:
        return _exact_seq(list(av[3]))
    if op is BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            got = _exact_seq(list(alt))
            if got is None:
                return None
            out |= got
        return frozenset(out) if len(out) <= _MAX_STRINGS else None
    if op in (MAX_REPEAT, MIN_REPEAT):
        lo, hi, body = av
        inner = _exact_seq(list(body))
        if inner is None or hi > 3:
            return None
        out = {""} if lo == 0 else set()
        current = {""}
        for n in range(1, hi + 1):
            current = {a + b for a in current for b in inner}
            if len(current) > _MAX_STRINGS:
                return None
            if n >= lo:
                out |= current
        return frozenset(out) if len(out) <= _MAX_STRINGS else None
    return None  # ., a back reference, anything else


def _exact_seq(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    out = frozenset([""])
    for item in items:
        got = _exact(item)
        if got is None:
            return None
        out = frozenset(a + b for a in out for b in got)
        if len(out) > _MAX_STRINGS:
            return None
    return out


def _need(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """Strings one of which every match of the sequence ``items`` contains, or None."""
    from re._constants import BRANCH, MAX_REPEAT, MIN_REPEAT, SUBPATTERN

    candidates: list[frozenset[str]] = []
    run = frozenset([""])  # every string the current stretch of listable items can match, joined

    def close(run: frozenset[str]) -> None:
        if "" not in run:
            candidates.append(run)

    for item in items:
        got = _exact(item)
        if got is not None:
            joined = frozenset(a + b for a in run for b in got)
            if len(joined) <= _MAX_STRINGS:
                run = joined
                continue
            close(run)  # too many strings joined: what is listed so far is required on its own
            run = got
            continue
        close(run)
        run = frozenset([""])
        op, av = item
        inner: frozenset[str] | None = None
        if op is SUBPATTERN:
            inner = _need(list(av[3]))
        elif op is BRANCH:
            alts = [_need(list(alt)) for alt in av[1]]
            if all(a is not None for a in alts):
                inner = frozenset().union(*alts)  # type: ignore[arg-type]
        elif op in (MAX_REPEAT, MIN_REPEAT) and av[0] >= 1:
            inner = _need(list(av[2]))  # at least once: what the body requires, the repeat does
        if inner is not None:
            candidates.append(inner)
    close(run)
    usable = [_minimal(c) for c in candidates if c and "" not in c]
    # Any one of the required sets would do; the one whose shortest string is longest filters best.
    return max(usable, key=lambda c: (min(map(len, c)), -len(c)), default=None)


def _minimal(strings: frozenset[str]) -> frozenset[str]:
    """Without the strings that contain another of the set: containing the longer implies the shorter."""
    return frozenset(s for s in strings if not any(t != s and t in s for t in strings))


def condition_patterns(raw: dict[str, Any]) -> list[str]:
    """Every pattern text of ``bot/data/conditions.json`` (lists, maps and single patterns alike)."""
    out: list[str] = []
    for key, value in raw.items():
        if key in ("about", "dimension_words"):  # prose, and plain words
            continue
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            out += [v for v in value if isinstance(v, str)]
        elif isinstance(value, dict):
            out += [v for v in value.values() if isinstance(v, str)]
    return sorted(set(out))


def table(types: list[dict[str, Any]], conditions: dict[str, Any] | None = None) -> dict[str, Any]:
    """The stored file's content for the question types' data (``bot/data/question_types.json``) and the
    condition patterns (``bot/data/conditions.json``)."""
    rows = []
    for t in types:
        flags = re.IGNORECASE if any(ch.isupper() for ch in t["ask"]) else 0  # as QuestionType.ask_lower
        rows.append({"name": t["name"], "ask": t["ask"], "literals": required_literals(t["ask"], flags)})
    patterns = [
        {"pattern": p, "literals": required_literals(p, re.IGNORECASE)} for p in condition_patterns(conditions or {})
    ]
    return {
        "about": "Generated by `python -m bot.prefilter` from question_types.json and conditions.json: per question "
        "type and per condition pattern, strings one of which every match of the pattern contains (bot/prefilter.py). "
        "Do not edit by hand.",
        "types": rows,
        "patterns": patterns,
    }


def main() -> None:
    types = json.loads((DATA / "question_types.json").read_text(encoding="utf-8"))["types"]
    conditions = json.loads((DATA / "conditions.json").read_text(encoding="utf-8"))
    LITERALS.write_text(json.dumps(table(types, conditions), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {LITERALS}")


if __name__ == "__main__":
    main()
