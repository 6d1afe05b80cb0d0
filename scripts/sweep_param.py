"""Sweep one answering parameter over values: accuracy on every labelled set, training and held out side by side.

    .venv/bin/python scripts/sweep_param.py need_window 0.15,0.2,0.25,0.3 [--index DIR]

Training figures (the questions scripts/fit_params.py fits on) choose a value; held-out figures
(tests/data/holdout-*) are reported beside them, never used to choose. The kit's dev sets
(../shared/eval/seed*.jsonl) are reported too.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", help="a field of bot/params.py Params")
    ap.add_argument("values", help="comma-separated values")
    ap.add_argument("--index", default=str(ROOT / "index"))
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    args = ap.parse_args(argv)

    # (fit_params lies in this folder: the fit's own question sets and its way of swapping parameters)
    from fit_params import SHARED, holdout_items, training_items, with_params

    import bot
    from bench.quality import evaluate, load_items

    engine = bot.load(corpus=args.corpus, index=args.index)
    if args.name not in {f.name for f in dataclasses.fields(engine.params)}:
        ap.error(f"no parameter named {args.name!r}")
    sets = {"training": training_items(), "held out": holdout_items(), "kit": load_items(sorted(SHARED.glob("seed*.jsonl")))}
    for value in (float(v) for v in args.values.split(",")):
        answering = with_params(engine, {args.name: value})
        print(f"{args.name}={value:g}", flush=True)
        for name, items in sets.items():
            report = evaluate(answering, items)
            right = sum(v.ok for v in report.verdicts)  # (the count: two values a few answers apart look alike at 3 decimals)
            print(f"  {report.line(name)}  ({right}/{len(report.verdicts)})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
