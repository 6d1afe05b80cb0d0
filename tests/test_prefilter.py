"""Question types are skipped uncompiled only when they cannot match: the required literals are exact."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from re import _constants as sre
from re import _parser as parser
from typing import Any

import pytest

from bot.prefilter import LITERALS, Guarded, condition_patterns, may_match, required_literals, table
from bot.question import classify, rules
from bot.text import fold

ROOT = Path(__file__).resolve().parent.parent
QUESTION_TYPES = ROOT / "bot" / "data" / "question_types.json"
CONDITIONS = ROOT / "bot" / "data" / "conditions.json"


def test_the_stored_literals_are_those_of_the_current_patterns() -> None:
    types = json.loads(QUESTION_TYPES.read_text(encoding="utf-8"))["types"]
    conditions = json.loads(CONDITIONS.read_text(encoding="utf-8"))
    stored = json.loads(LITERALS.read_text(encoding="utf-8"))
    assert stored == table(types, conditions), "patterns changed: run `python -m bot.prefilter` to rewrite the literals"
    assert len(stored["patterns"]) > 30 and sum(1 for row in stored["patterns"] if row["literals"]) > 25


@pytest.mark.parametrize(
    ("pattern", "flags", "want"),
    [
        (r"\bside[- ]?effects?\b", 0, ["side effect", "side-effect", "sideeffect"]),
        (r"\b(how long|duration)\b", 0, ["duration", "how long"]),
        (r"\b(what|which) (drugs?|options)\b", 0, ["what drug", "what options", "which drug", "which options"]),
        (r"^where\b(?![^?]*\bfits?\b)|\bsites?\b", 0, ["site", "where"]),
        (r"\bRANK\w*", re.IGNORECASE, ["rank"]),
        (r"\b(a|the)?\s*\w+", 0, None),  # nothing every match must contain
        (r"\bcause|.*", 0, None),
    ],
)
def test_required_literals_are_read_off_the_parse(pattern: str, flags: int, want: list[str] | None) -> None:
    assert required_literals(pattern, flags) == want


def _labelled_texts() -> list[str]:
    paths = sorted((ROOT / "tests" / "data").glob("*.jsonl")) + sorted((ROOT.parent / "shared" / "eval").glob("*.jsonl"))
    texts = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.extend(json.loads(line).get("turns", []))
    return texts


def test_every_labelled_question_gets_the_types_that_trying_all_patterns_gives() -> None:
    texts = [t for t in _labelled_texts() if fold(t).isascii()]
    assert len(texts) > 500
    rules.cache_clear()  # no pattern compiled yet: classify skips by literals until a type's pattern is
    got = [classify(text) for text in texts]
    skipped = 0
    for text, types in zip(texts, got, strict=True):
        folded = fold(text)
        every = [t.name for t in rules().types if t.ask_lower.search(folded)] or ["definition"]
        assert types == every, text
        # Each type skipped (its pattern compiled or not) is one whose pattern does not match.
        skips = [t for t in rules().types if not may_match(t.name, t.ask_text, folded)]
        assert not [t.name for t in skips if t.ask_lower.search(folded)], text
        skipped += len(skips)
    assert skipped > 10 * len(texts)  # most types are skipped for most questions


def _sample(items: Any, rnd: random.Random) -> str:
    """A random string built along the pattern's parse (lookarounds ignored: the caller keeps real matches)."""
    out = []
    for op, av in items:
        if op is sre.LITERAL:
            out.append(chr(av))
        elif op is sre.NOT_LITERAL:
            out.append("x" if chr(av) != "x" else "y")
        elif op is sre.ANY:
            out.append(rnd.choice("ab ?-"))
        elif op is sre.IN:
            options = []
            for sub_op, sub_av in av:
                if sub_op is sre.LITERAL:
                    options.append(chr(sub_av))
                elif sub_op is sre.RANGE:
                    options.append(chr(rnd.randint(*sub_av)))
                elif sub_op is sre.CATEGORY:
                    options.append({sre.CATEGORY_DIGIT: "7", sre.CATEGORY_SPACE: " "}.get(sub_av, "w"))
            out.append(rnd.choice(options or ["z"]))
        elif op is sre.BRANCH:
            out.append(_sample(rnd.choice(av[1]), rnd))
        elif op is sre.SUBPATTERN:
            out.append(_sample(av[3], rnd))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            lo, hi, body = av
            out.extend(_sample(body, rnd) for _ in range(rnd.randint(lo, min(hi, lo + 2))))
    return "".join(out)


def test_the_strings_each_pattern_matches_all_hold_one_of_its_literals() -> None:
    rnd = random.Random(14)
    checked = 0
    for t in rules().types:
        parsed = list(parser.parse(t.ask_text, 0))
        for _ in range(300):
            text = fold(" ".join(["so", _sample(parsed, rnd), "then"]))
            if text.isascii() and t.ask_lower.search(text):
                checked += 1
                assert may_match(t.name, t.ask_text, text), (t.name, text)
    assert checked > 3000


def _condition_regexes() -> list[re.Pattern[str]]:
    raw = json.loads(CONDITIONS.read_text(encoding="utf-8"))
    return [re.compile(p) if p in raw["ph"].values() else re.compile(p, re.IGNORECASE) for p in condition_patterns(raw)]


def test_a_guarded_condition_pattern_finds_what_the_pattern_finds() -> None:
    corpus = (ROOT / "corpus" / "relapsed-all.md").read_text(encoding="utf-8").splitlines()
    texts = _labelled_texts() + [line for line in corpus if line.strip()]
    found = skipped = 0
    for rx in _condition_regexes():
        guarded = Guarded(rx)
        assert guarded.literals is not None or required_literals(rx.pattern, re.IGNORECASE) is None, rx.pattern
        for text in texts:
            want = [m.span() for m in rx.finditer(text)]
            assert [m.span() for m in guarded.finditer(text)] == want, (rx.pattern, text)
            assert (guarded.search(text) is None) == (not want)
            assert guarded.sub(" ", text) == rx.sub(" ", text)
            found += bool(want)
            skipped += not guarded._may(text)
    assert found > 500 and skipped > 20 * len(texts)  # matches are checked, and most patterns skip most texts


def test_a_pattern_the_stored_file_does_not_know_is_always_run() -> None:
    rx = re.compile(r"\bnever stored\b", re.IGNORECASE)
    assert Guarded(rx).literals is None and Guarded(rx).search("it is NEVER STORED here") is not None


def test_the_literals_are_not_trusted_for_text_that_is_not_ascii() -> None:
    rx = re.compile(r"\bkids\b", re.IGNORECASE)  # ignoring case, "k" matches the Kelvin sign too
    guarded = Guarded(rx)
    guarded.literals = ("kids",)
    assert guarded.search("\u212aids") is not None and guarded.search("ids") is None
