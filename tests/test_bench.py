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


# ---------------------------------------------------------------- answers at scale (bench/answers_at_scale.py)


def test_answer_outcomes_and_shares_on_hand_made_records(tmp_path: Path):
    from bench.answers_at_scale import Record, merge, shares, summarize, table

    good = ["g"]
    right = Record("s", "1", "q", good=good, cited=["g", "x"], search=[("g", 0.9), ("x", 0.5)], seconds=0.01)
    wrong = Record("s", "2", "q", good=good, cited=["x"], search=[("x", 0.8)], seconds=0.03)
    withheld = Record("s", "3", "q", good=good, abstained=True, cited=["g"], search=[("g", 0.4)], seconds=0.02)
    assert (right.outcome, wrong.outcome, withheld.outcome) == ("right", "wrong", "abstained")
    assert right.search_right and not wrong.search_right and withheld.search_right
    assert right.features()["search_margin"] == pytest.approx(0.4)
    assert right.features()["cited_is_search_top"] == 1.0 and wrong.features()["cited_is_search_top"] == 1.0
    s = shares([right, wrong, withheld])
    assert (s["right"], s["abstained"], s["wrong"], s["search_top1"]) == (0.333, 0.333, 0.333, 0.667)
    assert s["ask_median_ms"] == 20.0
    # MediQA: questions without a correct candidate are reported apart (abstaining is right there).
    none = Record("mediqa", "4", "q", split="train", abstained=True, baseline_right=False)
    med = Record("mediqa", "5", "q", split="validation", good=good, cited=["g"], baseline_right=True)
    summary = summarize([right, none, med])
    assert summary["mediqa-train-no-correct"] == {"questions": 1, "abstained": 1.0}
    assert summary["mediqa-validation"]["right"] == 1.0 and summary["mediqa-validation"]["chiqa_top1"] == 1.0
    assert summary["mediqa-train"] == {"questions": 0}
    assert "mediqa-validation" in table({k: v for k, v in summary.items() if v["questions"]})
    # A run of some questions keeps the results file's other records and replaces the ones asked again.
    out = tmp_path / "r.json"
    out.write_text(json.dumps({"questions": [r.to_json() for r in (none, med, right)]}))
    again = Record("s", "1", "q", good=good, abstained=True)
    summary, records = merge(out, [again, wrong])
    assert [(r.dataset, r.qid) for r in records] == [("mediqa", "4"), ("mediqa", "5"), ("s", "1"), ("s", "2")]
    assert records[1].search == med.search and records[1].baseline_right is True
    assert summary["s"]["abstained"] == 0.5 and summary["s"]["wrong"] == 0.5
    assert summary["mediqa-validation"]["right"] == 1.0


def test_answers_at_scale_runs_on_fixtures(engine, fake_embedder, tmp_path: Path):
    import bot
    from bench.answers_at_scale import mediqa_split, run_liveqa, run_mediqa, run_medquad, summarize

    dev = [{"id": "d1", "question": "What are the common symptoms after alphamab?", "gold_ids": ["drugs"]}]
    recs = run_medquad(engine, dev)
    assert recs[0].search_right and recs[0].outcome in ("right", "abstained")
    live = [{"id": "t1", "message": "alphamab headache?", "summary": "alphamab symptoms",
             "judged": {"drugs": 2, "extra-1": 1}}]
    lrecs = run_liveqa(engine, live)
    assert [r.dataset for r in lrecs] == ["liveqa-message", "liveqa-summary"] and lrecs[0].good == ["drugs"]

    def answer(aid: str, text: str, rank: int, grade: int) -> dict:
        return {"aid": aid, "url": "", "text": text, "system_rank": str(rank), "reference_rank": str(rank),
                "reference_score": str(grade)}

    questions = [
        {"qid": "train-alexa:1", "question": "What causes gout flares?", "set": "train-alexa", "answers": [
            answer("1_a", "Gout flares are caused by uric acid crystals forming in a joint.", 2, 4),
            answer("1_b", "Swimming is a low impact exercise for people of all ages.", 1, 1)]},
        {"qid": "train-alexa:2", "question": "Is coffee good for the liver?", "set": "train-alexa", "answers": [
            answer("2_a", "Bananas are rich in potassium and fibre.", 1, 1)]},
    ]
    work = tmp_path / "mediqa"
    work.mkdir()
    recs = run_mediqa(questions, lambda c, i: bot.load(corpus=c, index=i, embedder=fake_embedder), work)
    assert [r.good for r in recs] == [["1_a"], []]
    assert recs[0].baseline_right is False  # CHiQA ranked the swimming passage first
    assert recs[0].search[0][0] == "1_a" and recs[0].search_right
    assert {r.split for r in recs} <= {"train", "validation"} and recs[0].split == mediqa_split("train-alexa:1")
    summary = summarize(recs)
    assert summary["mediqa-all"]["questions"] == 1 and summary["mediqa-all-no-correct"]["questions"] == 1
    assert not list(work.iterdir())  # the per-question indexes lived in a temporary folder
