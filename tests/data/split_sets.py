"""Split the labelled question sets into train (about 70%) and holdout (about 30%), deterministically.

Run from the project root: ``python tests/data/split_sets.py``. It reads every ``train-*.jsonl`` and
``holdout-*.jsonl`` (or ``--pool FILE ...`` for new items), pools each kind, and writes both files again.
The split is random by seed and stratified by category: within each (kind, category) the items are ordered by
sha256(SEED + id) and the first round(0.3 * n) go to holdout. An item's side depends only on its id, its
category and how many items share that category, so re-running it on the written files changes nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent
SEED = "data-eval-2025"
HOLDOUT_SHARE = 0.3
KINDS = ("answerable", "unanswerable", "conditions", "overview")


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def split(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """(train, holdout), each in id order."""
    by_cat: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_cat[r["category"]].append(r)
    train: list[dict] = []
    holdout: list[dict] = []
    for items in by_cat.values():
        items.sort(key=lambda r: hashlib.sha256(f"{SEED}:{r['id']}".encode()).hexdigest())
        n_out = round(HOLDOUT_SHARE * len(items))
        holdout += items[:n_out]
        train += items[n_out:]
    return sorted(train, key=lambda r: r["id"]), sorted(holdout, key=lambda r: r["id"])


def pooled(kind: str) -> list[dict]:
    rows: list[dict] = []
    for side in ("train", "holdout"):
        path = DATA / f"{side}-{kind}.jsonl"
        if path.exists():
            rows += read(path)
    return rows


def write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pool", type=Path, nargs="*", default=[],
                    help="extra pool files named pool-<kind>.jsonl, merged in by id")
    args = ap.parse_args()
    for kind in KINDS:
        rows = {r["id"]: r for r in pooled(kind)}
        for p in args.pool:
            if p.stem == f"pool-{kind}":
                rows.update({r["id"]: r for r in read(p)})
        train, holdout = split(list(rows.values()))
        write(DATA / f"train-{kind}.jsonl", train)
        write(DATA / f"holdout-{kind}.jsonl", holdout)
        print(f"{kind:<13} train {len(train):>4}  holdout {len(holdout):>4}")


if __name__ == "__main__":
    main()
