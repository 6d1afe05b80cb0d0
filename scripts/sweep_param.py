"""Sweep one answering parameter over values: accuracy on every labelled set, training and held out side by side.

    .venv/bin/python scripts/sweep_param.py need_window 0.15,0.2,0.25,0.3 [--index DIR]

Training figures choose a value; held-out figures (tests/data/holdout-*) are reported beside them, never
used to choose. The kit's dev sets (../shared/eval/seed*.jsonl) are reported as a third column.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def kind(name: str) -> str:
    return "held out" if name.startswith("holdout") else "kit" if name.startswith("seed") else "training"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", help="a field of bot/params.py Params")
    ap.add_argument("values", help="comma-separated values")
    ap.add_argument("--index", default=str(ROOT / "index"))
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    args = ap.parse_args(argv)

    import bot
    from bench.quality import ask, judge, load_items

    engine = bot.load(corpus=args.corpus, index=args.index)
    params = engine.answerer.params
    if not hasattr(params, args.name):
        ap.error(f"no parameter named {args.name!r}")
    kit = sorted((ROOT.parent / "shared" / "eval").glob("seed*.jsonl"))
    items = load_items(sorted((ROOT / "tests" / "data").glob("*.jsonl")) + kit)
    for value in (float(v) for v in args.values.split(",")):
        object.__setattr__(params, args.name, value)  # every stage shares this one Params object
        totals: dict[str, list[int]] = {}
        for item in items:
            t = totals.setdefault(kind(item["set"]), [0, 0])
            t[0] += judge(item, ask(engine, item)).ok
            t[1] += 1
        shown = "  ".join(f"{k} {a}/{b} {a / b:.4f}" for k, (a, b) in sorted(totals.items(), key=lambda x: x[0] != "training"))
        print(f"{args.name}={value:g}  {shown}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
