"""Retrieval quality on MedQuAD dev and TREC LiveQA: BM25 alone, dense alone and fused, side by side.

    .venv/bin/python bench/retrieval.py                        # full MedQuAD (index in bench/work/)
    .venv/bin/python bench/retrieval.py --limit-docs 500       # gold docs + 500 others (CI-sized)
    .venv/bin/python bench/retrieval.py --fusion-study         # also compare fusion formulas

Metrics are document-level: a query's chunk hits are turned into a document ranking (a document takes
the rank of its best chunk), and a hit counts when its document id is a gold id.

* MedQuAD dev (300 questions, one gold id each): Recall@1, Recall@5, MRR@10.
* LiveQA (39 real consumer questions, judged 1-4): relevant = score >= 3. MRR@10, P@1 and nDCG@10
  with graded gain (score - 1: 4 -> 3, 3 -> 2, 2 -> 1, 1 -> 0; unjudged documents gain 0), run on the
  raw ``message`` and on the short ``summary``. Judgements are pooled, so these are lower bounds.

The product path is used (``clean_question``, spelling correction and glossary expansion, then
``HybridRetriever.search`` with the product's depth), with the query encoded once and shared by the
modes. The fusion study re-fuses the same two candidate lists (depth 50 each) with other formulas;
its parameters are chosen on the even-numbered dev questions and reported on the odd ones.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.metrics import dedupe, hit_at, mean, mrr_at, ndcg_at, recall_at  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
MEDQUAD = DATA / "medquad" / "corpus.jsonl"
DEV = DATA / "medquad" / "questions-dev.jsonl"
LIVEQA = DATA / "liveqa" / "questions.jsonl"
WORK = ROOT / "bench" / "work"
FULL_INDEX = WORK / "medquad-index"
MODES = ("bm25", "dense", "hybrid")
SEARCH_K = 50  # chunks asked for; enough for 10 distinct documents


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def dev_questions(path: Path = DEV) -> list[dict[str, Any]]:
    return read_jsonl(path)


def liveqa_questions(path: Path = LIVEQA) -> list[dict[str, Any]]:
    return read_jsonl(path)


# ---------------------------------------------------------------- corpus slices


def make_slice(
    corpus: Path, keep: set[str], n_others: int, out: Path, seed: int = 0
) -> tuple[Path, int]:
    """Write the documents whose id is in ``keep`` plus ``n_others`` random others (original order)."""
    with open(corpus, encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip()]
    ids = [json.loads(line)["id"] for line in lines]
    others = [i for i, d in enumerate(ids) if d not in keep]
    chosen = set(random.Random(seed).sample(others, min(n_others, len(others))))
    rows = [line for i, (line, d) in enumerate(zip(lines, ids, strict=True)) if d in keep or i in chosen]
    out.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(r if r.endswith("\n") else r + "\n" for r in rows)
    if not out.exists() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")
    return out, len(rows)


def gold_ids(dev: list[dict[str, Any]], live: list[dict[str, Any]]) -> set[str]:
    keep = {g for q in dev for g in q["gold_ids"]}
    keep |= {d for q in live for d in q["judged"]}
    return keep


def seed_index(index: Path, source: Path = FULL_INDEX) -> None:
    """Start a slice's index from a copy of a bigger one: the build then reuses its vectors."""
    if not index.exists() and (source / "manifest.json").exists():
        shutil.copytree(source, index)


# ---------------------------------------------------------------- running queries


@dataclass
class Candidates:
    """One query's two candidate lists (chunk rows and raw scores) and the product's rankings."""

    dense_rows: np.ndarray
    dense_scores: np.ndarray
    bm25_rows: np.ndarray
    bm25_scores: np.ndarray
    product: dict[str, list[str]] = field(default_factory=dict)  # mode -> document ranking
    qvec: np.ndarray | None = None
    bm25_all: np.ndarray | None = None  # BM25 score of every chunk (for exact score fill-in)


class Runner:
    """Runs questions through an engine's retriever (or a replacement) and keeps candidates."""

    def __init__(self, engine: Any, retriever: Any = None) -> None:
        self.engine = engine
        self.retriever = retriever or engine.retriever
        self.data = self.retriever.data

    def doc_of(self, row: int) -> str:
        return self.data.documents[int(self.data.chunk_doc[int(row)])].id

    def run(self, question: str, keep_all_bm25: bool = False) -> Candidates:
        from bot.text import clean_question

        text, _ = clean_question(question, self.engine.settings.max_question_chars)
        expanded = self.engine.process(text).expanded if text else ""
        if not expanded.strip():
            empty = np.zeros(0)
            return Candidates(empty, empty, empty, empty, {m: [] for m in MODES})
        qvec = self.retriever.embedder.encode([expanded])[0]
        depth = max(self.retriever.depth, SEARCH_K)
        d_rows, d_scores = self.retriever.dense_scores(qvec, depth)
        b_rows, b_scores = self.retriever.bm25_scores(expanded, depth)
        product = {
            m: dedupe(h.doc_id for h in self.retriever.search(expanded, k=SEARCH_K, qvec=qvec, mode=m))
            for m in MODES
        }
        cand = Candidates(d_rows, d_scores, b_rows, b_scores, product, qvec)
        if keep_all_bm25:
            cand.bm25_all = self.retriever.bm25_all(expanded)
        return cand

    def doc_ranking(self, rows: list[int]) -> list[str]:
        return dedupe(self.doc_of(r) for r in rows)


# ---------------------------------------------------------------- fusion formulas (for the study)

Fusion = Callable[[Candidates, Runner], list[int]]


def rrf(k: float = 60.0, w_dense: float = 1.0, w_bm25: float = 1.0) -> Fusion:
    def fuse(c: Candidates, _: Runner) -> list[int]:
        fused: dict[int, float] = {}
        for w, rows in ((w_dense, c.dense_rows), (w_bm25, c.bm25_rows)):
            for rank, r in enumerate(rows):
                fused[int(r)] = fused.get(int(r), 0.0) + w / (k + rank + 1)
        return [r for r, _ in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))]

    return fuse


def _minmax(x: np.ndarray) -> np.ndarray:
    if len(x) == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.ones_like(x)


def convex(alpha: float, exact: bool = False) -> Fusion:
    """alpha * dense + (1 - alpha) * bm25, each min-max normalised over the candidate union.

    ``exact``: candidates found by one list only get their true score in the other (cosine from the
    stored vector, BM25 from the full score array) instead of that list's minimum.
    """

    def fuse(c: Candidates, run: Runner) -> list[int]:
        union = sorted({int(r) for r in c.dense_rows} | {int(r) for r in c.bm25_rows})
        if not union:
            return []
        pos = {r: i for i, r in enumerate(union)}
        d = np.full(len(union), np.nan)
        b = np.full(len(union), np.nan)
        for r, s in zip(c.dense_rows, c.dense_scores, strict=True):
            d[pos[int(r)]] = s
        for r, s in zip(c.bm25_rows, c.bm25_scores, strict=True):
            b[pos[int(r)]] = s
        if exact and c.qvec is not None:
            miss = np.isnan(d)
            if miss.any():
                rows = np.array(union)[miss]
                vecs = np.stack([run.data.dense.reconstruct(int(r)) for r in rows])
                d[miss] = vecs @ c.qvec
            if c.bm25_all is not None:
                b = np.array([c.bm25_all[r] for r in union], dtype=float)
        d = np.where(np.isnan(d), np.nanmin(d) if (~np.isnan(d)).any() else 0.0, d)
        b = np.where(np.isnan(b), 0.0, b)
        score = alpha * _minmax(d) + (1 - alpha) * _minmax(b)
        order = np.lexsort((np.array(union), -score))
        return [union[i] for i in order]

    return fuse


# ---------------------------------------------------------------- scoring


def dev_scores(rankings: list[list[str]], dev: list[dict[str, Any]]) -> dict[str, float]:
    return {
        "recall@1": round(mean(recall_at(r, q["gold_ids"], 1) for r, q in zip(rankings, dev, strict=True)), 4),
        "recall@5": round(mean(recall_at(r, q["gold_ids"], 5) for r, q in zip(rankings, dev, strict=True)), 4),
        "mrr@10": round(mean(mrr_at(r, q["gold_ids"], 10) for r, q in zip(rankings, dev, strict=True)), 4),
    }


def live_scores(rankings: list[list[str]], live: list[dict[str, Any]]) -> dict[str, float]:
    rel = [{d for d, s in q["judged"].items() if s >= 3} for q in live]
    grades = [{d: float(s - 1) for d, s in q["judged"].items()} for q in live]
    return {
        "mrr@10": round(mean(mrr_at(r, g, 10) for r, g in zip(rankings, rel, strict=True)), 4),
        "p@1": round(mean(hit_at(r, g, 1) for r, g in zip(rankings, rel, strict=True)), 4),
        "ndcg@10": round(mean(ndcg_at(r, g, 10) for r, g in zip(rankings, grades, strict=True)), 4),
    }


def evaluate(
    engine: Any,
    dev: list[dict[str, Any]],
    live: list[dict[str, Any]] | None = None,
    retriever: Any = None,
    fusion_study: bool = False,
) -> dict[str, Any]:
    """Quality of bm25 / dense / hybrid on ``dev`` (and LiveQA), optionally with a fusion study."""
    runner = Runner(engine, retriever)
    t0 = time.perf_counter()
    cands = [runner.run(q["question"], keep_all_bm25=fusion_study) for q in dev]
    out: dict[str, Any] = {
        "medquad_dev": {"questions": len(dev), **{m: dev_scores([c.product[m] for c in cands], dev) for m in MODES}},
    }
    if live:
        out["liveqa"] = {"questions": len(live)}
        for fieldname in ("message", "summary"):
            lc = [runner.run(q[fieldname]) for q in live]
            out["liveqa"][fieldname] = {m: live_scores([c.product[m] for c in lc], live) for m in MODES}
    out["seconds"] = round(time.perf_counter() - t0, 1)
    if fusion_study:
        out["fusion_study"] = study(runner, cands, dev, live)
    return out


def study(
    runner: Runner, cands: list[Candidates], dev: list[dict[str, Any]], live: list[dict[str, Any]] | None
) -> dict[str, Any]:
    """Fusion formulas on the same candidates: tuned on even dev questions, reported on odd ones."""
    formulas: dict[str, Fusion] = {"rrf_k60": rrf()}
    for k in (10, 60):
        for w in (0.5, 0.7, 1.5, 2.0, 3.0):
            formulas[f"wrrf_k{k}_wd{w}"] = rrf(k, w_dense=w)
    for a in np.round(np.arange(0.1, 1.0, 0.1), 2):
        formulas[f"convex_a{a}"] = convex(float(a))
        formulas[f"convex_exact_a{a}"] = convex(float(a), exact=True)
    ranked = {
        name: [runner.doc_ranking(f(c, runner)) for c in cands] for name, f in formulas.items()
    }
    even = [i for i in range(len(dev)) if i % 2 == 0]
    odd = [i for i in range(len(dev)) if i % 2 == 1]

    def part(name: str, idx: list[int]) -> dict[str, float]:
        return dev_scores([ranked[name][i] for i in idx], [dev[i] for i in idx])

    single = {
        m: {"tune": dev_scores([cands[i].product[m] for i in even], [dev[i] for i in even]),
            "test": dev_scores([cands[i].product[m] for i in odd], [dev[i] for i in odd])}
        for m in ("bm25", "dense", "hybrid")
    }
    table = {name: {"tune": part(name, even), "test": part(name, odd), "all": dev_scores(ranked[name], dev)}
             for name in formulas}

    def best(prefix: str) -> str:
        names = [n for n in formulas if n.startswith(prefix)]
        return max(names, key=lambda n: (table[n]["tune"]["recall@5"], table[n]["tune"]["mrr@10"]))

    chosen = {p: best(p) for p in ("wrrf_", "convex_a", "convex_exact_a")}
    result: dict[str, Any] = {"single": single, "formulas": table, "chosen_on_tune": chosen}
    if live:
        live_out: dict[str, Any] = {}
        for fieldname in ("message", "summary"):
            lc = [runner.run(q[fieldname], keep_all_bm25=True) for q in live]
            live_out[fieldname] = {
                name: live_scores([runner.doc_ranking(formulas[name](c, runner)) for c in lc], live)
                for name in ["rrf_k60", *chosen.values()]
            }
        result["liveqa"] = live_out
    return result


# ---------------------------------------------------------------- command line


def open_engine(corpus: Path, index: Path, embedder: Any = None, progress: bool = False) -> Any:
    import bot

    return bot.load(corpus=corpus, index=index, embedder=embedder, progress=progress)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, default=MEDQUAD)
    p.add_argument("--index", type=Path, default=None, help="index folder (default under bench/work/)")
    p.add_argument("--limit-docs", type=int, default=None, help="gold docs plus N others")
    p.add_argument("--limit-questions", type=int, default=None)
    p.add_argument("--no-liveqa", action="store_true")
    p.add_argument("--fusion-study", action="store_true")
    p.add_argument("--fake", action="store_true", help="use the tests' FakeEmbedder (smoke runs only)")
    p.add_argument("--out", type=Path, default=None, help="write the JSON here too")
    args = p.parse_args(argv)

    dev = dev_questions()[: args.limit_questions]
    live = [] if args.no_liveqa else liveqa_questions()
    corpus, index = args.corpus, args.index
    embedder = None
    if args.fake:
        sys.path.insert(0, str(ROOT / "tests"))
        from conftest import FakeEmbedder

        embedder = FakeEmbedder()
    tag = "-fake" if args.fake else ""
    if args.limit_docs is not None:
        corpus, n = make_slice(args.corpus, gold_ids(dev, live), args.limit_docs,
                               WORK / "slices" / f"medquad-plus{args.limit_docs}.jsonl")
        index = index or WORK / "slices" / f"medquad-plus{args.limit_docs}{tag}-index"
        if not args.fake:
            seed_index(index)
        print(f"slice: {n} documents -> {corpus}", file=sys.stderr)
    index = index or (FULL_INDEX if not args.fake else WORK / "medquad-fake-index")
    engine = open_engine(corpus, index, embedder, progress=True)
    result = evaluate(engine, dev, live, fusion_study=args.fusion_study)
    result["documents"] = len(engine.data.documents)
    result["chunks"] = int(engine.data.dense.ntotal)
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
