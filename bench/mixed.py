"""Answer quality with unrelated documents beside the seed: does the seed still answer as before?

    .venv/bin/python -m bench.mixed [--n 1200] [sets ...]

Builds bench/work/mixed-corpus/ (the project's corpus plus ``n`` MedQuAD answers, drawn at random with a
fixed seed from those that do not mention leukemia) and its index, then judges the sets on the seed
alone and on the mixed corpus, side by side (bench/quality.py's rules).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

from bench.quality import evaluate, load_items

ROOT = Path(__file__).resolve().parent.parent
MEDQUAD = ROOT.parent / "shared" / "data" / "medquad" / "corpus.jsonl"
WORK = ROOT / "bench" / "work"


def make_corpus(n: int, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for f in (ROOT / "corpus").iterdir():
        if f.is_file():
            shutil.copy2(f, out / f.name)
    rows = [json.loads(line) for line in MEDQUAD.read_text(encoding="utf-8").splitlines() if line.strip()]
    unrelated = [r for r in rows if "leukemi" not in (r.get("title", "") + r.get("text", "")).lower()]
    picked = random.Random(1200).sample(unrelated, n)
    with open(out / "medquad-sample.jsonl", "w", encoding="utf-8") as fh:
        for r in picked:
            fh.write(json.dumps({"id": r["id"], "title": r.get("title", ""), "text": r["text"]}) + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1200)
    ap.add_argument("sets", nargs="*")
    args = ap.parse_args(argv)
    import bot

    sets = args.sets or [str(p) for p in sorted((ROOT / "tests" / "data").glob("holdout-*.jsonl"))]
    corpus = make_corpus(args.n, WORK / "mixed-corpus")
    seed = bot.load(corpus=ROOT / "corpus", index=WORK / "seed-index")
    mixed = bot.load(corpus=corpus, index=WORK / "mixed-index", progress=True)
    print(f"{'set':<28} {'seed alone':>10} {'with ' + str(args.n) + ' more':>14}  difference")
    for path in sets:
        items = load_items([path])
        a, b = evaluate(seed, items).accuracy, evaluate(mixed, items).accuracy
        print(f"{Path(path).stem:<28} {a:>10.3f} {b:>14.3f}  {b - a:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
