#!/usr/bin/env python3
"""Fit the answer path's parameters on labelled questions and report them on questions the fit never saw.

    .venv/bin/python scripts/fit_params.py [--write] [--folds 5] [--mixed]

Two stages, both on the training sets (tests/data/train-*.jsonl, answerable.jsonl, unanswerable.jsonl):

1. Evidence weights by conditional logistic regression. The sentences the answer path scores for an
   answerable question compete; the gold ones should win. A per-question softmax over the weighted sum
   of the features (dense similarity, word overlap, entities, conditions, the penalties ...) is fitted
   by maximum likelihood; why: the score already is that weighted sum, so the fit sets exactly the
   numbers that were hand-set, and it optimises ranking within a question, which is what choosing a
   quote is (a pooled per-sentence regression let correlated features such as "names the focus"
   drop to zero). The result is mapped linearly onto the old score's scale so thresholds keep meaning.
2. Decision thresholds (abstain_below, concept_abstain, overview_min_score, unknown_word_floor) by
   coordinate search on end-to-end accuracy: few numbers, each a cut on one quantity, where a grid is
   exact and cheap. ``concept_share`` is not searched here: the seed's short questions cannot show it;
   it was chosen on MediQA's training questions (bench/answers_at_scale.py) and is left as it is.
   Parameters only a many-document corpus or a long message shows are chosen by scripts/fit_scale.py.

``--mixed`` asks every training question twice: on the seed alone and with the unrelated MedQuAD
documents of bench/mixed.py beside it. The second corpus is where a sentence competes with other
documents' sentences, so the weights of the features only several documents show (another document,
its title, a question word the document never uses) are fitted there instead of set by hand, and the
thresholds are chosen on both corpora's verdicts together.

Validation: k-fold over training questions (stage 1 and 2 refitted on k-1 folds, judged on the fold
left out), then the held-out sets (tests/data/holdout-*.jsonl, never used by any fit or rule), then
the evaluation kit's dev sets when ../shared/eval is present. The train/validation gap is printed;
a large gap is over-fitting. ``--write`` stores the values in bot/data/params.json with a record of
how each was chosen.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
print = functools.partial(print, flush=True)  # noqa: A001 - progress shows while the fit runs
sys.path.insert(0, str(ROOT))

from bench.quality import Report, ask, gold_hit, judge, load_items  # noqa: E402

DATA = ROOT / "tests" / "data"
# Features no training question can teach on the seed alone (one document): set by hand unless --mixed.
MULTI_DOC = {"p_off_document", "w_title", "p_title_extra"}
HAND_SET = MULTI_DOC | {"p_aspect"}
SHARED = ROOT.parent / "shared" / "eval"
GRID = {
    "abstain_below": [0.27, 0.30, 0.33, 0.36, 0.39, 0.42, 0.45],
    "concept_abstain": [1.5, 2.0, 2.5, 3.0, 4.0, 99.0],
    "overview_min_score": [0.0, 0.1, 0.2, 0.3],
    "unknown_word_floor": [0.0, 0.5, 1.0],
    "overview_lacking_share": [0.34, 0.5, 0.75, 99.0],
}


def training_items() -> list[dict[str, Any]]:
    paths = sorted(DATA.glob("train-*.jsonl")) + [DATA / "answerable.jsonl", DATA / "unanswerable.jsonl"]
    return load_items(p for p in paths if p.exists())


def holdout_items() -> list[dict[str, Any]]:
    return load_items(sorted(DATA.glob("holdout-*.jsonl")))


@dataclass
class Examples:
    """Sentence examples of one question: features and gold labels."""

    x: np.ndarray
    y: np.ndarray
    old: np.ndarray  # the score before fitting, to map the fitted logit onto its scale


@dataclass
class Fit:
    weights: dict[str, float]
    thresholds: dict[str, float] = field(default_factory=dict)


def collect(engine: Any, items: list[dict[str, Any]]) -> dict[str, Examples]:
    """Ask every answerable item once and keep the features of the last turn's scored sentences."""
    from bot.evidence import FEATURES

    answerer = engine.answerer
    out: dict[str, Examples] = {}
    for item in items:
        if item["expect"] != "answer" or not item.get("gold"):
            continue
        seen: list[Any] = []
        answerer.trace = lambda u, ranked, seen=seen: seen.append(ranked)
        try:
            ask(engine, item)
        finally:
            answerer.trace = None
        if not seen or not seen[-1]:
            continue
        ranked = seen[-1]
        gold = item.get("cover", []) + item["gold"] if item.get("cover") else item["gold"]
        x = np.array([e.features(answerer.scorer.missing_cap) for e in ranked], dtype=np.float64)
        y = np.array([gold_hit(e.text, gold) for e in ranked], dtype=np.float64)
        old = np.array([e.score for e in ranked], dtype=np.float64)
        if y.any():
            out[item["id"]] = Examples(x.reshape(-1, len(FEATURES)), y, old)
    return out


def conditional_logit(examples: list[Examples], l2: float = 0.5) -> np.ndarray:
    """Weights that make each question's gold sentences the likeliest of its candidates.

    A conditional (per-question softmax) logistic regression: the likelihood of the gold sentences among
    the sentences scored for the same question, so the fit learns to rank within a question, which is
    what choosing a quote is. Weights are kept non-negative: every feature is signed so that "more" is
    better (penalties enter negated), and a negative weight would reward a penalty.
    """
    from scipy.optimize import minimize

    d = examples[0].x.shape[1]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.5 * l2 * float(w @ w), l2 * w
        for e in examples:
            s = e.x @ w
            m = s.max()
            p = np.exp(s - m)
            z = p.sum()
            zg = p[e.y > 0].sum()
            total -= float(np.log(zg) - np.log(z))
            grad = grad - (e.x[e.y > 0].T @ (p[e.y > 0] / zg)) + e.x.T @ (p / z)
        return total, grad

    res = minimize(loss, np.full(d, 0.5), jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * d)
    return np.asarray(res.x)


def fit_weights(examples: list[Examples], params: Any, hand_set: set[str] = HAND_SET) -> dict[str, float]:
    from bot.evidence import FEATURES

    x = np.vstack([e.x for e in examples])
    old = np.concatenate([e.old for e in examples])
    w = conditional_logit(examples)
    # A softmax is blind to a shift, so the scale and offset come from the old score: a least-squares
    # map onto it keeps the decision thresholds' meaning (they are refitted next anyway).
    a, c = np.polyfit(x @ w, old, 1)
    a = max(a, 1e-3)
    out = {name: float(a * wi) for (_, name), wi in zip(FEATURES, w, strict=True) if name not in hand_set}
    out["bias"] = float(c)
    return out


def top1(examples: list[Examples], weights: dict[str, float]) -> float:
    from bot.evidence import FEATURES

    w = np.array([weights.get(name, 0.0) for _, name in FEATURES])
    hits = [float(e.y[int(np.argmax(e.x @ w))] > 0) for e in examples]
    return sum(hits) / len(hits) if hits else 0.0


def with_params(engine: Any, values: dict[str, float]) -> Any:
    """The engine answering with ``values`` in place of its parameters."""
    import bot.engine as eng

    params = engine.params.with_values(**values)
    return eng.Engine(engine.data, engine.embedder.inner, engine.glossary, engine.settings, params)


class Grid:
    """End-to-end verdicts per threshold combination, computed once per combination (weights fixed).

    With several engines (corpora), an item's verdict counts once per engine."""

    def __init__(self, engines: list[Any], items: list[dict[str, Any]], weights: dict[str, float]) -> None:
        self.engines, self.items, self.weights = engines, items, weights
        self.cache: dict[tuple, list[list[bool]]] = {}

    def verdicts(self, combo: tuple) -> list[list[bool]]:
        if combo not in self.cache:
            values = dict(zip(GRID, combo, strict=True)) | self.weights
            self.cache[combo] = [
                [judge(item, ask(e, item)).ok for item in self.items]
                for e in (with_params(engine, values) for engine in self.engines)
            ]
        return self.cache[combo]

    def accuracy(self, combo: tuple, idx: list[int]) -> float:
        per = self.verdicts(combo)
        return sum(v[i] for v in per for i in idx) / max(len(idx) * len(per), 1)

    def search(self, idx: list[int], start: tuple, rounds: int = 1) -> tuple:
        """Coordinate search: each threshold swept over its grid in turn, the others held."""
        combo = start
        for _ in range(rounds):
            for n, values in enumerate(GRID.values()):
                trials = [combo[:n] + (v,) + combo[n + 1 :] for v in values]
                # On ties keep the current value: a move must earn its place.
                combo = max(trials, key=lambda c: (round(self.accuracy(c, idx), 6), c == combo))
        return combo


def report(engine: Any, name: str, items: list[dict[str, Any]]) -> Report:
    r = Report([judge(item, ask(engine, item)) for item in items])
    print("  " + r.line(name))
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--write", action="store_true", help="store the fitted values in bot/data/params.json")
    ap.add_argument("--mixed", action="store_true", help="also fit on the seed beside unrelated documents (bench/mixed.py)")
    args = ap.parse_args()
    import bot

    engine = bot.load(corpus=ROOT / "corpus", index=ROOT / "index")
    engines = [engine]
    hand_set = HAND_SET
    if args.mixed:
        from bench.mixed import WORK, make_corpus

        corpus = WORK / "mixed-corpus"
        if not (corpus / "medquad-sample.jsonl").exists():
            make_corpus(1200, corpus)
        engines.append(bot.load(corpus=corpus, index=WORK / "mixed-index", progress=True))
        hand_set = HAND_SET - MULTI_DOC
    items = training_items()
    print(f"training questions: {len(items)}; held out: {len(holdout_items())}")

    # ---- k-fold: both stages refitted on k-1 folds, judged on the fold left out
    ids = sorted({i["id"] for i in items})
    random.Random(7).shuffle(ids)
    fold_of = {item_id: n % args.folds for n, item_id in enumerate(ids)}
    examples = {f"{n}:{k}": ex for n, e in enumerate(engines) for k, ex in collect(e, items).items()}
    start = tuple(getattr(engine.params, name) for name in GRID)
    train_acc, val_acc, train_top, val_top = [], [], [], []
    for k in range(args.folds):
        tr = [ex for i, ex in examples.items() if fold_of[i.split(":", 1)[1]] != k]
        va = [ex for i, ex in examples.items() if fold_of[i.split(":", 1)[1]] == k]
        weights = fit_weights(tr, engine.params, hand_set)
        train_top.append(top1(tr, weights))
        val_top.append(top1(va, weights))
        grid = Grid(engines, items, weights)
        tr_idx = [n for n, it in enumerate(items) if fold_of[it["id"]] != k]
        va_idx = [n for n, it in enumerate(items) if fold_of[it["id"]] == k]
        combo = grid.search(tr_idx, start)
        train_acc.append(grid.accuracy(combo, tr_idx))
        val_acc.append(grid.accuracy(combo, va_idx))
        print(f"fold {k}: gold sentence ranked first train {train_top[-1]:.3f} val {val_top[-1]:.3f}; "
              f"accuracy train {train_acc[-1]:.3f} val {val_acc[-1]:.3f}; thresholds {combo}")
    mt, mv = float(np.mean(train_acc)), float(np.mean(val_acc))
    print(f"k-fold mean: ranking train {np.mean(train_top):.3f} val {np.mean(val_top):.3f}; "
          f"accuracy train {mt:.3f} val {mv:.3f}; gap {mt - mv:+.3f}"
          + ("  (over-fitting)" if mt - mv > 0.05 else ""))

    # ---- the final fit on all training questions
    weights = fit_weights(list(examples.values()), engine.params, hand_set)
    combo = Grid(engines, items, weights).search(list(range(len(items))), start)
    thresholds = dict(zip(GRID, combo, strict=True))
    print("fitted:", json.dumps({k: round(v, 4) for k, v in (weights | thresholds).items()}))
    held = Report([])
    for n, e in enumerate(engines):
        fitted = with_params(e, weights | thresholds)
        where = "seed alone" if n == 0 else "with unrelated documents beside the seed"
        print(f"end to end with the fitted values, {where}:")
        report(fitted, "training (in sample)", items)
        r = report(fitted, "held out (never fitted)", holdout_items())
        held = r if n == 0 else held
        for name in ("seed-dev", "seed-dev2", "seed-overview-dev"):
            path = SHARED / f"{name}.jsonl"
            if path.exists():
                report(fitted, f"{name} (outer check)", load_items([path]))
    if args.write:
        write(weights | thresholds, len(items), mt, mv, held, mixed=args.mixed)
    return 0


def write(values: dict[str, float], n: int, train: float, val: float, held: Report, mixed: bool = False) -> None:
    path = ROOT / "bot" / "data" / "params.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    prec, rec = held.abstention()
    note = (
        f"fitted by scripts/fit_params.py on {n} training questions (tests/data/train-*, answerable, "
        "unanswerable)" + (", each asked on the seed alone and beside bench/mixed.py's 1,200 MedQuAD documents"
        if mixed else "") + f"; k-fold accuracy train {train:.3f} / validation {val:.3f}; held-out accuracy "
        f"{held.accuracy:.3f}, abstention precision {prec:.3f} recall {rec:.3f}"
    )
    for key, value in values.items():
        data["values"][key] = round(float(value), 4)
        how = "logistic regression weight, mapped to the score scale" if key not in GRID else "grid search"
        data["record"][key] = f"{how}; {note}"
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
