"""Speed and scale benchmark: every number next to its baseline, measured in the same run.

    .venv/bin/python bench/run.py            # seed corpus, a 2k-document MedQuAD slice, full MedQuAD
    .venv/bin/python bench/run.py --quick    # fewer questions and samples; reuses recorded full builds
    .venv/bin/python bench/run.py --corpora seed,2k --stages latency,cold

Per corpus (``corpora`` in results.json):

* ask latency p50/p95 of ``session.ask`` (fresh session per question, like the /ask API) vs the floor:
  one query encode plus a FAISS flat inner-product search over the same chunk vectors;
* full index build (``bot index --force`` into an empty folder, fresh process) in chunks/s vs a bare
  sentence-transformers ``model.encode`` of the same chunk texts (a random sample on big corpora), and
  vs a bare encode with the index's own backend (``_backend`` keys; ONNX int8 by default); the build
  also embeds every sentence, so ``equal_work_ratio`` compares it with a bare encode of chunks *and*
  sentences;
* rebuild after changing one document (a copy of the built index, ``bot index`` on a corpus copy with
  one document edited) vs the full build;
* cold start: ``bot ask`` in a fresh process vs the bare import of what answering needs at least,
  ``python -c "import onnxruntime, faiss, numpy"`` (issue 14);
* peak RSS (VmHWM) of ``bot serve`` after loading and answering questions through /ask;
* retrieval quality (bench/retrieval.py) for hybrid, BM25-only and dense-only.

Full builds of the big corpora take tens of minutes: a measurement is recorded in
``bench/work/full-builds/<corpus>.json`` with the corpus hash and reused while the corpus is
unchanged (``--remeasure-builds`` forces new ones). Results merge into bench/results/results.json, so
stages can be run separately; each entry carries the time it was measured.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.metrics import percentile  # noqa: E402
from bench.retrieval import (  # noqa: E402
    DEV,
    FULL_INDEX,
    LIVEQA,
    MEDQUAD,
    WORK,
    dev_questions,
    gold_ids,
    liveqa_questions,
    make_slice,
)

RESULTS = ROOT / "bench" / "results"
PY = str(ROOT / ".venv" / "bin" / "python")
BOT = str(ROOT / ".venv" / "bin" / "bot")
SEED_QUESTIONS = [
    "Tell me what blinatumomab is.",
    "What are the side effects of inotuzumab?",
    "Which immunotherapies are available for relapsed ALL?",
    "What is the treatment for CNS relapse?",
    "tell me what brexucabtagene autoleucel is",
    "which target does Besponsa bind",
    "what are the most frequent neuro symptoms with Blincyto",
    "who qualifies for Tecartus",
    "how is a relapse in the testicles handled",
    "does inotuzamab harm the liver",
    "is a bone marrow relapse serious",
    "what is clofarabin approved for",
    "what is nelarabine",
    "What is Kymriah?",
    "what are the symptoms of chronic lymphocytic leukemia",
    "recommend a good pizza place",
]
COLD_QUESTION = "Tell me what blinatumomab is."


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False", TOKENIZERS_PARALLELISM="false")
    return e


def timed_run(cmd: list[str], env_: dict[str, str] | None = None, **kw: Any) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env_ or env(), **kw)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]}... exit {proc.returncode}: {proc.stderr[-2000:]}")
    return dt, proc


# ---------------------------------------------------------------- corpora


def corpora(names: list[str]) -> dict[str, dict[str, Any]]:
    """name -> {corpus path, docs, questions (dev subset whose gold is in the corpus)}."""
    dev, live = dev_questions(), liveqa_questions()
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        if name == "seed":
            out[name] = {"corpus": ROOT / "corpus", "dev": [], "live": []}
        elif name == "medquad":
            out[name] = {"corpus": MEDQUAD, "dev": dev, "live": live, "index": FULL_INDEX}
        else:  # "2k", "8k": gold documents plus random others up to that many documents
            total = int(name.rstrip("k")) * 1000
            keep = gold_ids(dev, live)
            path, n = make_slice(MEDQUAD, keep, max(0, total - len(keep)), WORK / "slices" / f"medquad-{name}.jsonl")
            out[name] = {"corpus": path, "dev": dev, "live": live}
        out[name].setdefault("index", WORK / f"bench-{name}-index")
    return out


def corpus_fingerprint(corpus: Path) -> str:
    from bot.corpus import corpus_hash, document_hash, load_corpus

    docs, _ = load_corpus(corpus)
    return corpus_hash({d.id: document_hash(d) for d in docs})


# ---------------------------------------------------------------- builds


def bot_index(corpus: Path, index: Path, force: bool = False) -> dict[str, Any]:
    cmd = [BOT, "index", "--corpus", str(corpus), "--index", str(index), "--json"] + (["--force"] if force else [])
    wall, proc = timed_run(cmd)
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    report["wall_s"] = round(wall, 2)
    return report


def backend() -> str:
    from bot.settings import Settings

    return Settings().embed_backend


def full_build(name: str, spec: dict[str, Any], remeasure: bool) -> dict[str, Any]:
    """A fresh build into an empty folder (no embedding cache), or the recorded one for this corpus."""
    record = WORK / "full-builds" / f"{name}.json"
    fp = corpus_fingerprint(spec["corpus"])
    if record.exists() and not remeasure:
        rec = json.loads(record.read_text())
        same = rec.get("corpus_hash") == fp and rec.get("backend", "torch") == backend()
        if same and (Path(rec["index"]) / "manifest.json").exists():
            log(f"{name}: full build recorded at {rec['measured_at']} ({rec['wall_s']}s), reused")
            rec["reused_record"] = True
            return rec
    index = Path(spec["index"])
    shutil.rmtree(index, ignore_errors=True)
    log(f"{name}: full build -> {index}")
    rep = bot_index(spec["corpus"], index, force=True)
    rep.update(corpus_hash=fp, index=str(index), measured_at=now(), load_during=os.getloadavg()[0], backend=backend())
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(rep, indent=1))
    rep["reused_record"] = False
    return rep


def ensure_index(name: str, spec: dict[str, Any], build: dict[str, Any] | None) -> Path:
    """The index used by the other stages: the full build's, or one seeded from the full MedQuAD index."""
    index = Path(build["index"]) if build else Path(spec["index"])
    if not (index / "manifest.json").exists() and (FULL_INDEX / "manifest.json").exists():
        shutil.copytree(FULL_INDEX, index, dirs_exist_ok=True)
    bot_index(spec["corpus"], index)  # up to date, or brought up to date reusing cached vectors
    return index


def edit_one_document(corpus: Path, out_dir: Path) -> Path:
    """A copy of the corpus with one sentence appended to one document (the middle one)."""
    shutil.rmtree(out_dir, ignore_errors=True)
    if corpus.is_dir():
        shutil.copytree(corpus, out_dir)
        target = sorted(p for p in out_dir.rglob("*.md"))[0]
        target.write_text(target.read_text(encoding="utf-8") + "\nThis sentence was added by the benchmark.\n")
        return out_dir
    out_dir.mkdir(parents=True)
    lines = corpus.read_text(encoding="utf-8").splitlines()
    mid = len(lines) // 2
    row = json.loads(lines[mid])
    row["text"] += " This sentence was added by the benchmark."
    lines[mid] = json.dumps(row, ensure_ascii=False)
    out = out_dir / corpus.name
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def rebuild_one(name: str, index: Path, corpus: Path) -> dict[str, Any]:
    scratch = WORK / f"bench-{name}-rebuild-index"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(index, scratch)
    edited = edit_one_document(corpus, WORK / f"bench-{name}-edited")
    log(f"{name}: rebuild after editing one document")
    rep = bot_index(edited, scratch)
    shutil.rmtree(scratch, ignore_errors=True)
    return rep


def profile_rebuild(name: str, index: Path, corpus: Path) -> None:
    """cProfile of build_index after a one-document edit (in process), for the report."""
    import cProfile
    import pstats

    from bot.chunking import Chunker
    from bot.embedding import make_embedder
    from bot.index_store import build_index
    from bot.settings import Settings

    scratch = WORK / f"bench-{name}-rebuild-index"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(index, scratch)
    edited = edit_one_document(corpus, WORK / f"bench-{name}-edited")
    st = Settings()
    prof = cProfile.Profile()
    prof.enable()
    build_index(edited, scratch, make_embedder(st), Chunker(st.max_chunk_tokens, st.chunk_overlap_sentences),
                progress=False)
    prof.disable()
    with open(WORK / f"profile-rebuild-{name}.txt", "w") as fh:
        pstats.Stats(prof, stream=fh).sort_stats("cumulative").print_stats(45)
    shutil.rmtree(scratch, ignore_errors=True)


# ---------------------------------------------------------------- in-process measurements


def chunk_texts(data: Any) -> tuple[list[str], list[str]]:
    """The texts a build embeds: chunk texts (title-prefixed) and sentence texts."""
    from bot.index_store import chunk_index_text

    chunks = [
        chunk_index_text(data.documents[int(d)], data.documents[int(d)].text[int(s) : int(e)])
        for d, _, s, e, *_ in data.chunks
    ]
    sents = [data.documents[int(d)].text[int(s) : int(e)] for d, s, e, *_ in data.sentences]
    return chunks, sents


def bare_encode(encode: Any, texts: list[str], sample: int, seed: int = 0) -> dict[str, Any]:
    """texts/s of a bare ``encode`` (no cache, no index work), on a random sample."""
    import random

    pick = texts if len(texts) <= sample else random.Random(seed).sample(texts, sample)
    encode(pick[:64])  # warm
    t0 = time.perf_counter()
    encode(pick)
    dt = time.perf_counter() - t0
    return {"texts": len(pick), "seconds": round(dt, 2), "per_s": round(len(pick) / dt, 1)}


def bare_encoders(engine: Any) -> dict[str, Any]:
    """The issue's baseline (sentence-transformers ``model.encode``) and the index's own backend, bare."""
    from bot.embedding import SentenceTransformerEmbedder

    st = SentenceTransformerEmbedder(batch_size=engine.settings.embed_batch_size)
    model = st._load()
    out = {"sentence_transformers": lambda t: model.encode(t, batch_size=st.batch_size, normalize_embeddings=True)}
    if engine.embedder.inner.name != st.name:
        out["backend"] = engine.embedder.inner.encode
    return out


LATENCY_SAMPLES = 100


def latency(engine: Any, questions: list[str]) -> dict[str, Any]:
    import faiss
    import numpy as np

    engine.warm()  # as `bot serve` does before its first visitor (bot/server.py)
    vecs = engine.data.dense.reconstruct_n(0, engine.data.dense.ntotal)
    flat = faiss.IndexFlatIP(vecs.shape[1])
    flat.add(np.ascontiguousarray(vecs, dtype=np.float32))
    ask, floor, search = [], [], []
    # At least ~100 of each: the seed has 16 questions, and a p50 of 16 moved by 0.4x between runs.
    rounds = max(1, -(-LATENCY_SAMPLES // len(questions)))
    for q in [q for _ in range(rounds) for q in questions]:
        t0 = time.perf_counter()
        engine.session().ask(q)
        ask.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        qv = engine.embedder.encode([q])
        flat.search(qv, 10)
        floor.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        engine.search(q, k=8)
        search.append((time.perf_counter() - t0) * 1000)

    def r(x: float) -> float:
        return round(x, 1)

    return {
        "questions": len(questions), "rounds": rounds,
        "ask_p50_ms": r(percentile(ask, 50)), "ask_p95_ms": r(percentile(ask, 95)),
        "floor_p50_ms": r(percentile(floor, 50)), "floor_p95_ms": r(percentile(floor, 95)),
        "search_p50_ms": r(percentile(search, 50)), "search_p95_ms": r(percentile(search, 95)),
    }


def profile_ask(engine: Any, questions: list[str], out: Path) -> list[str]:
    """cProfile of session.ask: the top functions by cumulative time (for the report)."""
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    for q in questions:
        engine.session().ask(q)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(40)
    out.write_text(buf.getvalue())
    return buf.getvalue().splitlines()[:60]


# ---------------------------------------------------------------- subprocess measurements


def cold_start(corpus: Path, index: Path, runs: int) -> dict[str, Any]:
    """Median wall time of `bot ask` in a fresh process vs the bare `import onnxruntime, faiss, numpy`.

    Both run as installed Python runs them, with its bytecode cache: a shell that sets
    PYTHONDONTWRITEBYTECODE (some sandboxes do) would otherwise have every cold `bot ask` compile the
    bot's ~40 modules from source again (~70 ms here), which no installed copy does; the libraries of
    the yardstick have their cache from pip.
    """
    ask_cmd = [BOT, "ask", "--corpus", str(corpus), "--index", str(index), "--no-rebuild", COLD_QUESTION]
    bare_cmd = [PY, "-c", "import onnxruntime, faiss, numpy"]
    cached = {k: v for k, v in env().items() if k != "PYTHONDONTWRITEBYTECODE"}
    timed_run(bare_cmd, env_=cached)  # page cache warm for both, and the bytecode cache written
    timed_run(ask_cmd, env_=cached)
    asks, bares = [], []
    for _ in range(runs):
        bares.append(timed_run(bare_cmd, env_=cached)[0])
        asks.append(timed_run(ask_cmd, env_=cached)[0])
    return {
        "cold_start_s": round(statistics.median(asks), 2),
        "bare_import_s": round(statistics.median(bares), 2),
        "runs": runs,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def server_rss(corpus: Path, index: Path, questions: list[str]) -> dict[str, Any]:
    """Peak RSS of `bot serve` (this process's child) after loading and answering through /ask."""
    import psutil
    from gradio_client import Client

    port = free_port()
    cmd = [BOT, "serve", "--corpus", str(corpus), "--index", str(index), "--port", str(port)]
    logf = open(WORK / "serve.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, env=env())
    try:
        t0 = time.perf_counter()
        url = f"http://127.0.0.1:{port}/"
        import httpx

        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"bot serve exited {proc.returncode}; see {WORK / 'serve.log'}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            if time.perf_counter() - t0 > 600:
                raise RuntimeError("bot serve did not come up in 600 s")
            time.sleep(0.5)
        ready_s = time.perf_counter() - t0
        loaded = psutil.Process(proc.pid).memory_info().rss / 2**20
        client = Client(url, verbose=False, download_files=False)
        for q in questions:
            client.predict(q, api_name="/ask")
        tree = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
        return {
            "rss_mb": round(_hwm_mb(proc.pid), 1),
            "rss_after_load_mb": round(loaded, 1),
            "rss_now_tree_mb": round(sum(p.memory_info().rss for p in tree) / 2**20, 1),
            "ready_s": round(ready_s, 1),
            "questions": len(questions),
            "measured": "bot serve (peak VmHWM after /ask requests)",
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        logf.close()


# ---------------------------------------------------------------- orchestration


def measure(name: str, spec: dict[str, Any], stages: set[str], args: argparse.Namespace) -> dict[str, Any]:
    import bot
    from bench.retrieval import evaluate

    res: dict[str, Any] = {"corpus": str(spec["corpus"]), "measured_at": now()}
    build = None
    if "build" in stages:
        build = full_build(name, spec, args.remeasure_builds)
        res.update(
            full_build_s=build["wall_s"],
            full_build_internal_s=build["seconds"],
            chunks=build["chunks"],
            sentences=build["sentences"],
            build_chunks_per_s=round(build["chunks"] / build["wall_s"], 1),
            full_build_measured_at=build["measured_at"],
            full_build_load_avg=build.get("load_during"),
        )
    index = ensure_index(name, spec, build)
    engine = bot.load(corpus=spec["corpus"], index=index, rebuild=False)
    res["documents"] = len(engine.data.documents)
    res["chunks"] = int(engine.data.dense.ntotal)
    res["sentences"] = len(engine.data.sentences)
    res["dense_index"] = engine.manifest.get("dense_index")
    questions = [q["question"] for q in spec["dev"][: args.questions]] or SEED_QUESTIONS
    if "build" in stages:
        chunks, sents = chunk_texts(engine.data)
        res["backend"] = engine.manifest["model"].get("variant", "torch")
        for label, encode in bare_encoders(engine).items():
            log(f"{name}: bare encode ({label})")
            be = bare_encode(encode, chunks, args.sample)
            bs = bare_encode(encode, sents, args.sample * 4)
            bare_work_s = len(chunks) / be["per_s"] + len(sents) / bs["per_s"]
            tag = "" if label == "sentence_transformers" else "_backend"
            res[f"bare_encode{tag}_per_s"] = be["per_s"]
            res[f"bare_encode{tag}_sentences_per_s"] = bs["per_s"]
            res[f"bare_encode{tag}_sample"] = be["texts"]
            res[f"bare{tag}_equal_work_s"] = round(bare_work_s, 1)
            res[f"build_vs_bare{tag}_chunks"] = round(res["build_chunks_per_s"] / be["per_s"], 3)
            res[f"equal_work{tag}_ratio"] = round(bare_work_s / res["full_build_s"], 3)
    if "rebuild" in stages:
        rb = rebuild_one(name, index, spec["corpus"])
        res.update(rebuild_one_s=rb["wall_s"], rebuild_one_internal_s=rb["seconds"],
                   rebuild_one_embedded=rb["embedded"], rebuild_one_sentences_embedded=rb["sentences_embedded"])
        if args.profile:
            profile_rebuild(name, index, spec["corpus"])
        if res.get("full_build_s"):
            res["rebuild_fraction"] = round(rb["wall_s"] / res["full_build_s"], 4)
    if "latency" in stages:
        log(f"{name}: ask latency over {len(questions)} questions")
        res.update(latency(engine, questions))
        res["ask_vs_floor"] = round(res["ask_p50_ms"] / res["floor_p50_ms"], 2)
        if args.profile:
            prof = profile_ask(engine, questions[:20], WORK / f"profile-ask-{name}.txt")
            log(f"{name}: profile in {WORK / f'profile-ask-{name}.txt'}: {prof[0] if prof else ''}")
    if "quality" in stages and spec["dev"]:
        log(f"{name}: retrieval quality")
        q = evaluate(engine, spec["dev"], spec["live"])
        res["quality"] = q
        res["recall@5"] = {m: q["medquad_dev"][m]["recall@5"] for m in ("hybrid", "bm25", "dense")}
    del engine
    if "cold" in stages:
        log(f"{name}: cold start")
        cs = cold_start(spec["corpus"], index, args.cold_runs)
        res.update(cold_start_s=cs["cold_start_s"], bare_import_s=cs["bare_import_s"])
        res["cold_vs_bare"] = round(cs["cold_start_s"] / cs["bare_import_s"], 2)
    if "rss" in stages:
        log(f"{name}: server RSS")
        rss = server_rss(spec["corpus"], index, questions[:10])
        res.update(rss_mb=rss["rss_mb"], rss_after_load_mb=rss["rss_after_load_mb"], serve_ready_s=rss["ready_s"],
                   rss_measured=rss["measured"])
    return res


def machine() -> dict[str, Any]:
    import psutil

    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
        "note": "load average at start recorded; a busy machine slows torch most",
    }


def write_outputs(results: dict[str, Any]) -> None:
    from bench.report import markdown, plot

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    (RESULTS / "results.md").write_text(markdown(results), encoding="utf-8")
    plot(results, RESULTS / "scale.png")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer questions and samples")
    p.add_argument("--corpora", default="seed,2k,medquad", help="any of seed, 2k, 8k, medquad")
    p.add_argument("--stages", default="build,rebuild,latency,cold,rss,quality")
    p.add_argument("--remeasure-builds", action="store_true")
    p.add_argument("--profile", action="store_true", help="also cProfile session.ask")
    p.add_argument("--questions", type=int, default=None)
    p.add_argument("--sample", type=int, default=None, help="chunk texts for the bare encode")
    p.add_argument("--cold-runs", type=int, default=None)
    p.add_argument("--fresh", action="store_true", help="start a new results.json instead of merging")
    args = p.parse_args(argv)
    args.questions = args.questions or (20 if args.quick else 60)
    args.sample = args.sample or (500 if args.quick else 2000)
    args.cold_runs = args.cold_runs or (2 if args.quick else 3)
    stages = set(args.stages.split(","))
    names = [n for n in args.corpora.split(",") if n]

    path = RESULTS / "results.json"
    results: dict[str, Any] = {} if args.fresh or not path.exists() else json.loads(path.read_text())
    results.setdefault("corpora", {})
    results["machine"] = machine()
    results["inputs"] = {"medquad": str(MEDQUAD), "dev": str(DEV), "liveqa": str(LIVEQA)}
    specs = corpora(names)
    for name in names:
        log(f"== {name}")
        res = measure(name, specs[name], stages, args)
        results["corpora"].setdefault(name, {}).update(res)
        if name == "seed" and "cold" in stages:
            results["cold_start_s"] = res["cold_start_s"]
            results["bare_import_s"] = res["bare_import_s"]
        write_outputs(results)
    notes = WORK / "notes.json"  # hand-written caveats about this run's conditions, if any
    if notes.exists():
        results["notes"] = json.loads(notes.read_text())
    for extra in ("onnx", "hnsw", "fusion"):
        f = WORK / f"{extra}-study.json"
        if f.exists():
            results[extra] = json.loads(f.read_text())
    write_outputs(results)
    print(json.dumps({k: v for k, v in results.items() if k != "corpora"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

