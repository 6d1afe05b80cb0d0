"""Embedding backend (torch vs ONNX Runtime fp32/int8) and dense index structure (FAISS flat vs HNSW).

    .venv/bin/python bench/encode_full.py torch   # every MedQuAD chunk with torch (for the recall column)
    .venv/bin/python bench/backends.py onnx   # throughput on sampled chunk texts, MedQuAD dev R@5
    .venv/bin/python bench/backends.py hnsw   # HNSW recall vs flat top-10 and latency

Both read the full MedQuAD index (bench/work/medquad-index) and write bench/work/<study>-study.json,
which bench/run.py folds into bench/results/results.json.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.metrics import percentile  # noqa: E402
from bench.retrieval import FULL_INDEX, MEDQUAD, WORK, dev_questions, evaluate  # noqa: E402


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


CORPUS, INDEX = MEDQUAD, FULL_INDEX


def load_engine() -> Any:
    import bot

    return bot.load(corpus=CORPUS, index=INDEX, rebuild=False)


def _rate(encode: Any, texts: list[str], reps: int) -> tuple[float, np.ndarray]:
    encode(texts[:32])  # warm
    times, vecs = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        vecs = encode(texts)
        times.append(time.perf_counter() - t0)
    return len(texts) / statistics.median(times), np.asarray(vecs)


def corpus_chunk_texts(corpus: Path = MEDQUAD) -> list[str]:
    """The chunk texts a build of ``corpus`` embeds, in index row order (no index needed)."""
    from bot.chunking import Chunker, split_sentences
    from bot.corpus import load_corpus
    from bot.index_store import chunk_index_text
    from bot.settings import Settings

    s = Settings()
    chunker = Chunker(s.max_chunk_tokens, s.chunk_overlap_sentences)
    docs, _ = load_corpus(corpus)
    return [chunk_index_text(d, ch.text) for d in docs for ch in chunker.chunk(d, split_sentences(d.text))]


def full_vectors(backend: str, n: int) -> np.ndarray | None:
    """All MedQuAD chunk vectors of one backend, from bench/encode_full.py (None if not encoded)."""
    path = WORK / "encode" / f"medquad-{backend}.npy"
    if not path.exists():
        return None
    vecs = np.load(path)
    return vecs if len(vecs) == n else None


def onnx_study(sample: int, reps: int, full_recall: bool) -> dict[str, Any]:
    """Throughput of torch, ONNX fp32 and ONNX int8 on the same sampled texts (interleaved), their
    vectors' cosine to torch, and MedQuAD dev recall over the full corpus with each backend's vectors."""
    from bench.run import chunk_texts
    from bot.embedding import Embedder, SentenceTransformerEmbedder
    from bot.embedding_onnx import OnnxEmbedder
    from bot.retrieval import HybridRetriever
    from bot.settings import Settings

    engine = load_engine()
    chunks, sents = chunk_texts(engine.data)
    rng = random.Random(0)
    pick = rng.sample(chunks, min(sample, len(chunks)))
    pick_s = rng.sample(sents, min(sample * 4, len(sents)))
    cache = Settings().model_cache
    backends: dict[str, Embedder] = {
        "torch": SentenceTransformerEmbedder(),
        "onnx_fp32": OnnxEmbedder(cache, quantize=False),
        "onnx_int8": OnnxEmbedder(cache, quantize=True),
    }
    out: dict[str, Any] = {"sample_chunks": len(pick), "sample_sentences": len(pick_s), "reps": reps,
                           "index_backend": engine.manifest["model"].get("variant", "torch")}
    # Interleave backends so a change in machine load hits all of them alike.
    rates: dict[str, list[float]] = {k: [] for k in backends}
    srates: dict[str, list[float]] = {k: [] for k in backends}
    vecs: dict[str, np.ndarray] = {}
    for _ in range(reps):
        for name, emb in backends.items():
            log(f"throughput {name}")
            r, v = _rate(emb.encode, pick, 1)
            rates[name].append(r)
            vecs[name] = v
            srates[name].append(_rate(emb.encode, pick_s, 1)[0])
    base = vecs["torch"]
    for name in rates:
        cos = (vecs[name] * base).sum(axis=1)
        out[name] = {
            "chunks_per_s": round(max(rates[name]), 1),
            "sentences_per_s": round(max(srates[name]), 1),
            "speedup_chunks": round(max(rates[name]) / max(rates["torch"]), 2),
            "speedup_sentences": round(max(srates[name]) / max(srates["torch"]), 2),
            "cosine_to_torch_mean": round(float(cos.mean()), 5),
            "cosine_to_torch_min": round(float(cos.min()), 5),
        }
    if full_recall:
        import faiss

        dev = dev_questions()
        for name, key in (("torch", "torch"), ("onnx_int8", "onnx-int8")):
            full = full_vectors(key, len(chunks))
            if full is None and key == out["index_backend"]:
                full = engine.data.dense.reconstruct_n(0, engine.data.dense.ntotal)
            if full is None:
                out[name]["medquad_dev"] = f"not measured: run bench/encode_full.py {key}"
                continue
            log(f"{name}: MedQuAD dev recall over {len(full)} chunk vectors")
            data = copy.copy(engine.data)
            data.dense = faiss.IndexFlatIP(full.shape[1])
            data.dense.add(np.ascontiguousarray(full, dtype=np.float32))
            retr = HybridRetriever(data, backends[name], fusion=engine.settings.fusion,
                                   alpha=engine.settings.fusion_alpha)
            out[name]["medquad_dev"] = evaluate(engine, dev, retriever=retr)["medquad_dev"]
        # fp32 vectors equal torch's to ~1e-6 (see cosine), so its rankings are torch's.
        out["onnx_fp32"]["medquad_dev"] = "same as torch (vectors identical to float precision)"
    out["summary_md"] = onnx_md(out)
    return out


def onnx_md(o: dict[str, Any]) -> str:
    rows = ["| backend | chunks/s | sentences/s | speed-up (chunks) | cosine to torch (min) | dev R@5 dense | "
            "dev R@5 hybrid |", "|---|---|---|---|---|---|---|"]
    for name in ("torch", "onnx_fp32", "onnx_int8"):
        x = o[name]
        md = x.get("medquad_dev")
        r_d = f"{md['dense']['recall@5']:.3f}" if isinstance(md, dict) else "= torch"
        r_h = f"{md['hybrid']['recall@5']:.3f}" if isinstance(md, dict) else "= torch"
        rows.append(f"| {name} | {x['chunks_per_s']} | {x['sentences_per_s']} | {x['speedup_chunks']}x | "
                    f"{x['cosine_to_torch_min']} | {r_d} | {r_h} |")
    return "\n".join(rows)


def scaled(base: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """``n`` vectors like ``base``: real rows, then resampled rows plus noise, renormalised (synthetic)."""
    if n <= len(base):
        return np.ascontiguousarray(base[:n])
    rng = np.random.default_rng(seed)
    extra = base[rng.integers(0, len(base), n - len(base))] + rng.normal(0, 0.04, (n - len(base), base.shape[1]))
    extra /= np.linalg.norm(extra, axis=1, keepdims=True)
    return np.ascontiguousarray(np.vstack([base, extra.astype(np.float32)]))


def hnsw_study(queries: int, efs: list[int], sizes: list[int]) -> dict[str, Any]:
    import faiss

    engine = load_engine()
    dev = dev_questions()[:queries]
    qv = engine.embedder.encode([q["question"] for q in dev])
    real = np.vstack([engine.data.dense.reconstruct_n(0, engine.data.dense.ntotal),
                      np.asarray(engine.data.sentence_vectors, dtype=np.float32)])
    sets = {f"n{n}": scaled(real, n) for n in sizes}
    out_real = len(real)
    out: dict[str, Any] = {"queries": len(dev), "k": 10, "M": 32, "sets": {}, "real_vectors": out_real,
                           "note": "vectors beyond the real ones are resampled real vectors plus noise (synthetic)"}
    for set_name, vecs in sets.items():
        log(f"hnsw: {set_name} {len(vecs)} vectors")
        flat = faiss.IndexFlatIP(vecs.shape[1])
        flat.add(vecs)

        def lat(index: Any) -> tuple[list[float], np.ndarray]:
            index.search(qv[:5], 10)
            ts, ids = [], []
            for v in qv:
                t0 = time.perf_counter()
                _, i = index.search(v.reshape(1, -1), 10)
                ts.append((time.perf_counter() - t0) * 1000)
                ids.append(i[0])
            return ts, np.array(ids)

        ft, fids = lat(flat)
        t0 = time.perf_counter()
        hnsw = faiss.IndexHNSWFlat(vecs.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.add(vecs)
        build_s = time.perf_counter() - t0
        res: dict[str, Any] = {
            "vectors": len(vecs),
            "flat_p50_ms": round(percentile(ft, 50), 3),
            "flat_p95_ms": round(percentile(ft, 95), 3),
            "hnsw_build_s": round(build_s, 1),
            "ef": {},
        }
        for ef in efs:
            hnsw.hnsw.efSearch = ef
            ht, hids = lat(hnsw)
            recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(hids, fids, strict=True)]))
            res["ef"][str(ef)] = {
                "recall@10_vs_flat": round(recall, 4),
                "p50_ms": round(percentile(ht, 50), 3),
                "p95_ms": round(percentile(ht, 95), 3),
            }
        out["sets"][set_name] = res
    out["summary_md"] = hnsw_md(out)
    return out


def hnsw_md(o: dict[str, Any]) -> str:
    rows = ["| vectors | flat p50 ms | HNSW build s | efSearch | HNSW recall@10 vs flat | HNSW p50 ms |",
            "|---|---|---|---|---|---|"]
    for name, s in o["sets"].items():
        for ef, e in s["ef"].items():
            rows.append(f"| {s['vectors']} ({name}) | {s['flat_p50_ms']} | {s['hnsw_build_s']} | {ef} | "
                        f"{e['recall@10_vs_flat']} | {e['p50_ms']} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("study", choices=["onnx", "hnsw"])
    p.add_argument("--sample", type=int, default=1000)
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--no-full-recall", action="store_true")
    p.add_argument("--queries", type=int, default=300)
    p.add_argument("--ef", default="16,64,128,256,512")
    p.add_argument("--sizes", default="41107,200000")
    p.add_argument("--corpus", type=Path, default=MEDQUAD)
    p.add_argument("--index", type=Path, default=FULL_INDEX)
    args = p.parse_args(argv)
    global CORPUS, INDEX
    CORPUS, INDEX = args.corpus, args.index
    if args.study == "onnx":
        out = onnx_study(args.sample, args.reps, not args.no_full_recall)
    else:
        out = hnsw_study(args.queries, [int(x) for x in args.ef.split(",")], [int(x) for x in args.sizes.split(",")])
    out["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    out["corpus"], out["index"] = str(CORPUS), str(INDEX)
    path = WORK / f"{args.study}-study.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(out["summary_md"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
