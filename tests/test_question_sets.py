"""The question sets in tests/data are well formed: gold sentences are verbatim full sentences of the corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
KEYS = {"id", "category", "turns", "expect", "gold", "must_mention"}


def _body() -> str:
    text = (ROOT / "corpus" / "relapsed-all.md").read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1]  # skip the metadata header


def _rows(name: str) -> list[dict]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _is_full_unit(gold: str, lines: list[str]) -> bool:
    """A whole line, or a whole sentence: starts a line or follows '. ', ends with '.' or ':' then space or line end."""
    if gold in lines:
        return True
    pattern = r"(?:^|(?<=[.:] ))" + re.escape(gold) + r"(?= |$)"
    return gold.endswith((".", ":")) and any(re.search(pattern, line) for line in lines)


@pytest.mark.parametrize(
    ("name", "expect"), [("answerable.jsonl", "answer"), ("unanswerable.jsonl", "abstain")]
)
def test_question_set_is_well_formed(name: str, expect: str) -> None:
    body = _body()
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    rows = _rows(name)
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert set(r) == KEYS, r["id"]
        assert r["expect"] == expect, r["id"]
        assert isinstance(r["turns"], list) and r["turns"], r["id"]
        assert all(isinstance(t, str) for t in r["turns"]), r["id"]
        if expect == "abstain":
            assert r["gold"] == [] and r["must_mention"] == [], r["id"]
            continue
        assert r["gold"] and len(r["must_mention"]) <= 3, r["id"]
        for gold in r["gold"]:
            assert gold in body, (r["id"], gold)
            assert _is_full_unit(gold, lines), (r["id"], gold)
        for term in r["must_mention"]:
            assert any(term.lower() in g.lower() for g in r["gold"]), (r["id"], term)


def test_is_full_unit_rejects_fragments() -> None:
    lines = ["Bone marrow relapse is particularly ominous. Chemotherapy helps.", "Blinatumomab"]
    assert _is_full_unit("Chemotherapy helps.", lines)
    assert _is_full_unit("Blinatumomab", lines)
    assert not _is_full_unit("Bone marrow relapse", lines)
    assert not _is_full_unit("relapse is particularly ominous.", lines)
