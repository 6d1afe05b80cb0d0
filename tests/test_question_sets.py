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


# The labelled sets for fitting (train-*) and for checking the fit (holdout-*): see tests/data/README.md.
KINDS = ("answerable", "unanswerable", "conditions", "overview")
FIT_FILES = [f"{side}-{kind}.jsonl" for kind in KINDS for side in ("train", "holdout")]
SHARED_EVAL = ROOT.parent / "shared" / "eval"


def _split_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("split_sets", DATA / "split_sets.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Training-only sets of every kind at once (train-fresh: written after a round of rules and measured unseen
# first; see tests/data/README.md). Each item's kind follows from its fields.
MIXED_FILES = ["train-fresh.jsonl", "train-fresh2.jsonl", "train-fresh4.jsonl", "holdout-fresh3.jsonl"]


@pytest.mark.parametrize("name", FIT_FILES + MIXED_FILES)
def test_fit_set_is_well_formed(name: str) -> None:
    body = _body()
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    file_kind = name.split("-", 1)[1].removesuffix(".jsonl")
    rows = _rows(name)
    assert rows, name
    for r in rows:
        kind = file_kind if file_kind in KINDS else (
            "overview" if "cover" in r else "unanswerable" if r["expect"] == "abstain" else "answerable"
        )
        keys = KEYS | {"cover", "cover_min"} if kind == "overview" else KEYS
        assert set(r) == keys, r["id"]
        assert isinstance(r["id"], str) and isinstance(r["category"], str) and r["category"], r["id"]
        assert isinstance(r["turns"], list) and r["turns"] and all(isinstance(t, str) for t in r["turns"]), r["id"]
        assert r["expect"] == ("abstain" if kind == "unanswerable" else "answer"), r["id"]
        if r["expect"] == "abstain":
            assert r["gold"] == [] and r["must_mention"] == [], r["id"]
            continue
        assert r["gold"] and len(r["must_mention"]) <= 3, r["id"]
        for sentence in r["gold"] + r.get("cover", []):
            assert body.count(sentence) == 1, (r["id"], sentence)
            assert _is_full_unit(sentence, lines), (r["id"], sentence)
        for term in r["must_mention"]:
            assert any(term.lower() in g.lower() for g in r["gold"]), (r["id"], term)
        if kind == "overview":
            assert len(r["cover"]) == len(set(r["cover"])) >= 2, r["id"]
            assert 2 <= r["cover_min"] <= len(r["cover"]), r["id"]
            assert set(r["cover"]) <= set(r["gold"]), r["id"]  # a key sentence is also an acceptable lead


def test_fit_sets_have_unique_ids_and_sizes() -> None:
    ids = [r["id"] for name in FIT_FILES + MIXED_FILES + ["answerable.jsonl", "unanswerable.jsonl"] for r in _rows(name)]
    assert len(ids) == len(set(ids))
    pooled = {kind: sum(len(_rows(f"{side}-{kind}.jsonl")) for side in ("train", "holdout")) for kind in KINDS}
    assert pooled["answerable"] >= 150 and pooled["unanswerable"] >= 80
    assert pooled["conditions"] >= 40 and pooled["overview"] >= 40


def test_fit_split_is_the_seeded_stratified_split() -> None:
    split_sets = _split_module()
    for kind in KINDS:
        train, holdout = split_sets.split(split_sets.pooled(kind))
        assert [r["id"] for r in train] == [r["id"] for r in _rows(f"train-{kind}.jsonl")], kind
        assert [r["id"] for r in holdout] == [r["id"] for r in _rows(f"holdout-{kind}.jsonl")], kind
        assert 0.2 <= len(holdout) / (len(train) + len(holdout)) <= 0.4, kind
    rows = [{"id": f"x{i}", "category": "a" if i < 10 else "b"} for i in range(20)]
    train, holdout = split_sets.split(rows)
    assert len(holdout) == 6 and sum(r["category"] == "a" for r in holdout) == 3  # stratified: 3 of each 10


def test_fit_sets_do_not_repeat_the_evaluation_kit() -> None:
    if not SHARED_EVAL.is_dir():
        pytest.skip("../shared/eval is not present")
    def norm(t: str) -> str:
        return " ".join(re.findall(r"[a-z0-9+-]+", t.lower()))
    kit = {norm(t) for path in SHARED_EVAL.glob("*.jsonl") for r in _rows_at(path) for t in r["turns"]}
    ours = {norm(t) for name in FIT_FILES + MIXED_FILES for r in _rows(name) for t in r["turns"]}
    assert not (ours - {""}) & kit


def _rows_at(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
