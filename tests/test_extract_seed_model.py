"""The seed text saved as a web page and as a PDF answers the dev questions as the Markdown does.

Real model (marker ``model``); the questions and the scorer live in ../shared/eval (skipped when absent).
The scorer's own verbatim check reads text files, so quotes are checked against the stored document
text here, with its normalisation.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from docmaker import seed_html, seed_pdf

import bot

ROOT = Path(__file__).resolve().parent.parent
EVAL = next((p for p in (ROOT.parent / "shared" / "eval", Path("/work/shared/eval")) if p.is_dir()), None)

pytestmark = pytest.mark.model


def _scorer():  # noqa: ANN202
    if EVAL is None or not (EVAL / "score.py").exists() or not (EVAL / "seed-dev.jsonl").exists():
        pytest.skip("../shared/eval is not here")
    spec = importlib.util.spec_from_file_location("shared_score", EVAL / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("kind", ["html", "pdf"])
def test_seed_as_page_and_pdf_scores_like_the_markdown(kind: str, tmp_path: Path):
    score = _scorer()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    md = (ROOT / "corpus" / "relapsed-all.md").read_text(encoding="utf-8")
    (seed_html if kind == "html" else seed_pdf)(md, corpus / f"relapsed-all.{kind}")
    engine = bot.load(corpus=corpus, index=tmp_path / "index")
    (doc,) = engine.data.documents
    assert doc.format == kind and doc.date == "2023-10-05"
    stored = score.norm(doc.text)
    items = [json.loads(x) for x in (EVAL / "seed-dev.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    ok = 0
    failed = []
    for item in items:
        session = engine.session()
        for turn in item["turns"]:
            answer = session.ask(turn)
        out = answer.model_dump(mode="json")
        for c in answer.citations:  # exact substrings of the stored text, at their offsets
            assert doc.text[c.start : c.end] == c.quote
        row = score.score_item(item, out, stored)
        assert row["verbatim"], item["id"]
        ok += bool(row["ok"])
        if not row["ok"]:
            failed.append(item["id"])
    accuracy = ok / len(items)
    print(f"{kind}: {ok}/{len(items)} = {accuracy:.3f}; failed {failed}")
    assert accuracy >= 0.95, failed
