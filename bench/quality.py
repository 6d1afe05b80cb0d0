"""Answer quality on labelled question sets, judged by the evaluation kit's rules.

    .venv/bin/python -m bench.quality tests/data/train-*.jsonl [--show] [--corpus DIR --index DIR]

Rules (the same as ../shared/eval/score.py): an answerable item is right when the bot answers, its first
citation quotes a gold sentence (or a 40+ character part of one), the answer mentions every
``must_mention`` term, and, for broad questions, at least ``cover_min`` of the ``cover`` sentences are
quoted; an unanswerable item is right when the bot abstains. All turns of an item go to one session.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def gold_hit(quote: str, gold: list[str]) -> bool:
    q = norm(quote)
    return any(norm(g) in q or (len(q) >= 40 and q in norm(g)) for g in gold)


def load_items(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                item.setdefault("set", Path(path).stem)
                items.append(item)
    return items


@dataclass
class Verdict:
    item: dict[str, Any]
    ok: bool
    abstained: bool
    covered: int = 0
    answer: str = ""

    @property
    def should_abstain(self) -> bool:
        return self.item["expect"] == "abstain"


def judge(item: dict[str, Any], answer: Any) -> Verdict:
    quotes = [c.quote for c in answer.citations]
    if item["expect"] == "abstain":
        return Verdict(item, bool(answer.abstained), bool(answer.abstained), answer=answer.answer)
    gold = item.get("gold", [])
    top = (bool(quotes) and gold_hit(quotes[0], gold)) if gold else True
    text = norm(answer.answer)
    mentioned = all(norm(m) in text for m in item.get("must_mention", []))
    cover = item.get("cover", [])
    covered = sum(any(gold_hit(q, [c]) for q in quotes) for c in cover)
    enough = covered >= item.get("cover_min", len(cover))
    ok = (not answer.abstained) and top and mentioned and enough
    return Verdict(item, ok, bool(answer.abstained), covered, answer.answer)


def ask(engine: Any, item: dict[str, Any]) -> Any:
    session = engine.session()
    answer = None
    for turn in item["turns"]:
        answer = session.ask(turn)
    return answer


@dataclass
class Report:
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(v.ok for v in self.verdicts) / len(self.verdicts) if self.verdicts else 0.0

    def abstention(self) -> tuple[float, float]:
        """(precision, recall) of abstaining: of the abstentions, how many were due; of the due, how many came."""
        tp = sum(v.abstained and v.should_abstain for v in self.verdicts)
        fp = sum(v.abstained and not v.should_abstain for v in self.verdicts)
        fn = sum(not v.abstained and v.should_abstain for v in self.verdicts)
        return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)

    def cover(self) -> tuple[int, int]:
        rows = [v for v in self.verdicts if v.item.get("cover") and not v.should_abstain]
        return sum(v.covered for v in rows), sum(len(v.item["cover"]) for v in rows)

    def line(self, name: str) -> str:
        prec, rec = self.abstention()
        got, of = self.cover()
        cover = f"  cover {got}/{of}" if of else ""
        return f"{name:<28} n={len(self.verdicts):<4} accuracy {self.accuracy:.3f}  abstain P {prec:.3f} R {rec:.3f}{cover}"


def evaluate(engine: Any, items: list[dict[str, Any]]) -> Report:
    return Report([judge(item, ask(engine, item)) for item in items])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="+", help="JSON-lines question sets")
    ap.add_argument("--corpus", default=None)
    ap.add_argument("--index", default=None)
    ap.add_argument("--show", action="store_true", help="print the items answered wrongly")
    args = ap.parse_args(argv)
    import bot

    engine = bot.load(corpus=args.corpus, index=args.index)
    total = Report()
    for path in args.sets:
        report = evaluate(engine, load_items([path]))
        total.verdicts += report.verdicts
        print(report.line(Path(path).stem))
        if args.show:
            for v in report.verdicts:
                if not v.ok:
                    print(f"   x {v.item['id']} {v.item['turns']} -> {v.answer[:160]!r}")
    if len(args.sets) > 1:
        print(total.line("all"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
