#!/usr/bin/env python3
"""Fit the abstention threshold on the project's own question sets and report precision/recall.

    .venv/bin/python scripts/fit_thresholds.py [--corpus DIR --index DIR]

Reads tests/data/answerable.jsonl and tests/data/unanswerable.jsonl (written for this purpose, not
the evaluation kit's questions). For each candidate threshold it re-decides abstention from the
answers' evidence scores and prints abstention precision and recall, plus answer accuracy, so the
threshold in bot/settings.py (abstain_below) is chosen from data.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def correct(item: dict, answer: dict) -> bool:
    if item["expect"] == "abstain":
        return bool(answer["abstained"])
    if answer["abstained"]:
        return False
    quotes = [c["quote"] for c in answer["citations"]]
    gold = [norm(g) for g in item.get("gold", [])]
    top = not gold or (bool(quotes) and any(g in norm(quotes[0]) or (len(quotes[0]) >= 40 and norm(quotes[0]) in g) for g in gold))
    text = norm(answer["answer"])
    return top and all(norm(m) in text for m in item.get("must_mention", []))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=None)
    ap.add_argument("--index", default=None)
    ap.add_argument("--show", action="store_true", help="print the items answered wrongly at the current setting")
    args = ap.parse_args()
    import bot
    from bot.settings import Settings

    engine = bot.load(corpus=args.corpus, index=args.index)
    current = Settings().abstain_below
    items = []
    for name in ("answerable.jsonl", "unanswerable.jsonl"):
        path = ROOT / "tests" / "data" / name
        items += [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    def run(threshold: float) -> list[tuple[dict, dict]]:
        engine.composer.abstain_below = threshold
        out = []
        for item in items:
            s = engine.session()
            for turn in item["turns"]:
                ans = s.ask(turn)
            out.append((item, ans.model_dump(mode="json")))
        return out

    runs = {thr: run(thr) for thr in (current - 0.06, current - 0.03, current, current + 0.03, current + 0.06)}
    rows = runs[current]
    print(f"items: {len(rows)} ({sum(i['expect'] == 'answer' for i, _ in rows)} answerable)")
    print(" threshold  abst.precision  abst.recall  accuracy")
    for thr, results in runs.items():
        tp = fp = fn = ok = 0
        for item, out in results:
            should = item["expect"] == "abstain"
            tp += should and out["abstained"]
            fp += (not should) and out["abstained"]
            fn += should and not out["abstained"]
            ok += correct(item, out)
        prec = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / (tp + fn) if tp + fn else 1.0
        mark = "  <- current" if abs(thr - current) < 1e-9 else ""
        print(f"   {thr:.2f}        {prec:.3f}          {rec:.3f}       {ok / len(results):.3f}{mark}")
    engine.composer.abstain_below = current
    by_cat: dict[str, list[bool]] = {}
    for item, out in rows:
        by_cat.setdefault(item.get("category", "?"), []).append(correct(item, out))
    print("by category at the current threshold:")
    for cat, oks in sorted(by_cat.items()):
        print(f"  {cat:<22} {sum(oks)}/{len(oks)}")
    if args.show:
        for item, out in rows:
            if not correct(item, out):
                print(f"--- {item['id']} [{item.get('category')}] {item['turns']} -> {json.dumps(out['answer'][:300])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
