"""results.json -> results.md (tables, targets met or not) and a plot of latency and throughput vs size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ORDER = ("seed", "2k", "8k", "medquad")


def _ordered(corpora: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    names = [n for n in ORDER if n in corpora] + [n for n in corpora if n not in ORDER]
    return [(n, corpora[n]) for n in names]


def _f(v: Any, nd: int = 1) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def _ratio(a: Any, b: Any) -> str:
    return f"{a / b:.2f}x" if isinstance(a, int | float) and isinstance(b, int | float) and b else "–"


def targets(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(target, measured, limit, verdict) rows."""
    c = results.get("corpora", {})
    rows: list[tuple[str, str, str, str]] = []

    def add(label: str, value: float | None, limit: float, fmt: str, lower_is_better: bool = True) -> None:
        if value is None:
            rows.append((label, "not measured", fmt.format(limit), "–"))
            return
        ok = value <= limit if lower_is_better else value >= limit
        rows.append((label, fmt.format(value), fmt.format(limit), "met" if ok else "NOT met"))

    def ratio(corpus: str, a: str, b: str) -> float | None:
        x = c.get(corpus, {})
        return x[a] / x[b] if x.get(a) is not None and x.get(b) else None

    add("ask p50 / floor p50, seed", ratio("seed", "ask_p50_ms", "floor_p50_ms"), 1.5, "{:.2f}x")
    add("ask p50 / floor p50, MedQuAD", ratio("medquad", "ask_p50_ms", "floor_p50_ms"), 2.0, "{:.2f}x")
    cs, bi = results.get("cold_start_s"), results.get("bare_import_s")
    add("cold start s, seed (`bot ask`)", cs, 0.5, "{:.2f}")
    add("cold start / bare import of onnxruntime, faiss, numpy (seed)", cs / bi if cs and bi else None, 2.0, "{:.2f}x")
    for name in ("seed", "medquad"):
        add(f"build chunks/s / bare encode chunks/s, {name}", ratio(name, "build_chunks_per_s", "bare_encode_per_s"),
            0.9, "{:.2f}x", lower_is_better=False)
        x = c.get(name, {})
        add(f"  same, equal work (bare chunks+sentences time / build time), {name}", x.get("equal_work_ratio"),
            0.9, "{:.2f}x", lower_is_better=False)
        if x.get("bare_encode_backend_per_s"):
            add(f"  build chunks/s / bare encode with the index's own backend ({x.get('backend')}), {name}",
                ratio(name, "build_chunks_per_s", "bare_encode_backend_per_s"), 0.9, "{:.2f}x",
                lower_is_better=False)
            add(f"  same backend, equal work (bare chunks+sentences time / build time), {name}",
                x.get("equal_work_backend_ratio"), 0.9, "{:.2f}x", lower_is_better=False)
    for name in ("seed", "medquad"):
        r = ratio(name, "rebuild_one_s", "full_build_s")
        add(f"one-document rebuild / full build, {name}", None if r is None else 100 * r, 5.0, "{:.1f}%")
    rss = c.get("medquad", {}).get("rss_mb")
    add("server peak RSS, MedQuAD (MiB)", rss, 1024, "{:.0f}")
    return rows


def markdown(results: dict[str, Any]) -> str:
    corpora = _ordered(results.get("corpora", {}))
    out = ["# Speed and scale benchmark", ""]
    m = results.get("machine", {})
    out.append(
        f"Machine: {m.get('cpus')} CPUs, {m.get('memory_gib')} GiB, Python {m.get('python')}, no GPU; "
        f"{m.get('note', '')}. Produced by `.venv/bin/python bench/run.py`; raw numbers in results.json."
    )
    if results.get("notes"):
        out += ["", "## Status and caveats", ""] + [f"- {n}" for n in results["notes"]]
    out += ["", "## Per corpus (each number next to its baseline from the same run)", ""]
    head = ["", *[n for n, _ in corpora]]
    rows = [
        ("documents", "documents", 0), ("chunks", "chunks", 0), ("sentences", "sentences", 0),
        ("ask p50 ms", "ask_p50_ms", 1), ("ask p95 ms", "ask_p95_ms", 1),
        ("floor p50 ms (encode + flat search)", "floor_p50_ms", 1), ("floor p95 ms", "floor_p95_ms", 1),
        ("search p50 ms (hybrid, no answer)", "search_p50_ms", 1),
        ("full build s (fresh process)", "full_build_s", 1), ("build chunks/s", "build_chunks_per_s", 1),
        ("bare encode chunks/s", "bare_encode_per_s", 1),
        ("bare encode sentences/s", "bare_encode_sentences_per_s", 1),
        ("bare encode of chunks+sentences s", "bare_equal_work_s", 1),
        ("bare encode chunks/s, index backend", "bare_encode_backend_per_s", 1),
        ("bare encode sentences/s, index backend", "bare_encode_backend_sentences_per_s", 1),
        ("one-doc rebuild s", "rebuild_one_s", 1),
        ("cold start s (`bot ask`)", "cold_start_s", 2), ("bare import s", "bare_import_s", 2),
        ("serve peak RSS MiB", "rss_mb", 0), ("serve RSS after load MiB", "rss_after_load_mb", 0),
    ]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" * len(head))
    for label, key, nd in rows:
        out.append("| " + " | ".join([label, *[_f(c.get(key), nd) for _, c in corpora]]) + " |")
    ratios = [
        ("ask p50 / floor p50", "ask_p50_ms", "floor_p50_ms"),
        ("build / bare encode (chunks/s)", "build_chunks_per_s", "bare_encode_per_s"),
        ("rebuild / full build", "rebuild_one_s", "full_build_s"),
        ("cold start / bare import", "cold_start_s", "bare_import_s"),
    ]
    for label, a, b in ratios:
        out.append("| " + " | ".join([label, *[_ratio(c.get(a), c.get(b)) for _, c in corpora]]) + " |")
    out.append("| build equal-work ratio (bare time / build time) | "
               + " | ".join(_f(c.get("equal_work_ratio"), 2) for _, c in corpora) + " |")

    out += ["", "## Targets", "", "| target | measured | limit | verdict |", "|---|---|---|---|"]
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in targets(results)]

    qual = [(n, c["quality"]) for n, c in corpora if c.get("quality")]
    if qual:
        out += ["", "## Retrieval quality (document level)", "",
                "MedQuAD dev, 300 questions (a hit = any gold id):", "",
                "| corpus | mode | R@1 | R@5 | MRR@10 |", "|---|---|---|---|---|"]
        for n, q in qual:
            for mode in ("bm25", "dense", "hybrid"):
                s = q["medquad_dev"][mode]
                out.append(f"| {n} | {mode} | {s['recall@1']:.3f} | {s['recall@5']:.3f} | {s['mrr@10']:.3f} |")
        out += ["", "TREC LiveQA 2017, 39 judged questions (relevant = score >= 3; nDCG gain = score - 1):", "",
                "| corpus | query | mode | MRR@10 | P@1 | nDCG@10 |", "|---|---|---|---|---|---|"]
        for n, q in qual:
            for fieldname in ("message", "summary"):
                for mode in ("bm25", "dense", "hybrid"):
                    s = q.get("liveqa", {}).get(fieldname, {}).get(mode)
                    if s:
                        out.append(f"| {n} | {fieldname} | {mode} | {s['mrr@10']:.3f} | {s['p@1']:.3f} | "
                                   f"{s['ndcg@10']:.3f} |")
    if results.get("fusion", {}).get("fusion_study"):
        out += ["", "## Fusion study", "", fusion_md(results["fusion"])]
    for key, title in (("onnx", "ONNX backend"), ("hnsw", "FAISS flat vs HNSW")):
        block = results.get(key)
        if block and block.get("summary_md"):
            out += ["", f"## {title}", "", block["summary_md"]]
    return "\n".join(out) + "\n"


def product_formula() -> str:
    """The study's name for the fusion ``engine.search`` uses with the default settings."""
    from bot.settings import Settings

    s = Settings()
    return "rrf_k60" if s.fusion == "rrf" else f"convex_exact_a{s.fusion_alpha}"


def fusion_md(f: dict[str, Any]) -> str:
    """Fusion formulas on the same candidate lists; parameters chosen on even dev questions (tune)."""
    fs = f["fusion_study"]
    corpus = f.get("corpus_name", f"{f.get('documents')} documents")
    rows = [f"Corpus: {corpus}. Parameters chosen on the even-numbered dev questions (tune), reported on the "
            "odd ones (test); LiveQA was not used for tuning.", "",
            "| ranking | tune R@5 | test R@1 | test R@5 | test MRR@10 | LiveQA message MRR@10 | LiveQA summary MRR@10 |",
            "|---|---|---|---|---|---|---|"]
    for m in ("bm25", "dense"):
        t, u = fs["single"][m]["test"], fs["single"][m]["tune"]
        lm = f.get("liveqa", {}).get("message", {}).get(m, {}).get("mrr@10", float("nan"))
        ls = f.get("liveqa", {}).get("summary", {}).get(m, {}).get("mrr@10", float("nan"))
        rows.append(f"| {m} alone | {u['recall@5']:.3f} | {t['recall@1']:.3f} | {t['recall@5']:.3f} | "
                    f"{t['mrr@10']:.3f} | {lm:.3f} | {ls:.3f} |")
    product = product_formula()
    for name in dict.fromkeys(["rrf_k60", *fs["chosen_on_tune"].values(), product]):
        if name not in fs["formulas"]:  # a study from before the product's formula was in it
            continue
        t, u = fs["formulas"][name]["test"], fs["formulas"][name]["tune"]
        lv = fs.get("liveqa", {})
        lm = lv.get("message", {}).get(name, {}).get("mrr@10", float("nan"))
        ls = lv.get("summary", {}).get(name, {}).get("mrr@10", float("nan"))
        label = f"{name} (the product's search)" if name == product else name
        rows.append(f"| {label} | {u['recall@5']:.3f} | {t['recall@1']:.3f} | {t['recall@5']:.3f} | "
                    f"{t['mrr@10']:.3f} | {lm:.3f} | {ls:.3f} |")
    return "\n".join(rows)


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pts = [(c["documents"], n, c) for n, c in _ordered(results.get("corpora", {})) if c.get("documents")]
    pts.sort(key=lambda t: t[0])
    if not pts:
        return
    xs = [p[0] for p in pts]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for key, label, style in (("ask_p50_ms", "ask p50", "o-"), ("ask_p95_ms", "ask p95", "o--"),
                              ("floor_p50_ms", "floor p50 (encode + flat search)", "s-"),
                              ("search_p50_ms", "hybrid search p50", "^-")):
        ys = [p[2].get(key) for p in pts]
        if any(y is not None for y in ys):
            a1.plot([x for x, y in zip(xs, ys, strict=True) if y is not None], [y for y in ys if y is not None],
                    style, label=label)
    a1.set(xscale="log", xlabel="documents", ylabel="ms", title="Question latency vs corpus size")
    a1.grid(alpha=0.3)
    a1.legend(fontsize=8)
    for key, label, style in (("build_chunks_per_s", "index build, chunks/s", "o-"),
                              ("bare_encode_per_s", "bare model.encode (torch), chunks/s", "s--"),
                              ("bare_encode_backend_per_s", "bare encode, index's backend (ONNX int8)", "d:")):
        ys = [p[2].get(key) for p in pts]
        if any(y is not None for y in ys):
            a2.plot([x for x, y in zip(xs, ys, strict=True) if y is not None], [y for y in ys if y is not None],
                    style, label=label)
    a2.set(xscale="log", xlabel="documents", ylabel="chunks per second", title="Build throughput vs corpus size")
    a2.set_ylim(bottom=0)
    a2.grid(alpha=0.3)
    a2.legend(fontsize=8)
    for ax in (a1, a2):
        for x, n, _ in pts:
            ax.annotate(n, (x, 0), xycoords=("data", "axes fraction"), textcoords="offset points", xytext=(0, 3),
                        fontsize=7, ha="center", color="gray")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
