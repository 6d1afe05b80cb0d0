"""One stream per core against one pass at a time split over the cores, on sampled MedQuAD chunks.

    .venv/bin/python bench/encoder_streams.py --sample 1500 --reps 3

Both run the int8 encoder's own batches, interleaved in one process (the machine is shared, so only
figures from one run compare): median wall and CPU seconds, and the cosine between their vectors.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.backends import corpus_chunk_texts  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sample", type=int, default=1500, help="chunk texts sampled from MedQuAD")
    p.add_argument("--reps", type=int, default=3)
    args = p.parse_args(argv)

    import bot.embedding_onnx as onnx_mod
    from bot.settings import Settings

    texts = random.Random(0).sample(corpus_chunk_texts(), args.sample)
    emb = onnx_mod.OnnxEmbedder(Settings().model_cache, quantize=True)
    emb.encode(texts[:40])  # both sessions loaded outside the timing
    streamed_from = onnx_mod.STREAM_MIN_BATCHES
    labels = ["one pass at a time", f"{emb.streams()} streams"]
    walls: dict[str, list[float]] = {k: [] for k in labels}
    cpus: dict[str, list[float]] = {k: [] for k in labels}
    vecs: dict[str, np.ndarray] = {}
    for rep in range(args.reps):
        for label in labels if rep % 2 == 0 else labels[::-1]:
            onnx_mod.STREAM_MIN_BATCHES = 10**9 if label == labels[0] else streamed_from
            t, c = time.perf_counter(), time.process_time()
            vecs[label] = emb.encode(texts)
            walls[label].append(time.perf_counter() - t)
            cpus[label].append(time.process_time() - c)
    onnx_mod.STREAM_MIN_BATCHES = streamed_from
    for label in labels:
        print(f"{label:20s} wall {np.median(walls[label]):6.2f} s  cpu {np.median(cpus[label]):6.2f} s  "
              f"texts/s {len(texts) / np.median(walls[label]):6.1f}")
    cos = (vecs[labels[0]] * vecs[labels[1]]).sum(axis=1)
    print(f"cosine between them: min {cos.min():.7f}; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
