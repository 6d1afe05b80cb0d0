"""Hybrid retrieval: dense (FAISS) and keyword (BM25) rankings fused (convex mix of true scores, or RRF)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from bot.embedding import Embedder
from bot.index_store import IndexData
from bot.last import Last
from bot.models import Hit

RRF_K = 60
# Each rank's share of a fused score, 0.0 + 1 / (RRF_K + rank + 1), made once, not per question.
_RRF: list[float] = []


def _shares(n: int) -> list[float]:
    """At least the first ``n`` ranks' shares. A deeper list gets a new, longer table, never a table
    grown in place under another thread's feet."""
    global _RRF
    table = _RRF
    if len(table) < n:
        table = [0.0 + 1.0 / (RRF_K + rank + 1) for rank in range(max(n, 2 * len(table), 100))]
        _RRF = table
    return table


class Candidate(NamedTuple):
    """A ranked chunk inside the engine: its table row and scores. ``Hit`` is built only at the public API.

    A named tuple, not a frozen dataclass: one is made per candidate of every question, and a frozen
    dataclass sets each field through ``object.__setattr__`` (~5x the cost)."""

    row: int
    score: float
    dense: float | None = None
    bm25: float | None = None


class HybridRetriever:
    """Dense and BM25 rankings over chunks, fused.

    ``fusion="rrf"``: reciprocal rank fusion (k=60). ``fusion="convex"``: ``alpha`` x cosine plus
    ``1 - alpha`` x BM25, each min-max scaled over the candidates of both lists, with every candidate's
    true score in both (a chunk only one list found is not given the other's minimum).
    """

    def __init__(
        self, data: IndexData, embedder: Embedder, depth: int = 50, fusion: str = "convex", alpha: float = 0.8
    ) -> None:
        if depth < 1:
            raise ValueError(f"depth must be positive, got {depth!r}")
        if fusion not in ("rrf", "convex"):
            raise ValueError(f"fusion must be rrf or convex, got {fusion!r}")
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
        self.data = data
        self.embedder = embedder
        self.depth = depth
        self.fusion = fusion
        self.alpha = alpha
        self._vocab = set(data.bm25.vocab_dict) if getattr(data.bm25, "vocab_dict", None) else set()
        # The last scan, by query vector and depth: an answer ranks its candidates and, in a corpus of many
        # documents, search's own order of the same query (bot/decision.py's topic check); one scan serves both.
        self._last_dense: tuple[bytes, int, tuple[np.ndarray, np.ndarray]] | None = None
        self._last_bm25: tuple[str, np.ndarray | None] | None = None
        self._last_top: Last[tuple[np.ndarray, np.ndarray]] = Last()  # see ``bm25_scores``

    def forget(self) -> None:
        """Drop the last scans (the last question's text and vector)."""
        self._last_bm25 = self._last_dense = None
        self._last_top.forget()

    def bm25_all(self, text: str) -> np.ndarray | None:
        """The BM25 score of every chunk (None when no query word is in the index); read-only.

        The last text's are kept: an answer scores its keywords before the wait for its vector
        (bot/answerer.py), then ranks with them."""
        last = self._last_bm25  # read once: another thread may replace it
        if last is not None and last[0] == text:
            return last[1]
        tokens = [t for t in self.data.query_tokens(text) if t in self._vocab]
        scores = self.data.bm25.get_scores(tokens) if tokens else None
        if scores is not None:
            scores.flags.writeable = False  # shared by the calls that find it kept
        self._last_bm25 = (text, scores)
        return scores

    def dense_scores(self, qvec: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
        import faiss

        n = self.data.dense.ntotal
        # One query over a flat index is a memory-bound scan: a second OpenMP thread only adds
        # spin-waiting, which costs 10x under load (2.6 ms vs 24 ms at 41k vectors with the CPU busy).
        # The setting is per calling thread, so it is made here, in the thread that searches.
        key = np.ascontiguousarray(qvec, dtype=np.float32).tobytes()
        last = self._last_dense  # read once: another thread may replace it
        if last is not None and last[0] == key and last[1] == depth:
            return last[2]
        faiss.omp_set_num_threads(1)
        scores, rows = self.data.dense.search(qvec.reshape(1, -1), min(depth, n))
        keep = rows[0] >= 0
        found = rows[0][keep], scores[0][keep]
        self._last_dense = (key, depth, found)
        return found

    def bm25_scores(self, text: str, depth: int) -> tuple[np.ndarray, np.ndarray]:
        """The keyword list: the first ``depth`` chunks with a score, best first, and their scores (read-only).
        The last text's are kept: an answer reads them before the wait for its vector, then ranks with them."""
        return self._last_top.get((text, depth), lambda: self._top(self.bm25_all(text), depth))

    @staticmethod
    def _top(scores: np.ndarray | None, depth: int) -> tuple[np.ndarray, np.ndarray]:
        if scores is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        depth = min(depth, len(scores))
        top = np.argpartition(-scores, depth - 1)[:depth]
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        found = top, scores[top]
        for a in found:
            a.flags.writeable = False  # shared by the calls that find them kept
        return found

    def search(
        self, text: str, k: int = 5, qvec: np.ndarray | None = None, mode: str = "hybrid", fusion: str | None = None
    ) -> list[Hit]:
        """The top ``k`` chunks as public ``Hit`` records (see ``rank``)."""
        return [self.hit(c) for c in self.rank(text, k, qvec, mode, fusion)]

    def rank(
        self, text: str, k: int = 5, qvec: np.ndarray | None = None, mode: str = "hybrid", fusion: str | None = None,
        keep_top: int = 0, keep_within: int | None = None,
    ) -> list[Candidate]:
        """The top ``k`` chunks; ``fusion`` overrides the retriever's own (rrf or convex) for this call.

        ``keep_top``: the keyword list's first ``keep_top`` chunks are among the first ``keep_within``
        (default ``k``) of an rrf ranking. Rank fusion rewards a chunk both lists found over one that a
        list ranks first: in a large corpus, the only chunk naming a rare drug (which the embedding model
        barely knows) can fall below chunks both lists found halfway down. The dense list's first is not
        kept: at MedQuAD scale it brought in a namesake page more often than the answer (measured).
        """
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k!r}")
        if mode not in ("hybrid", "dense", "bm25"):
            raise ValueError(f"mode must be hybrid, dense or bm25, got {mode!r}")
        fusion = fusion or self.fusion
        if fusion not in ("rrf", "convex"):
            raise ValueError(f"fusion must be rrf or convex, got {fusion!r}")
        if not text.strip() or self.data.dense.ntotal == 0:
            return []
        depth = max(self.depth, k)
        fused: dict[int, float] = {}
        dense_of: dict[int, float] = {}
        bm25_of: dict[int, float] = {}
        all_bm25 = self.bm25_all(text) if mode in ("hybrid", "bm25") else None
        if mode in ("hybrid", "dense"):
            if qvec is None:
                qvec = self.embedder.encode([text])[0]
            rows, scores = self.dense_scores(qvec, depth)
            # Python ints and floats in one call each (the same values as int(r), float(s) one by one).
            dense_of = dict(zip(rows.tolist(), scores.tolist(), strict=True))
            # The first list's shares, 0.0 + 1/(k + rank) as before: the same floats, made in one pass.
            fused = dict(zip(dense_of, _shares(len(dense_of)), strict=False))
        if mode in ("hybrid", "bm25"):
            rows, scores = self.bm25_scores(text, depth)
            bm25_of = dict(zip(rows.tolist(), scores.tolist(), strict=True))
            get = fused.get
            for r, share in zip(bm25_of, _shares(len(bm25_of)), strict=False):
                fused[r] = get(r, 0.0) + share
        top = 2.0 / (RRF_K + 1) if mode == "hybrid" else 1.0 / (RRF_K + 1)
        if mode == "hybrid" and fusion == "convex" and fused and qvec is not None:
            return self._convex(sorted(fused), qvec, all_bm25, k)
        order = sorted(fused, key=lambda r: (-fused[r], r))
        if keep_top and mode == "hybrid":
            order = _keep_firsts(order, list(bm25_of)[:keep_top], min(keep_within or k, k))
        return [Candidate(r, round(fused[r] / top, 6), dense_of.get(r), bm25_of.get(r)) for r in order[:k]]

    def rank_within(
        self, text: str, rows: np.ndarray, qvec: np.ndarray, k: int, keep_top: int = 0, keep_within: int | None = None
    ) -> list[Candidate]:
        """The top ``k`` of the chunks ``rows`` by rank fusion of their own two lists, as ``rank`` orders a
        corpus holding only them: one document's passages ranked among themselves, not below other
        documents' (the keyword scores keep the whole corpus's word weights)."""
        if k < 1 or not len(rows) or not text.strip():
            return []
        rows = np.asarray(rows, dtype=np.int64)
        dense = self.chunk_cosines(rows, qvec)
        by_dense = np.argsort(-dense, kind="stable")
        dense_of = {int(rows[i]): float(dense[i]) for i in by_dense[: self.depth]}
        fused = dict(zip(dense_of, _shares(len(dense_of)), strict=False))
        all_bm25 = self.bm25_all(text)
        bm25_of: dict[int, float] = {}
        if all_bm25 is not None:
            scores = all_bm25[rows]
            by_bm25 = [i for i in np.argsort(-scores, kind="stable")[: self.depth] if scores[i] > 0]
            bm25_of = {int(rows[i]): float(scores[i]) for i in by_bm25}
            for r, share in zip(bm25_of, _shares(len(bm25_of)), strict=False):
                fused[r] = fused.get(r, 0.0) + share
        top = 2.0 / (RRF_K + 1)
        order = sorted(fused, key=lambda r: (-fused[r], r))
        if keep_top:
            order = _keep_firsts(order, list(bm25_of)[:keep_top], min(keep_within or k, k))
        return [Candidate(r, round(fused[r] / top, 6), dense_of.get(r), bm25_of.get(r)) for r in order[:k]]

    def document_chunks(self, doc: int) -> np.ndarray:
        """The chunk rows of document ``doc`` (chunks follow the documents in order)."""
        col = self.data.chunk_doc
        lo, hi = int(np.searchsorted(col, doc, side="left")), int(np.searchsorted(col, doc, side="right"))
        return np.arange(lo, hi, dtype=np.int64)

    def chunk_cosines(self, rows: np.ndarray, qvec: np.ndarray) -> np.ndarray:
        """Each chunk's true cosine with the query (for candidates only the keyword list found)."""
        return self.data.dense.reconstruct_batch(rows) @ qvec

    def _convex(self, union: list[int], qvec: np.ndarray, all_bm25: np.ndarray | None, k: int) -> list[Candidate]:
        rows = np.asarray(union, dtype=np.int64)
        dense = self.chunk_cosines(rows, qvec)
        bm25 = all_bm25[rows] if all_bm25 is not None else np.zeros(len(rows), dtype=np.float32)
        score = self.alpha * _minmax(dense) + (1.0 - self.alpha) * _minmax(bm25)
        order = np.lexsort((rows, -score))[:k]
        return [
            Candidate(
                int(rows[i]), round(float(score[i]), 6), float(dense[i]),
                float(bm25[i]) if all_bm25 is not None else None,
            )
            for i in order
        ]

    def hit(self, c: Candidate) -> Hit:
        row, score, dense, bm25 = c.row, c.score, c.dense, c.bm25
        d_i, start, end = self.data.chunk_span(row)
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


def _keep_firsts(order: list[int], keep: list[int], within: int) -> list[int]:
    """``order`` with every row of ``keep`` among its first ``within``: a missing one takes the place
    of the lowest fused row there that is not to be kept."""
    head = order[:within]
    missing = [r for r in keep if r not in head]
    if not missing:
        return order
    room = [r for r in head if r not in keep]
    drop = set(room[len(room) - len(missing):]) if len(missing) <= len(room) else set(room)
    head = [r for r in head if r not in drop] + missing[: len(drop)]
    return head + [r for r in order if r not in head]


def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.ones_like(x, dtype=np.float64)
