"""How the int8 encoder's batching changes its speed and its vectors, on sampled MedQuAD chunk texts.

    .venv/bin/python bench/encoder_batching.py --sample 600 --reps 2

Each configuration encodes the same texts, interleaved with the others (the machine is shared, so
only figures from one run compare): ``64 texts`` is the old batching (64 texts of similar length),
``N tokens`` batches of at most N padded tokens (bot/embedding_onnx.py BATCH_TOKENS). Reported: texts/s
and CPU seconds (median over the repetitions) and each configuration's cosine to the float model's
vectors and to the old batching's. int8 activations are quantised with one scale per batch, so the
batching moves vectors a little.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.backends import corpus_chunk_texts  # noqa: E402


def cosine(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    c = (a * b).sum(axis=1)
    return {"mean": round(float(c.mean()), 5), "min": round(float(c.min()), 4)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sample", type=int, default=600, help="chunk texts sampled from MedQuAD")
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--budgets", default="256,512,1024", help="token budgets to compare with 64 texts")
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args(argv)

    from bot.embedding_onnx import OnnxEmbedder
    from bot.settings import Settings

    texts = random.Random(0).sample(corpus_chunk_texts(), args.sample)
    cache = Settings().model_cache
    configs: dict[str, Any] = {"64 texts": OnnxEmbedder(cache, quantize=True, batch_size=64, batch_tokens=10**9)}
    for n in (int(x) for x in args.budgets.split(",")):
        configs[f"{n} tokens"] = OnnxEmbedder(cache, quantize=True, batch_tokens=n)
    fp32 = OnnxEmbedder(cache, quantize=False).encode(texts)
    for emb in configs.values():
        emb.encode(texts[:8])  # load outside the timing
    walls: dict[str, list[float]] = {k: [] for k in configs}
    cpus: dict[str, list[float]] = {k: [] for k in configs}
    vecs: dict[str, np.ndarray] = {}
    for _ in range(args.reps):
        for name, emb in configs.items():
            t0, c0 = time.perf_counter(), time.process_time()
            vecs[name] = emb.encode(texts)
            walls[name].append(time.perf_counter() - t0)
            cpus[name].append(time.process_time() - c0)
    rows = {}
    for name in configs:
        wall, cpu = float(np.median(walls[name])), float(np.median(cpus[name]))
        rows[name] = {
            "texts_per_s": round(len(texts) / wall, 1), "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "cpu_vs_64_texts": round(cpu / float(np.median(cpus["64 texts"])), 3),
            "cos_to_fp32": cosine(vecs[name], fp32), "cos_to_64_texts": cosine(vecs[name], vecs["64 texts"]),
        }
        print(f"{name:>12}: {json.dumps(rows[name])}", flush=True)
    out = {"texts": len(texts), "reps": args.reps, "load_avg": round(os.getloadavg()[0], 2), "rows": rows}
    if args.out:
        args.out.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
