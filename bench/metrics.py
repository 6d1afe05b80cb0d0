"""Ranking metrics and small statistics used by the benchmarks. Pure functions, no heavy imports.

A ranking is a list of document ids, best first. Chunk-level hits are turned into a document ranking
with :func:`dedupe` (first occurrence keeps its rank).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence


def dedupe(ids: Iterable[str]) -> list[str]:
    """Document ids in first-seen order (a document's best chunk gives it its rank)."""
    seen: set[str] = set()
    out: list[str] = []
    for d in ids:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def recall_at(ranking: Sequence[str], gold: Iterable[str], k: int) -> float:
    """1.0 if any gold document is in the top ``k``, else 0.0.

    MedQuAD dev's ``gold_ids`` are interchangeable answers (the same question asked in several
    sources), so finding one of them is a success (Recall@k in the answer-retrieval sense).
    """
    gold = set(gold)
    return 1.0 if any(d in gold for d in ranking[:k]) else 0.0


def hit_at(ranking: Sequence[str], gold: Iterable[str], k: int) -> float:
    """Precision-at-1 style hit: same as :func:`recall_at` (kept as a separate name for P@1)."""
    return recall_at(ranking, gold, k)


def mrr_at(ranking: Sequence[str], gold: Iterable[str], k: int = 10) -> float:
    """Reciprocal rank of the first gold document within the top ``k``, else 0."""
    gold = set(gold)
    for i, d in enumerate(ranking[:k], 1):
        if d in gold:
            return 1.0 / i
    return 0.0


def ndcg_at(ranking: Sequence[str], grades: Mapping[str, float], k: int = 10) -> float:
    """nDCG@k with graded gains (gain = grade, unjudged = 0), ideal ranking from all graded documents."""
    dcg = sum(grades.get(d, 0.0) / math.log2(i + 1) for i, d in enumerate(ranking[:k], 1))
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 1) for i, g in enumerate(ideal, 1))
    return dcg / idcg if idcg else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100), like numpy's default."""
    if not values:
        return float("nan")
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def mean(values: Iterable[float]) -> float:
    vals = list(values)
    return sum(vals) / len(vals) if vals else float("nan")
