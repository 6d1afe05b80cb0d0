"""Embedding backends: the factory, the ONNX export cache, and the int8 model against torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.embedding import MODEL_NAME, SentenceTransformerEmbedder, make_embedder
from bot.embedding_onnx import BATCH_TOKENS, OnnxEmbedder, _model_key
from bot.index_store import model_variant
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "Blinatumomab is a bispecific T-cell engager.",
    "Cytokine release syndrome is a side effect of CAR T-cell therapy.",
    "How is relapsed acute lymphoblastic leukemia treated?",
    "A sunny day at the beach.",
]


def test_the_default_backend_is_onnx_int8_and_names_its_vectors() -> None:
    emb = make_embedder(Settings())
    assert isinstance(emb, OnnxEmbedder) and emb.quantize
    assert emb.name == f"{MODEL_NAME}+onnx-int8@256t-addln"
    assert model_variant(emb.name) == "onnx-int8"


def test_int8_vectors_name_their_batching_so_another_batching_rebuilds(tmp_path: Path) -> None:
    names = {OnnxEmbedder(tmp_path, quantize=True, batch_tokens=n).name for n in (256, 512)}
    assert len(names) == 2
    # fp32 activations are not quantised per batch: its vectors do not depend on the batching.
    assert OnnxEmbedder(tmp_path, batch_tokens=256).name == OnnxEmbedder(tmp_path).name == f"{MODEL_NAME}+onnx@addln"


def test_the_token_budget_setting_reaches_the_embedder(tmp_path: Path) -> None:
    assert Settings().embed_batch_tokens == BATCH_TOKENS  # the embedder's own default is the settings'
    emb = make_embedder(Settings(embed_batch_tokens=1000, model_cache=tmp_path))
    assert isinstance(emb, OnnxEmbedder) and emb.batch_tokens == 1000 and "@1000t-" in emb.name
    assert emb.query_prepack and not make_embedder(Settings(query_prepack=False)).query_prepack  # type: ignore[attr-defined]


def test_batches_hold_similar_lengths_within_the_token_budget(tmp_path: Path) -> None:
    emb = OnnxEmbedder(tmp_path, quantize=True, batch_size=4, batch_tokens=100)
    lengths = [30, 10, 300, 10, 20, 10, 10, 10, 10, 60]
    batches = emb.plan(lengths)
    assert sorted(int(i) for b in batches for i in b) == list(range(len(lengths)))  # every text once
    for b in batches:
        assert len(b) <= 4
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 100
    # Four 10s (the row cap); 10, 10, 20 (60 padded tokens; a 30 would make 4 x 30); 30 (2 x 60 > 100);
    # 60; and 300, over the budget, alone.
    assert [[lengths[i] for i in b] for b in batches] == [[10] * 4, [10, 10, 20], [30], [60], [300]]


def test_each_backend_has_its_own_name_so_caches_never_mix(tmp_path: Path) -> None:
    names = {b: make_embedder(Settings(embed_backend=b, model_cache=tmp_path)).name for b in ("torch", "onnx", "onnx-int8")}
    assert len(set(names.values())) == 3
    assert isinstance(make_embedder(Settings(embed_backend="torch")), SentenceTransformerEmbedder)
    assert [model_variant(n) for n in names.values()] == ["torch", "onnx", "onnx-int8"]


def test_an_unknown_backend_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="embed_backend"):
        Settings(embed_backend="tensorflow")  # type: ignore[arg-type]


def test_a_bad_token_budget_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="batch_tokens"):
        OnnxEmbedder(tmp_path, batch_tokens=0)


def test_bad_batch_size_is_named() -> None:
    with pytest.raises(ValueError, match="batch_size.*0"):
        OnnxEmbedder(Path("x"), batch_size=0)


def test_the_export_is_keyed_by_the_source_model(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, weights in ((a, b"1234"), (b, b"12345")):
        folder.mkdir()
        (folder / "model.safetensors").write_bytes(weights)
    assert _model_key(a) != _model_key(b)
    assert _model_key(a) == _model_key(a)


def test_no_texts_need_no_model(tmp_path: Path) -> None:
    emb = OnnxEmbedder(tmp_path / "cache", model_path=tmp_path / "missing", quantize=True)
    assert emb.encode([]).shape == (0, 384)
    assert not (tmp_path / "cache").exists()


@pytest.mark.model
def test_int8_vectors_stay_close_to_torch_and_rank_alike() -> None:
    int8 = make_embedder(Settings(embed_backend="onnx-int8")).encode(TEXTS)
    ref = SentenceTransformerEmbedder().encode(TEXTS)
    assert int8.shape == ref.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-4)
    assert (int8 * ref).sum(axis=1).min() > 0.97
    query = make_embedder(Settings()).encode(["what treats leukemia that came back"])[0]
    assert np.argmax(int8 @ query) == np.argmax(ref @ query) == 2


@pytest.mark.model
def test_the_onnx_backend_answers_without_importing_torch(tmp_path: Path) -> None:
    # Cold start: the int8 backend needs onnxruntime and tokenizers only (once the model is exported).
    make_embedder(Settings()).model_file()
    code = (
        f"import sys, bot; e = bot.load(index={str(tmp_path / 'index')!r}); a = e.session().ask('What is blinatumomab?');"
        "print(a.abstained, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False", "False", "False"]


def test_the_export_leaves_the_root_logger_as_it_found_it() -> None:
    # onnxruntime's quantizer calls logging.basicConfig; left behind, its DEBUG handler printed
    # bm25s's "Building index from tokens" under `bot index`.
    import logging

    from bot.embedding_onnx import quiet_root_logger

    root = logging.getLogger()
    before = (root.level, list(root.handlers))
    with quiet_root_logger():
        root.addHandler(logging.StreamHandler())  # what basicConfig does on a bare root logger
        root.setLevel(logging.DEBUG)
    assert (root.level, list(root.handlers)) == before


@pytest.mark.model
def test_the_optimised_graph_is_saved_once_and_encodes_alike(tmp_path: Path) -> None:
    # A cold start loads the graph optimised by an earlier start instead of optimising it again; its
    # weights are a separate file (mapped, not parsed) beside it.
    import shutil

    src = make_embedder(Settings()).model_file()
    cache = tmp_path / "cache"
    shutil.copytree(src.parent, cache / src.parent.name, ignore=shutil.ignore_patterns("*.opt-*"))
    import onnxruntime

    old = cache / src.parent.name / f"model-int8.opt-{onnxruntime.__version__}.onnx"
    old.write_bytes(b"")  # the earlier one-file cache
    first = OnnxEmbedder(cache, quantize=True)
    vecs = first.encode(TEXTS)
    assert not old.exists()
    (saved,) = (p for p in (cache / src.parent.name).glob("model-int8.opt-*") if p.is_dir())
    assert sorted(p.name for p in saved.iterdir()) == ["model.data", "model.onnx"]
    assert (saved / "model.data").stat().st_size > 20_000_000 > (saved / "model.onnx").stat().st_size
    # The residual adds stay apart from their LayerNorms: the fused operator is the slower (UNFUSED).
    graph = (saved / "model.onnx").read_bytes()
    assert b"LayerNormalization" in graph and b"SkipLayerNormalization" not in graph
    stamp = (saved / "model.onnx").stat().st_mtime_ns
    again = OnnxEmbedder(cache, quantize=True).encode(TEXTS)
    assert (saved / "model.onnx").stat().st_mtime_ns == stamp  # loaded, not written again
    assert np.array_equal(vecs, again)
    (saved / "model.data").write_bytes(b"damaged")
    assert np.array_equal(OnnxEmbedder(cache, quantize=True).encode(TEXTS), vecs)
    assert (saved / "model.data").stat().st_size > 20_000_000  # saved again


@pytest.mark.model
def test_one_pass_gives_the_chunk_vector_and_in_context_sentence_vectors() -> None:
    # token_states: a chunk's vector from encode_spans is its encode() vector, so retrieval is unchanged.
    emb = make_embedder(Settings())
    text = " ".join(TEXTS)
    starts = [text.index(t) for t in TEXTS]
    vecs, parts = emb.encode_spans([text, TEXTS[0]], [[(a, a + len(t)) for a, t in zip(starts, TEXTS, strict=True)], []])
    assert np.allclose(vecs, emb.encode([text, TEXTS[0]]), atol=1e-5)
    assert parts[0].shape == (len(TEXTS), 384) and parts[1].shape == (0, 384)
    alone = emb.encode(TEXTS)
    cos = (parts[0] * alone).sum(axis=1)
    # Read in context, a sentence still resembles itself most (an off-topic one takes on its chunk's topic).
    assert cos.min() > 0.35 and list(np.argmax(alone @ parts[0].T, axis=1)) == list(range(len(TEXTS)))


def test_a_single_threaded_embedder_runs_one_stream(tmp_path: Path) -> None:
    # A serving worker (threads=1) keeps to its one core; a build uses one stream per core.
    assert OnnxEmbedder(tmp_path, threads=1).streams() == 1
    assert OnnxEmbedder(tmp_path, threads=2).streams() == 2


@pytest.mark.model
def test_streamed_batches_give_the_same_vectors(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.embedding_onnx as onnx_mod

    emb = OnnxEmbedder(Settings().model_cache, quantize=True, batch_tokens=32, threads=2)
    texts = [f"{t} ({i})" for i in range(4) for t in TEXTS]
    monkeypatch.setattr(onnx_mod, "STREAM_MIN_BATCHES", 10**9)
    alone = emb.encode(texts)
    assert emb._stream_session is None  # one pass at a time
    monkeypatch.setattr(onnx_mod, "STREAM_MIN_BATCHES", 2)
    streamed = emb.encode(texts)
    assert emb._stream_session is not None
    assert np.allclose(alone, streamed, atol=1e-5)
    vecs, parts = emb.encode_spans(texts, [[(0, len(t))] for t in texts])  # the build's call, streamed too
    assert np.allclose(vecs, streamed, atol=1e-5)
    # A whole-text span is the mean over its words (no [CLS] / [SEP]): close to the text's vector.
    assert ((np.vstack(parts) * streamed).sum(axis=1) > 0.95).all()


@pytest.mark.model
def test_a_question_is_encoded_on_one_thread_to_the_same_vector() -> None:
    emb = OnnxEmbedder(Settings().model_cache, quantize=True, threads=2)
    for text in TEXTS:
        assert np.array_equal(emb.encode_query(text), emb.encode([text])[0])
    assert emb._stream_session is not None  # the one-thread session, not the two-thread one
    # With the optimised graph saved (above), a question alone starts only the one-thread session.
    cold = OnnxEmbedder(Settings().model_cache, quantize=True, threads=2)
    assert np.array_equal(cold.encode_query(TEXTS[0]), emb.encode([TEXTS[0]])[0])
    assert cold._session is None and cold._stream_session is not None
    unpacked = OnnxEmbedder(Settings().model_cache, quantize=True, threads=2, query_prepack=False)
    for text in TEXTS:  # a one-shot command's session: no weights pre-packed, the same vectors
        assert np.array_equal(unpacked.encode_query(text), emb.encode([text])[0])
    assert cold._tokenizer is None  # a plain-ASCII question is tokenized without `tokenizers` (bot/wordpiece.py)
    other = "Qu'est-ce que le blinatumomab ? Une thérapie ciblée."  # not ASCII: `tokenizers`, the same vector
    assert np.array_equal(cold.encode_query(other), emb.encode([other])[0]) and cold._tokenizer is not None


@pytest.mark.model
def test_a_question_with_terms_reuses_each_terms_token_states(monkeypatch: pytest.MonkeyPatch) -> None:
    emb = OnnxEmbedder(Settings().model_cache, quantize=True, threads=2)
    question, term = "does Besponsa harm the liver", "inotuzumab ozogamicin"
    assert np.array_equal(emb.encode_with_terms(question, []), emb.encode_query(question))
    composed = emb.encode_with_terms(question, [term])
    # By hand: the question's states (with [CLS]/[SEP]) and the term's (without), one mean over all.
    q_states, t_states = emb._states(question), emb._states(term)[1:-1]
    mean = (q_states.sum(axis=0) + t_states.sum(axis=0)) / (len(q_states) + len(t_states))
    assert np.allclose(composed, mean / np.linalg.norm(mean), atol=1e-6)
    assert abs(float(np.linalg.norm(composed)) - 1.0) < 1e-5
    # Close to the joined text's vector, not the question's alone: the term still counts.
    joined = emb.encode_query(f"{question} {term}")
    assert float(composed @ joined) > 0.95 and float(composed @ joined) > float(composed @ emb.encode_query(question))
    passes: list[str] = []
    real = emb._states
    monkeypatch.setattr(emb, "_states", lambda text: passes.append(text) or real(text))
    assert np.array_equal(emb.encode_with_terms("is Besponsa given to children", [term]),
                          emb.encode_with_terms("is Besponsa given to children", [term]))
    assert passes == ["is Besponsa given to children"] * 2  # the term's states were kept from the first call


@pytest.mark.model
def test_a_begun_question_gives_the_same_vector_as_one_encoded_now() -> None:
    emb = OnnxEmbedder(Settings().model_cache, quantize=True, threads=2)
    for text, terms in (("does Besponsa harm the liver", ["inotuzumab ozogamicin"]), ("what is nelarabine", []),
                        ("Qu'est-ce que le blinatumomab ?", [])):
        wait = emb.begin_with_terms(text, terms)
        assert wait is not None and np.array_equal(wait(), emb.encode_with_terms(text, terms))
    # Two begun before either is waited for: each gets its own.
    first, second = emb.begin_with_terms("what is nelarabine", []), emb.begin_with_terms("what is Kymriah", [])
    assert first is not None and second is not None
    assert np.array_equal(second(), emb.encode_query("what is Kymriah"))
    assert np.array_equal(first(), emb.encode_query("what is nelarabine"))
    # A serving worker kept to one thread has no pool for it: nothing is begun.
    assert OnnxEmbedder(Settings().model_cache, quantize=True, threads=1).begin_with_terms("what is ALL", []) is None


@pytest.mark.model
def test_a_begun_pass_says_when_it_is_ready_without_waiting_for_it() -> None:
    emb = OnnxEmbedder(Settings().model_cache, quantize=True, threads=2)
    begun = emb.begin_with_terms("what is nelarabine", [])
    assert begun is not None
    polls = 0
    while not begun.ready():  # its callback needs Python's lock, which ``ready`` hands over now and then
        polls += 1
        assert polls < 10_000_000, "a finished pass was never seen ready"
    assert begun.ready() and np.array_equal(begun(), emb.encode_query("what is nelarabine"))


@pytest.mark.model
def test_a_process_exits_cleanly_with_a_pass_begun_and_never_waited_for(tmp_path: Path) -> None:
    # Left running at exit, onnxruntime's thread called back into a finalising Python, which aborted
    # the process ("FATAL: exception not rethrown", exit code 134): the passes are waited for at exit.
    script = (
        "from bot.embedding_onnx import OnnxEmbedder\n"
        "from bot.settings import Settings\n"
        "emb = OnnxEmbedder(Settings().model_cache, quantize=True, threads=2)\n"
        "emb.begin_with_terms('what is blinatumomab and how is it given to children', ['inotuzumab ozogamicin'])\n"
        "print('begun')\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "begun" in done.stdout, done.stderr
    assert "FATAL" not in done.stderr
