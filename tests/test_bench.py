"""The benchmark code: metric functions on hand-made rankings, fusion formulas, a tiny evaluation run
with the fake embedder, the report writer, and the keys of the committed results.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import metrics  # noqa: E402
from bench.retrieval import Candidates, convex, dev_scores, evaluate, live_scores, make_slice, rrf  # noqa: E402

REQUIRED = ("ask_p50_ms", "ask_p95_ms", "floor_p50_ms", "build_chunks_per_s", "bare_encode_per_s",
            "full_build_s", "rebuild_one_s", "rss_mb")


def test_mrr_recall_and_dedupe_on_hand_made_rankings():
    assert metrics.mrr_at(["miss", "hit"], {"hit"}) == 0.5
    assert metrics.mrr_at(["hit"], {"hit"}) == 1.0
    assert metrics.mrr_at(["a"] * 10 + ["hit"], {"hit"}, 10) == 0.0
    assert metrics.recall_at(["a", "b", "hit"], {"hit"}, 1) == 0.0
    assert metrics.recall_at(["a", "b", "hit"], {"hit"}, 5) == 1.0
    assert metrics.recall_at(["x", "g2"], ["g1", "g2"], 2) == 1.0  # any of the equivalent gold ids
    assert metrics.dedupe(["a", "b", "a", "c", "b"]) == ["a", "b", "c"]
    # chunk hits of the same document collapse before ranking: [d1, d1, gold] -> gold at rank 2
    assert metrics.mrr_at(metrics.dedupe(["d1", "d1", "gold"]), {"gold"}) == 0.5


def test_ndcg_and_percentile():
    grades = {"a": 3.0, "b": 1.0}
    assert metrics.ndcg_at(["a", "b"], grades) == pytest.approx(1.0)
    assert metrics.ndcg_at(["x", "y"], grades) == 0.0
    assert 0 < metrics.ndcg_at(["b", "a"], grades) < 1
    assert metrics.ndcg_at(["a"], {}) == 0.0
    assert metrics.percentile([1, 2, 3, 4], 50) == 2.5
    assert metrics.percentile([5.0], 95) == 5.0


def test_dev_and_live_scores():
    dev = [{"gold_ids": ["g"]}, {"gold_ids": ["h"]}]
    s = dev_scores([["g", "x"], ["x", "h"]], dev)
    assert s == {"recall@1": 0.5, "recall@5": 1.0, "mrr@10": 0.75}
    live = [{"judged": {"a": 4, "b": 2}}]
    ls = live_scores([["b", "a"]], live)
    assert ls["p@1"] == 0.0 and ls["mrr@10"] == 0.5 and 0 < ls["ndcg@10"] < 1


class _Run:
    def __init__(self, vecs: np.ndarray) -> None:
        import faiss

        self.data = type("D", (), {})()
        self.data.dense = faiss.IndexFlatIP(vecs.shape[1])
        self.data.dense.add(vecs)


def test_fusion_formulas():
    c = Candidates(np.array([1, 2]), np.array([0.9, 0.5]), np.array([3, 2]), np.array([10.0, 9.0]))
    # Plain RRF: row 2 is in both lists and wins.
    assert rrf()(c, None)[0] == 2
    # Dense weighted heavily: dense's top row wins.
    assert rrf(1, w_dense=3.0)(c, None)[0] == 1  # 3/2 > 3/3 + 1/3
    assert convex(1.0)(c, None)[0] == 1
    assert convex(0.0)(c, None)[0] == 3
    vecs = np.eye(4, dtype=np.float32)
    c.qvec = vecs[1] * 0.9 + vecs[3] * 0.1
    assert set(convex(0.5, exact=True)(c, _Run(vecs))) == {1, 2, 3}


def test_make_slice_keeps_gold_and_samples_others(tmp_path: Path):
    src = tmp_path / "c.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": f"t {i}"}) + "\n" for i in range(20)))
    out, n = make_slice(src, {"d3", "d17"}, 5, tmp_path / "s.jsonl")
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert n == 7 and "d3" in ids and "d17" in ids
    assert ids == sorted(ids, key=lambda d: int(d[1:]))  # original order


def test_evaluate_on_the_fixture_corpus(engine):
    dev = [
        {"question": "What is alphamab?", "gold_ids": ["drugs"]},
        {"question": "What is the treatment for testicular relapse?", "gold_ids": ["extra-1"]},
    ]
    live = [{"message": "testis swelling treatment", "summary": "testicular relapse", "judged": {"extra-1": 4}}]
    out = evaluate(engine, dev, live, fusion_study=True)
    for mode in ("bm25", "dense", "hybrid"):
        s = out["medquad_dev"][mode]
        assert set(s) == {"recall@1", "recall@5", "mrr@10"}
        assert all(0.0 <= v <= 1.0 for v in s.values())
        assert set(out["liveqa"]["summary"][mode]) == {"mrr@10", "p@1", "ndcg@10"}
    assert out["medquad_dev"]["hybrid"]["recall@5"] == 1.0
    # The study's formula for the product's default fusion reproduces the product's hybrid ranking.
    from bench.report import product_formula

    assert product_formula() == "convex_exact_a0.8"
    assert out["fusion_study"]["formulas"][product_formula()]["all"] == out["medquad_dev"]["hybrid"]


def test_report_renders_a_synthetic_result(tmp_path: Path):
    from bench.report import markdown, plot, targets

    row = dict.fromkeys(REQUIRED, 1.0) | {"documents": 10, "chunks": 20, "search_p50_ms": 1.0}
    results = {"corpora": {"seed": dict(row), "2k": dict(row, documents=2000), "medquad": dict(row, documents=16407)},
               "cold_start_s": 2.0, "bare_import_s": 1.0}
    md = markdown(results)
    assert "| ask p50 ms |" in md and "cold start s, seed (`bot ask`) | 2.00 | 0.50 | NOT met" in md
    assert any(t[0].startswith("server peak RSS") and t[3] == "met" for t in targets(results))
    # A build with a faster backend is also compared with a bare encode by that same backend.
    results["corpora"]["medquad"].update(backend="onnx-int8", bare_encode_backend_per_s=4.0, build_chunks_per_s=2.0)
    rows = {t[0]: t for t in targets(results)}
    own = [r for label, r in rows.items() if "own backend (onnx-int8), medquad" in label]
    assert own and own[0][1] == "0.50x" and own[0][3] == "NOT met"
    assert rows["build chunks/s / bare encode chunks/s, medquad"][3] == "met"  # 2.0 vs 1.0
    plot(results, tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 1000


def test_committed_results_have_the_required_keys():
    path = ROOT / "bench" / "results" / "results.json"
    if not path.exists():
        pytest.skip("bench/results/results.json not produced yet")
    r = json.loads(path.read_text())
    # The issue asks for the seed and the full MedQuAD corpus side by side, each with its baselines.
    assert {"seed", "medquad"} <= set(r["corpora"])
    assert r["corpora"]["medquad"]["documents"] > 16000
    for name, c in r["corpora"].items():
        missing = [k for k in REQUIRED if k not in c]
        assert not missing, f"{name}: missing {missing}"
    assert r["cold_start_s"] > 0 and r["bare_import_s"] > 0
    assert (ROOT / "bench" / "results" / "results.md").exists()
