"""Bare encode of every MedQuAD chunk text with one backend; saves the vectors and the time taken.

    .venv/bin/python bench/encode_full.py torch       # -> bench/work/encode/medquad-torch.{npy,json}
    .venv/bin/python bench/encode_full.py onnx-int8

The vectors give the dense-only MedQuAD dev recall of each backend over the full corpus
(bench/backends.py onnx --full) and the JSON is the full-corpus bare-encode baseline for the build.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.backends import corpus_chunk_texts  # noqa: E402
from bench.retrieval import WORK  # noqa: E402

OUT = WORK / "encode"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    backend = args[0] if args else "torch"
    from bot.embedding import make_embedder
    from bot.settings import Settings

    texts = corpus_chunk_texts()
    emb = make_embedder(Settings(embed_backend=backend))
    emb.encode(texts[:16])  # load and warm outside the timing
    t0 = time.perf_counter()
    vecs = emb.encode(texts, progress=True)
    seconds = time.perf_counter() - t0
    OUT.mkdir(parents=True, exist_ok=True)
    np.save(OUT / f"medquad-{backend}.npy", vecs)
    info = {"backend": backend, "model": emb.name, "chunks": len(texts), "seconds": round(seconds, 1),
            "chunks_per_s": round(len(texts) / seconds, 2)}
    (OUT / f"medquad-{backend}.json").write_text(json.dumps(info, indent=1))
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
