"""One encoding pass: how to get chunk and sentence vectors without encoding every token twice.

    .venv/bin/python bench/one_pass.py --limit-docs 2000            # gold docs + 2,000 others
    .venv/bin/python bench/one_pass.py --limit-docs 2000 --token-states

Starts from an index built with ``separate`` vectors (chunks and sentences each encoded: today's
baseline) and derives the other methods' vectors from it, so every method is compared on the same
chunks and the same questions (MedQuAD dev, document level, dense and hybrid):

* ``separate``        chunk texts encoded (the baseline)
* ``pooled_t{w}``     chunk vector = token-weighted sum of its sentence vectors + w x its title's vector
* ``pooled_mean``     plain mean of its sentence vectors, no title
* ``sentences``       no chunk vectors: sentences are searched, a chunk scores its best sentence
* ``token_states``    (--token-states) sentence vectors pooled from the chunk's own forward pass; the
                      chunk vectors stay; reports how close those sentence vectors are to the encoded ones

Encoding times are measured on the slice for the texts each method encodes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.retrieval import MEDQUAD, WORK, dev_questions, evaluate, gold_ids, make_slice  # noqa: E402


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def flat(vecs: np.ndarray) -> Any:
    import faiss

    index = faiss.IndexFlatIP(vecs.shape[1])
    index.add(np.ascontiguousarray(vecs, dtype=np.float32))
    return index


class SentenceSearch:
    """A retriever whose dense list comes from sentence vectors: a chunk scores its best sentence."""

    def __new__(cls, engine: Any) -> Any:
        from bot.retrieval import HybridRetriever

        class _Retriever(HybridRetriever):
            def __init__(self) -> None:
                base = engine.retriever
                super().__init__(base.data, base.embedder, base.depth, base.fusion, base.alpha)
                data = self.data
                self.sent_index = flat(np.asarray(data.sentence_vectors, dtype=np.float32))
                # A sentence's chunks: overlap puts some in two; each chunk is listed under all of its rows.
                self.chunks_of: dict[int, list[int]] = {}
                for c in range(len(data.chunks)):
                    for r in data.chunk_sentence_rows(c):
                        self.chunks_of.setdefault(r, []).append(c)

            def dense_scores(self, qvec: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
                scores, rows = self.sent_index.search(qvec.reshape(1, -1), depth * 4)
                best: dict[int, float] = {}
                for r, s in zip(rows[0], scores[0], strict=True):
                    for c in self.chunks_of.get(int(r), []):
                        best.setdefault(c, float(s))
                top = sorted(best.items(), key=lambda kv: -kv[1])[:depth]
                return np.asarray([c for c, _ in top], np.int64), np.asarray([s for _, s in top], np.float32)

            def chunk_cosines(self, rows: np.ndarray, qvec: np.ndarray) -> np.ndarray:
                sv = self.data.sentence_vectors
                return np.asarray(
                    [float(np.max(np.asarray(sv[self.data.chunk_sentence_rows(int(c))]) @ qvec)) for c in rows]
                )

        return _Retriever()


def with_dense(engine: Any, vecs: np.ndarray) -> Any:
    from bot.retrieval import HybridRetriever

    data = engine.data
    saved = data.dense
    data.dense = flat(vecs)
    r = HybridRetriever(data, engine.retriever.embedder, engine.retriever.depth, engine.retriever.fusion,
                        engine.retriever.alpha)
    return r, saved


def quality(engine: Any, dev: list[dict[str, Any]], retriever: Any = None) -> dict[str, Any]:
    res = evaluate(engine, dev, None, retriever=retriever)["medquad_dev"]
    return {m: res[m] for m in ("dense", "hybrid")}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--limit-docs", type=int, default=2000)
    p.add_argument("--token-states", action="store_true")
    p.add_argument("--timing", action="store_true", help="also time each method's encoding on a quarter sample")
    p.add_argument("--out", type=Path, default=WORK / "one-pass-study.json")
    args = p.parse_args(argv)

    import bot
    from bot.index_store.vectors import pool_chunks, token_weights
    from bot.settings import Settings

    dev = dev_questions()
    live = [json.loads(x) for x in (MEDQUAD.parent.parent / "liveqa" / "questions.jsonl").read_text().splitlines()
            if x.strip()]
    corpus, n = make_slice(MEDQUAD, gold_ids(dev, live), args.limit_docs,
                           WORK / "slices" / f"medquad-plus{args.limit_docs}.jsonl")
    index = WORK / "slices" / f"medquad-plus{args.limit_docs}-separate-index"
    log(f"slice: {n} documents; index {index}")
    t0 = time.perf_counter()
    engine = bot.load(corpus=corpus, index=index, settings=Settings(vector_method="separate"), progress=True)
    report = engine.build_report
    out: dict[str, Any] = {
        "documents": len(engine.data.documents), "chunks": len(engine.data.chunks),
        "sentences": len(engine.data.sentences),
        "separate_build_s": round(report.seconds, 1) if report and report.rebuilt else None,
        "load_s": round(time.perf_counter() - t0, 1),
    }
    data = engine.data
    docs = data.documents
    chunk_texts = [f"{docs[int(d)].title}: {docs[int(d)].text[int(s):int(e)]}" if docs[int(d)].title
                   else docs[int(d)].text[int(s):int(e)]
                   for d, s, e in zip(data.chunk_doc, data.chunk_start, data.chunk_end, strict=True)]
    sent_texts = [data.sentence_text(r) for r in range(len(data.sentences))]
    titles = [d.title for d in docs]
    emb: Any = engine.embedder.inner  # the ONNX embedder (encode_spans)

    # Encoding time of each method's texts (the build's dominant cost), on a sample.
    rng = np.random.default_rng(0)
    frac = 0.25
    cs = [chunk_texts[i] for i in rng.choice(len(chunk_texts), int(len(chunk_texts) * frac), replace=False)]
    ss = [sent_texts[i] for i in rng.choice(len(sent_texts), int(len(sent_texts) * frac), replace=False)]
    emb.encode(ss[:64])
    timing = {}
    for name, texts in (("chunks", cs), ("sentences", ss), ("titles", titles)) if args.timing else ():
        t = time.perf_counter()
        emb.encode(texts)
        dt = time.perf_counter() - t
        timing[name] = round(dt / (frac if name != "titles" else 1.0), 1)
        log(f"encode {name}: {timing[name]} s for the whole slice")
    out["encode_s_whole_slice"] = timing

    title_vecs = emb.encode(titles)
    sent_vecs = np.asarray(data.sentence_vectors, dtype=np.float32)
    spans = np.stack([data.chunk_first_sentence, data.chunk_end_sentence], axis=1).astype(np.int64)
    chunk_docs = np.asarray(data.chunk_doc, dtype=np.int64)
    sw = token_weights(sent_texts)
    tw = token_weights(titles)
    orig = data.dense.reconstruct_n(0, data.dense.ntotal)

    results: dict[str, Any] = {"separate": quality(engine, dev)}
    log(f"separate: {results['separate']}")
    variants: dict[str, np.ndarray] = {
        "pooled_mean": pool_chunks(sent_vecs, np.ones(len(sent_vecs), np.float32), spans),
    }
    for w in (0.0, 1.0, 2.0, 4.0):
        variants[f"pooled_t{w:g}"] = pool_chunks(sent_vecs, sw, spans, title_vecs[chunk_docs], (tw * w)[chunk_docs])
    for name, vecs in variants.items():
        r, saved = with_dense(engine, vecs)
        results[name] = quality(engine, dev, r)
        results[name]["cosine_to_separate"] = round(float(np.mean(np.sum(vecs * orig, axis=1))), 4)
        data.dense = saved
        log(f"{name}: {results[name]}")
    results["sentences"] = quality(engine, dev, SentenceSearch(engine))
    log(f"sentences: {results['sentences']}")

    if args.token_states:
        t = time.perf_counter()
        starts = np.asarray(data.chunk_start)
        span_lists = []
        for c in range(len(chunk_texts)):
            shift = len(titles[int(chunk_docs[c])]) + 2 if titles[int(chunk_docs[c])] else 0
            rows = data.chunk_sentence_rows(c)
            span_lists.append([(int(data.sentence_start[r]) - int(starts[c]) + shift,
                                int(data.sentence_end[r]) - int(starts[c]) + shift) for r in rows])
        cvecs, parts = emb.encode_spans(chunk_texts, span_lists)
        ts = np.zeros_like(sent_vecs)
        done = np.zeros(len(sent_vecs), bool)
        for c in range(len(chunk_texts)):
            for k, r in enumerate(data.chunk_sentence_rows(c)):
                if not done[r] and parts[c][k].any():
                    ts[r], done[r] = parts[c][k], True
        missing = np.flatnonzero(~done)
        if len(missing):
            ts[missing] = emb.encode([sent_texts[i] for i in missing])
        dt = time.perf_counter() - t
        results["token_states"] = {
            "encode_s": round(dt, 1),
            "sentences_cut_off_and_encoded_alone": int(len(missing)),
            "chunk_cosine_to_separate": round(float(np.mean(np.sum(cvecs * orig, axis=1))), 4),
            "sentence_cosine_to_encoded": round(float(np.mean(np.sum(ts * sent_vecs, axis=1))), 4),
        }
        np.save(WORK / "slices" / "token-state-sentence-vectors.npy", ts)
        log(f"token_states: {results['token_states']}")
    out["methods"] = results
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
