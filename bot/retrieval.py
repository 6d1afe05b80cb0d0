"""Hybrid retrieval: dense (FAISS) and keyword (BM25) rankings fused by reciprocal rank."""

from __future__ import annotations

import numpy as np

from bot.embedding import Embedder
from bot.index_store import IndexData, bm25_tokens
from bot.models import Hit

RRF_K = 60


class HybridRetriever:
    def __init__(self, data: IndexData, embedder: Embedder, depth: int = 50) -> None:
        if depth < 1:
            raise ValueError(f"depth must be positive, got {depth!r}")
        self.data = data
        self.embedder = embedder
        self.depth = depth
        self._vocab = set(data.bm25.vocab_dict) if getattr(data.bm25, "vocab_dict", None) else set()

    def dense_scores(self, qvec: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
        n = self.data.dense.ntotal
        scores, rows = self.data.dense.search(qvec.reshape(1, -1), min(depth, n))
        keep = rows[0] >= 0
        return rows[0][keep], scores[0][keep]

    def bm25_scores(self, text: str, depth: int) -> tuple[np.ndarray, np.ndarray]:
        tokens = [t for t in bm25_tokens([text])[0] if t in self._vocab]
        if not tokens:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores = self.data.bm25.get_scores(tokens)
        depth = min(depth, len(scores))
        top = np.argpartition(-scores, depth - 1)[:depth]
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return top, scores[top]

    def search(
        self, text: str, k: int = 5, qvec: np.ndarray | None = None, mode: str = "hybrid"
    ) -> list[Hit]:
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k!r}")
        if mode not in ("hybrid", "dense", "bm25"):
            raise ValueError(f"mode must be hybrid, dense or bm25, got {mode!r}")
        if not text.strip() or self.data.dense.ntotal == 0:
            return []
        depth = max(self.depth, k)
        fused: dict[int, float] = {}
        dense_of: dict[int, float] = {}
        bm25_of: dict[int, float] = {}
        if mode in ("hybrid", "dense"):
            if qvec is None:
                qvec = self.embedder.encode([text])[0]
            rows, scores = self.dense_scores(qvec, depth)
            for rank, (r, s) in enumerate(zip(rows, scores, strict=True)):
                fused[int(r)] = fused.get(int(r), 0.0) + 1.0 / (RRF_K + rank + 1)
                dense_of[int(r)] = float(s)
        if mode in ("hybrid", "bm25"):
            rows, scores = self.bm25_scores(text, depth)
            for rank, (r, s) in enumerate(zip(rows, scores, strict=True)):
                fused[int(r)] = fused.get(int(r), 0.0) + 1.0 / (RRF_K + rank + 1)
                bm25_of[int(r)] = float(s)
        best = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        top = 2.0 / (RRF_K + 1) if mode == "hybrid" else 1.0 / (RRF_K + 1)
        return [self._hit(r, s / top, dense_of.get(r), bm25_of.get(r)) for r, s in best]

    def _hit(self, row: int, score: float, dense: float | None, bm25: float | None) -> Hit:
        d_i, _, start, end = (int(x) for x in self.data.chunks[row, :4])
        doc = self.data.documents[d_i]
        meta = dict(doc.metadata)
        meta.update({"row": row, "dense_score": dense, "bm25_score": bm25})
        return Hit(
            doc_id=doc.id,
            chunk_id=self.data.chunk_id(row),
            text=doc.text[start:end],
            start=start,
            end=end,
            score=round(float(score), 6),
            title=doc.title,
            date=doc.date,
            url=doc.url,
            metadata=meta,
        )
