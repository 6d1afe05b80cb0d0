"""Answer quality at scale: is the bot's answer right, wrong, or withheld, beside its own search's top hit.

    .venv/bin/python -m bench.answers_at_scale --medquad --liveqa --mediqa
    .venv/bin/python -m bench.answers_at_scale --mediqa --split validation  # one MediQA split; others kept
    .venv/bin/python -m bench.answers_at_scale --mediqa --limit 20        # a quick look
    .venv/bin/python -m bench.answers_at_scale --medquad --liveqa --slice 500   # gold docs + 500 others

Only the public API is used (``bot.load``, ``engine.search``, ``engine.session().ask``), so any answer path
behind it is measured the same way. Each question has exactly one outcome:

* right      - the bot answered and its first citation comes from a good document;
* abstained  - the bot abstained (whatever passages it showed);
* wrong      - the bot answered from another document.

Good documents, per set:

* MedQuAD dev (300 templated questions, whole ``corpus.jsonl``): the question's ``gold_ids``.
* LiveQA (39 real consumer questions over the same index, asked as the raw ``message`` and as the NLM
  ``summary``): judged answers with grade >= 2. Judgements are pooled, so "wrong" is an upper bound.
* MediQA (233 consumer questions; each question's 2-12 CHiQA candidates are a corpus of their own, indexed
  in a temporary folder): candidates with grade >= 3. 34 questions have none; there, abstaining is right
  and is reported apart. Split into train / validation deterministically (``mediqa_split``).

Beside each set: search's own top hit (``engine.search(q, k)[0]``) right or not, and for MediQA CHiQA's
order (``system_rank`` 1). The MedQuAD index is built once into ``bench/work/medquad-index`` and reused.

For fitting, ``run_medquad`` / ``run_liveqa`` / ``run_mediqa`` return one ``Record`` per question with the
answer's fields, the ranked search hits with their scores and grades, and the labels; ``Record.features()``
flattens what the bot reports into numbers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The shared data's paths and reader are the retrieval benchmark's: one place says where they are.
from bench.retrieval import DATA, DEV, FULL_INDEX, LIVEQA, MEDQUAD, WORK, read_jsonl  # noqa: E402

MEDIQA = DATA / "mediqa" / "questions.jsonl"
RESULTS = ROOT / "bench" / "results"
OUTCOMES = ("right", "abstained", "wrong")
SEARCH_K = 10  # chunk hits asked of search; enough for the top document and a few runners-up
LIVEQA_GOOD = 2  # LiveQA: "related" (2) and better count, as in issue 12
MEDIQA_GOOD = 3  # MediQA: the task's own rule, 3 (correct but incomplete) and 4 (excellent)
MEDIQA_SEED = "mediqa-split-2025"
MEDIQA_VALIDATION = 0.3


@dataclass
class Record:
    """One question asked through the public API, with its labels."""

    dataset: str
    qid: str
    question: str
    split: str = "all"
    good: list[str] = field(default_factory=list)  # documents that count as a right first citation
    grades: dict[str, float] = field(default_factory=dict)  # every judged document's grade
    abstained: bool = False
    status: str = ""
    reason: str = ""
    confidence: float = 0.0
    cited: list[str] = field(default_factory=list)  # document of each citation, in order
    first_quote: str = ""
    first_score: float = 0.0
    search: list[tuple[str, float]] = field(default_factory=list)  # (doc_id, score), one per document
    baseline_right: bool | None = None  # MediQA: CHiQA's first answer is good
    seconds: float = 0.0

    @property
    def answerable(self) -> bool:
        return bool(self.good)

    @property
    def outcome(self) -> str:
        if self.abstained:
            return "abstained"
        return "right" if self.cited and self.cited[0] in self.good else "wrong"

    @property
    def search_right(self) -> bool:
        return bool(self.search) and self.search[0][0] in self.good

    def features(self) -> dict[str, float]:
        """Numbers the bot reports for this question, for fitting a decision on (label: ``outcome``)."""
        scores = [s for _, s in self.search]
        top = scores[0] if scores else 0.0
        second = scores[1] if len(scores) > 1 else 0.0
        cited_rank = next((i for i, (d, _) in enumerate(self.search) if self.cited and d == self.cited[0]), -1)
        return {
            "confidence": self.confidence,
            "first_citation_score": self.first_score,
            "n_citations": float(len(self.cited)),
            "search_top_score": top,
            "search_margin": top - second,
            "cited_search_rank": float(cited_rank),
            "cited_is_search_top": float(cited_rank == 0),
            "question_words": float(len(self.question.split())),
        }

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(outcome=self.outcome, search_right=self.search_right, features=self.features())
        out["first_quote"] = self.first_quote[:300]
        return out


# ---------------------------------------------------------------- asking


def doc_ranking(hits: Iterable[Any]) -> list[tuple[str, float]]:
    """Chunk hits to documents: a document takes its best (first) chunk's place and score."""
    seen: dict[str, float] = {}
    for h in hits:
        seen.setdefault(h.doc_id, float(h.score))
    return list(seen.items())


def ask(engine: Any, record: Record, k: int = SEARCH_K) -> Record:
    """Fill ``record`` from one search and one fresh session's answer to its question."""
    t0 = time.perf_counter()
    record.search = doc_ranking(engine.search(record.question, k=k))
    answer = engine.session().ask(record.question)
    record.seconds = round(time.perf_counter() - t0, 4)
    record.abstained = bool(answer.abstained)
    record.status = str(getattr(answer, "status", ""))
    record.reason = str(getattr(answer, "reason", ""))
    record.confidence = float(answer.confidence)
    record.cited = [c.doc_id for c in answer.citations]
    if answer.citations:
        record.first_quote = answer.citations[0].quote
        record.first_score = float(answer.citations[0].score)
    return record


def _progress(label: str, i: int, n: int) -> None:
    if i == n or i % 25 == 0:
        print(f"  {label}: {i}/{n}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the three sets


def run_medquad(engine: Any, questions: list[dict[str, Any]]) -> list[Record]:
    out = []
    for i, q in enumerate(questions, 1):
        rec = Record("medquad-dev", q["id"], q["question"], good=list(q["gold_ids"]))
        out.append(ask(engine, rec))
        _progress("medquad", i, len(questions))
    return out


def run_liveqa(engine: Any, questions: list[dict[str, Any]], fields: tuple[str, ...] = ("message", "summary")
               ) -> list[Record]:
    out = []
    for name in fields:
        for i, q in enumerate(questions, 1):
            grades = {d: float(s) for d, s in q["judged"].items()}
            good = [d for d, s in grades.items() if s >= LIVEQA_GOOD]
            out.append(ask(engine, Record(f"liveqa-{name}", q["id"], q[name], good=good, grades=grades)))
            _progress(f"liveqa {name}", i, len(questions))
    return out


def mediqa_split(qid: str) -> str:
    """train or validation, from the question id alone (seeded hash; about 30% validation)."""
    h = int(hashlib.sha256(f"{MEDIQA_SEED}:{qid}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "validation" if h < MEDIQA_VALIDATION else "train"


def mediqa_corpus(q: dict[str, Any], path: Path) -> None:
    """The question's candidate answers as a JSON-lines corpus (one document per candidate)."""
    rows = [{"id": a["aid"], "title": "", "text": a["text"], "url": a.get("url") or None}
            for a in q["answers"] if str(a.get("text", "")).strip()]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def run_mediqa(questions: list[dict[str, Any]], load: Callable[[Path, Path], Any],
               workdir: Path | None = None) -> list[Record]:
    """Each question against its own candidates: ``load(corpus_file, index_dir)`` returns an engine
    (``bot.load`` with a shared embedder, so the model loads once)."""
    out = []
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for i, q in enumerate(questions, 1):
            folder = Path(tmp) / f"q{i}"
            folder.mkdir()
            mediqa_corpus(q, folder / "answers.jsonl")
            engine = load(folder / "answers.jsonl", folder / "index")
            grades = {a["aid"]: float(a["reference_score"]) for a in q["answers"]}
            good = [d for d, s in grades.items() if s >= MEDIQA_GOOD]
            first = min(q["answers"], key=lambda a: int(a["system_rank"]))
            rec = Record("mediqa", q["qid"], q["question"], split=mediqa_split(q["qid"]), good=good,
                         grades=grades, baseline_right=first["aid"] in good)
            out.append(ask(engine, rec))
            _progress("mediqa", i, len(questions))
    return out


# ---------------------------------------------------------------- summaries


def shares(records: list[Record]) -> dict[str, Any]:
    """Outcome shares, search's top-hit accuracy and (MediQA) CHiQA's, over ``records``."""
    n = len(records)
    if not n:
        return {"questions": 0}
    out: dict[str, Any] = {"questions": n}
    for o in OUTCOMES:
        out[o] = round(sum(r.outcome == o for r in records) / n, 3)
    out["search_top1"] = round(sum(r.search_right for r in records) / n, 3)
    base = [r.baseline_right for r in records if r.baseline_right is not None]
    if base:
        out["chiqa_top1"] = round(sum(base) / len(base), 3)
    out["ask_median_ms"] = round(statistics.median(r.seconds for r in records) * 1000, 1)
    return out


def summarize(records: list[Record]) -> dict[str, Any]:
    """Per set (and for MediQA per split, with and without a correct candidate)."""
    out: dict[str, Any] = {}
    for name in sorted({r.dataset for r in records}):
        rows = [r for r in records if r.dataset == name]
        if name != "mediqa":
            out[name] = shares(rows)
            continue
        for split in ("train", "validation", "all"):
            part = [r for r in rows if split in ("all", r.split)]
            out[f"mediqa-{split}"] = shares([r for r in part if r.answerable])
            none = [r for r in part if not r.answerable]
            out[f"mediqa-{split}-no-correct"] = {
                "questions": len(none),
                "abstained": round(sum(r.abstained for r in none) / len(none), 3) if none else None,
            }
    return out


def table(summary: dict[str, Any]) -> str:
    head = f"{'set':<30} {'n':>4} {'right':>6} {'abst.':>6} {'wrong':>6} {'search@1':>9} {'CHiQA@1':>8} {'ask ms':>7}"
    lines = [head, "-" * len(head)]
    for name, s in summary.items():
        if not s.get("questions"):
            continue
        if "right" not in s:
            ab = s.get("abstained")
            lines.append(f"{name:<30} {s['questions']:>4} {'':>6} {'-' if ab is None else f'{ab:.3f}':>6}"
                         "   (no correct candidate: abstaining is right)")
            continue
        chiqa = f"{s['chiqa_top1']:.3f}" if "chiqa_top1" in s else ""
        lines.append(f"{name:<30} {s['questions']:>4} {s['right']:>6.3f} {s['abstained']:>6.3f} {s['wrong']:>6.3f}"
                     f" {s['search_top1']:>9.3f} {chiqa:>8} {s['ask_median_ms']:>7.1f}")
    return "\n".join(lines)


def from_json(row: dict[str, Any]) -> Record:
    """A record back from the results file (derived fields dropped)."""
    names = {f.name for f in fields(Record)}
    rec = Record(**{k: v for k, v in row.items() if k in names})
    rec.search = [(str(d), float(sc)) for d, sc in rec.search]
    return rec


def merge(path: Path, records: list[Record]) -> tuple[dict[str, Any], list[Record]]:
    """This run's records over the results file's: a question asked again replaces its earlier record,
    so sets (and MediQA splits) can be run one at a time. Returns the summary of all and all records."""
    try:
        previous = [from_json(q) for q in json.loads(path.read_text(encoding="utf-8")).get("questions", [])]
    except (OSError, json.JSONDecodeError, TypeError):
        previous = []
    ran = {(r.dataset, r.qid) for r in records}
    merged = [r for r in previous if (r.dataset, r.qid) not in ran] + records
    return summarize(merged), merged


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--medquad", action="store_true", help="MedQuAD dev over the whole corpus")
    p.add_argument("--liveqa", action="store_true", help="LiveQA message and summary over the same index")
    p.add_argument("--mediqa", action="store_true", help="MediQA, each question over its own candidates")
    p.add_argument("--index", type=Path, default=None,
                   help=f"MedQuAD index folder (default {FULL_INDEX.relative_to(ROOT)}, built once if missing)")
    p.add_argument("--slice", type=int, default=None, metavar="N",
                   help="MedQuAD/LiveQA over the gold and judged documents plus N others instead of the whole corpus")
    p.add_argument("--split", choices=("all", "train", "validation"), default="all", help="MediQA questions asked")
    p.add_argument("--limit", type=int, default=None, help="first N questions of each set (quick looks)")
    p.add_argument("--out", type=Path, default=RESULTS / "answers_at_scale.json")
    args = p.parse_args(argv)
    if not (args.medquad or args.liveqa or args.mediqa):
        p.error("choose at least one of --medquad, --liveqa, --mediqa")

    import bot
    from bot.embedding import make_embedder
    from bot.settings import Settings

    embedder = make_embedder(Settings())
    records: list[Record] = []
    t0 = time.perf_counter()
    if args.medquad or args.liveqa:
        dev, live = read_jsonl(DEV)[: args.limit], read_jsonl(LIVEQA)[: args.limit]
        corpus, index = MEDQUAD, args.index or FULL_INDEX
        tag = ""
        if args.slice is not None:  # a smaller, easier corpus: fewer distractors than the real one
            from bench.retrieval import gold_ids, make_slice

            corpus, _ = make_slice(MEDQUAD, gold_ids(dev, live), args.slice,
                                   WORK / "slices" / f"medquad-plus{args.slice}.jsonl")
            index = args.index or WORK / "slices" / f"medquad-plus{args.slice}-index"
            tag = f"@plus{args.slice}"
        engine = bot.load(corpus=corpus, index=index, embedder=embedder, progress=True)
        if args.medquad:
            records += run_medquad(engine, dev)
        if args.liveqa:
            records += run_liveqa(engine, live)
        for r in records:
            r.dataset += tag
        del engine
    if args.mediqa:
        def load(corpus: Path, index: Path) -> Any:
            return bot.load(corpus=corpus, index=index, embedder=embedder)

        mediqa = [q for q in read_jsonl(MEDIQA) if args.split in ("all", mediqa_split(q["qid"]))]
        records += run_mediqa(mediqa[: args.limit], load, WORK if WORK.is_dir() else None)
    summary, merged = merge(args.out, records)
    result: dict[str, Any] = {"summary": summary, "questions": [r.to_json() for r in merged]}
    result.update(seconds=round(time.perf_counter() - t0, 1), limit=args.limit,
                  rules={"liveqa_good_grade": LIVEQA_GOOD, "mediqa_good_grade": MEDIQA_GOOD,
                         "mediqa_split": f"sha256('{MEDIQA_SEED}:'+qid) < {MEDIQA_VALIDATION} -> validation"})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(summary))
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
