"""PDF build throughput: extraction seconds per page beside embedding seconds per page.

    .venv/bin/python bench/extraction.py                  # 200 generated PDFs of 10 pages each
    .venv/bin/python bench/extraction.py --files 20       # a quicker look

The PDFs are generated (fpdf2) from the seed text's sentences, each sentence tagged with its file,
page and position so that no two are alike (the embedding cache would otherwise hide the embedding
cost). Extraction is ``load_corpus`` on the folder with no earlier index (every PDF parsed);
embedding is what a build embeds for those documents (chunks and sentences) with the configured
backend, timed on the first ``--embed-files`` files (per page, so the two figures compare). Writes
bench/results/extraction.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def seed_sentences() -> list[str]:
    text = (ROOT / "corpus" / "relapsed-all.md").read_text(encoding="utf-8").split("\n---\n", 1)[-1]
    text = text.replace("≥", ">=").replace("—", "-")  # the PDF core fonts are Latin-1
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s) > 30]


def make_pdfs(folder: Path, files: int, pages: int) -> int:
    from fpdf import FPDF

    sentences = seed_sentences()
    n = 0
    for f in range(files):
        pdf = FPDF()
        pdf.set_title(f"Generated protocol {f}")
        pdf.set_auto_page_break(False)
        for p in range(pages):
            pdf.add_page()
            pdf.set_font("Helvetica", size=8)
            pdf.cell(0, 6, f"Generated protocol {f} - draft", align="C")  # a running header
            pdf.ln(10)
            pdf.set_font("Helvetica", size=10)
            for para in range(4):
                chosen = [sentences[(f * 7 + p * 5 + para * 3 + k) % len(sentences)] for k in range(3)]
                body = " ".join(f"{s[:-1]} (file {f}, page {p + 1}, part {para + 1}{k})." for k, s in enumerate(chosen))
                pdf.multi_cell(0, 5, body)
                pdf.ln(3)
            pdf.set_y(-15)
            pdf.set_font("Helvetica", size=8)
            pdf.cell(0, 8, f"Page {p + 1}", align="C")
            n += 1
        pdf.output(str(folder / f"protocol-{f:03d}.pdf"))
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument(
        "--embed-files", type=int, default=20,
        help="embed the text of this many of the files (all: 0); a full 2,000-page embed takes ~25 min on 2 cores",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extraction.json")
    args = ap.parse_args()

    from bot.chunking import Chunker, split_sentences
    from bot.corpus import load_corpus
    from bot.embedding import make_embedder
    from bot.index_store import chunk_index_text
    from bot.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pages = make_pdfs(folder, args.files, args.pages)
        t0 = time.perf_counter()
        docs, problems = load_corpus(folder)
        extract_s = time.perf_counter() - t0
    assert not problems, problems[:3]

    settings = Settings()
    chunker = Chunker(settings.max_chunk_tokens, settings.chunk_overlap_sentences)
    chunk_texts: list[str] = []
    sent_texts: list[str] = []
    sample = docs[: args.embed_files] if args.embed_files else docs
    embed_pages = sum(max(1, len(d.pages)) for d in sample)
    for doc in sample:
        sents = split_sentences(doc.text)
        sent_texts.extend(s.text for s in sents)
        chunk_texts.extend(chunk_index_text(doc, c.text) for c in chunker.chunk(doc, sents))
    embedder = make_embedder(settings)
    embedder.encode(chunk_texts[:8])  # load and warm the model outside the timing
    t0 = time.perf_counter()
    embedder.encode(chunk_texts)
    embedder.encode(sorted(set(sent_texts)))
    embed_s = time.perf_counter() - t0

    result = {
        "files": args.files,
        "pages": pages,
        "chars": sum(len(d.text) for d in docs),
        "chunks": len(chunk_texts),
        "sentences": len(sent_texts),
        "extract_seconds": round(extract_s, 2),
        "extract_s_per_page": round(extract_s / pages, 4),
        "embed_backend": settings.embed_backend,
        "embed_seconds": round(embed_s, 2),
        "embed_pages": embed_pages,
        "embed_s_per_page": round(embed_s / embed_pages, 4),
        "extractor": docs[0].extractor,
        "cpus": os.cpu_count(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
