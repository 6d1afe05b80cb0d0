"""An alternative embedding backend: the bundled all-MiniLM-L6-v2 run by onnxruntime.

The transformer is exported once with ``torch.onnx`` (no optimum, no sentence-transformers[onnx])
into a cache folder, optionally quantised to int8 (dynamic quantisation, per-channel MatMul weights).
At run time only ``onnxruntime`` and ``tokenizers`` are imported — not torch — so it also starts
faster. Pooling follows the model's own modules: mean over the attention mask, then L2-normalise.

    emb = OnnxEmbedder(cache_dir=Path("bench/work/onnx"), quantize=True)
    vecs = emb.encode(["Tell me what blinatumomab is."])      # (1, 384) float32, unit length
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import logging
import os
import shutil
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bot.embedding import MODEL_NAME, Begun, bundled_model_path

# Padded tokens per forward pass. Small batches keep a layer's activations (and the heads' score
# matrices, batch x 12 x L x L) in the core's cache: on this machine's 2 cores, 256-512-token batches
# take ~40% less CPU than 64 texts of ~130 tokens (bench/encoder_batching.py). Of 256, 512 and 1024,
# only 256 kept every labelled answer set (int8 vectors move a little with their batch: cosine ~0.995).
BATCH_TOKENS = 256

# Graph fusions left out. onnxruntime's fused SkipLayerNormalization (residual add + LayerNorm) costs
# ~500 us a call on a 200-token batch where its two parts, Add and LayerNormalization, take ~150 us:
# unfused, the int8 encoder spends 9-20% less CPU per chunk (issue 14, bench/results/build_batching.md)
# and its vectors are as close to the float model's (cosine 0.9949 either way). The graph's name
# (GRAPH) marks it, in the vectors' name and in the cached graph's folder.
UNFUSED = ("SkipLayerNormFusion",)
GRAPH = "addln"

# A long encode (a build) runs its batches as independent streams, one per core, each a single-threaded
# forward pass, instead of one pass at a time split over the cores. A 2-core split waits at every one of
# a pass's ~200 small operators for the slower core; streams never wait. Same batches, same vectors;
# ~28% less wall time and ~18% less CPU on 1,000 MedQuAD chunks (issue 14, build_batching.md).
# A short encode (a question) is one batch and keeps the split, which answers it sooner.
STREAM_MIN_BATCHES = 8


def export_onnx(model_path: Path, out: Path, opset: int = 17) -> Path:
    """Export the model's transformer to ``out`` (last_hidden_state for ids, mask and type ids)."""
    from bot.offline import configure

    configure()
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    model = AutoModel.from_pretrained(str(model_path), local_files_only=True, attn_implementation="eager")
    model.eval()

    class Wrapper(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN201
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    ids = torch.ones((2, 16), dtype=torch.int64)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".tmp{os.getpid()}.onnx")
    # The TorchScript exporter warns about traced shape arithmetic that does not apply here.
    with torch.no_grad(), warnings.catch_warnings(), quiet_root_logger():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Wrapper(model),
            (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            str(tmp),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "seq"},
                "attention_mask": {0: "batch", 1: "seq"},
                "token_type_ids": {0: "batch", 1: "seq"},
                "last_hidden_state": {0: "batch", 1: "seq"},
            },
            opset_version=opset,
            dynamo=False,
        )
    os.replace(tmp, out)
    return out


@contextlib.contextmanager
def quiet_root_logger() -> Iterator[None]:
    """Silence the root logger and undo whatever a library does to it meanwhile.

    onnxruntime's quantizer logs a pre-processing hint on the root logger and calls ``basicConfig``,
    which would leave a DEBUG handler behind: later library chatter (bm25s) would reach the user.
    """
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for h in root.handlers[:]:
            if h not in handlers:
                root.removeHandler(h)
        root.setLevel(level)


def quantize_int8(src: Path, out: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = out.with_suffix(f".tmp{os.getpid()}.onnx")
    with quiet_root_logger():
        # Per-channel weights of the MatMuls only: per-tensor int8 (the default, which also quantises
        # the embedding Gather) moves vectors to cosine ~0.95 of the float model; this keeps ~0.99.
        quantize_dynamic(
            str(src), str(tmp), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"]
        )
    os.replace(tmp, out)
    return out


def _model_key(model_path: Path) -> str:
    """Names the export after the source model's files (name, size, mtime): a new model, a new export."""
    h = hashlib.sha256(str(model_path.resolve()).encode())
    for f in sorted(model_path.rglob("*")):
        if f.is_file():
            st = f.stat()
            h.update(f"{f.relative_to(model_path)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


class OnnxEmbedder:
    """Same interface as SentenceTransformerEmbedder; vectors from onnxruntime.

    ``name`` differs from the torch backend's (``+onnx`` / ``+onnx-int8``) so an index records which
    vectors it holds and the embedding cache never mixes them.
    """

    dim = 384

    def __init__(
        self,
        cache_dir: Path,
        model_path: Path | None = None,
        quantize: bool = False,
        batch_size: int = 64,
        threads: int | None = None,
        batch_tokens: int = BATCH_TOKENS,
        query_prepack: bool = True,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size!r}")
        if batch_tokens < 1:
            raise ValueError(f"batch_tokens must be at least 1, got {batch_tokens!r}")
        self.model_path = Path(model_path) if model_path else None
        self.cache_dir = Path(cache_dir)
        self.quantize = quantize
        self.batch_size = batch_size
        self.threads = threads
        self.batch_tokens = batch_tokens
        # False: a question's session starts without pre-packing the int8 weights (the same vectors; ~10 ms
        # sooner, each pass ~1 ms slower): for a process that answers one question (bot ask).
        self.query_prepack = query_prepack
        # int8 activations are quantised per batch (one scale per tensor), so a text's vector depends a
        # little on its batch: the batching is part of the name, and another batching rebuilds an index.
        self.name = f"{MODEL_NAME}+onnx" + (f"-int8@{batch_tokens}t-{GRAPH}" if quantize else f"@{GRAPH}")
        self._session: Any = None
        self._stream_session: Any = None
        self._ahead_session: Any = None  # see begin_with_terms
        self._running: set[threading.Event] = set()  # its passes not yet finished
        self._tokenizer: Any = None
        self._wordpiece: Any = None
        self._term_states: dict[str, tuple[np.ndarray, int]] = {}  # see encode_with_terms

    def model_file(self) -> Path:
        """The ONNX file, exported (and quantised) on first use, kept per source model."""
        folder = self.cache_dir / _model_key(self.model_path or bundled_model_path())
        fp32 = folder / "model.onnx"
        path = folder / ("model-int8.onnx" if self.quantize else "model.onnx")
        if not path.exists():
            if not fp32.exists():
                export_onnx(self.model_path or bundled_model_path(), fp32)
            if self.quantize:
                quantize_int8(fp32, path)
        return path

    def _load(self):  # noqa: ANN202
        if self._session is None:
            import onnxruntime as ort

            tok = self._load_tokenizer()
            self._session = self._new_session(ort)
            self._tokenizer = tok
        return self._session, self._tokenizer

    def _load_tokenizer(self) -> Any:
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            src = self.model_path or bundled_model_path()
            max_len = json.loads((src / "sentence_bert_config.json").read_text()).get("max_seq_length", 256)
            tok = Tokenizer.from_file(str(src / "tokenizer.json"))
            tok.enable_truncation(max_length=max_len)
            tok.no_padding()
            self._tokenizer = tok
        return self._tokenizer

    def _plain_ids(self, text: str) -> list[int] | None:
        """The bundled model's token ids for a plain-ASCII text without importing ``tokenizers`` (a cold
        question's ~50 ms, bot/wordpiece.py); None for other text or another model, whose tokenizer may differ."""
        if self.model_path is not None:
            return None
        if self._wordpiece is None:
            from bot.wordpiece import WordPiece

            src = bundled_model_path()
            max_len = json.loads((src / "sentence_bert_config.json").read_text()).get("max_seq_length", 256)
            self._wordpiece = WordPiece.from_folder(src, max_len)
        return self._wordpiece.ids(text)

    def _new_session(self, ort: Any) -> Any:
        """The session, from a graph optimised once and saved beside the model: optimising the graph
        is most of a session's start (0.6-0.8 s vs 0.9-1.4 s a cold start on this machine).

        The saved graph keeps its weights in a separate file, which onnxruntime maps instead of
        parsing and copying them out of one protobuf: a session starts in ~20 ms of CPU instead of
        ~110 ms (the int8 model's 47 MB float embedding table is most of it), and processes that load
        the same model share the mapped pages. Both files sit in one folder renamed into place, so a
        half-written pair is never loaded.
        """
        opts = self._options(ort)
        model = self.model_file()
        # Extended, not all: level-3 (layout) optimisations may be specific to this CPU, and do
        # nothing for a transformer. The saved graph may use this onnxruntime's fused operators.
        folder = self._graph_folder(ort)
        earlier = model.with_name(f"{model.stem}.opt-{ort.__version__}")
        earlier.with_name(f"{earlier.name}.onnx").unlink(missing_ok=True)  # the earlier caches: a one-file
        shutil.rmtree(earlier, ignore_errors=True)  # graph, then a folder with the fused graph
        if (folder / "model.onnx").exists():
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
            try:
                return ort.InferenceSession(str(folder / "model.onnx"), opts, providers=["CPUExecutionProvider"])
            except Exception:  # a damaged cache: optimise again below
                shutil.rmtree(folder, ignore_errors=True)
            opts = self._options(ort)
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        tmp = folder.with_name(f"{folder.name}.tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        opts.optimized_model_filepath = str(tmp / "model.onnx")
        # Relative to the graph's folder: the graph names its weights file, not a path.
        opts.add_session_config_entry("session.optimized_model_external_initializers_file_name", "model.data")
        opts.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
        session = ort.InferenceSession(
            str(model), opts, providers=["CPUExecutionProvider"], disabled_optimizers=list(UNFUSED)
        )
        try:
            os.rename(tmp, folder)
        except OSError:  # another process saved it first, or a read-only cache: keep theirs / optimise again
            shutil.rmtree(tmp, ignore_errors=True)
        return session

    def _graph_folder(self, ort: Any) -> Path:
        """Where the optimised graph is saved, per onnxruntime version and graph variant."""
        model = self.model_file()
        return model.with_name(f"{model.stem}.opt-{ort.__version__}-{GRAPH}")

    def streams(self) -> int:
        """Concurrent single-threaded forward passes of a long encode: one per core (``threads``)."""
        if self.threads:
            return self.threads
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

    def _streaming_session(self, prepack: bool = True) -> Any:
        """A session whose passes use one thread each; onnxruntime runs concurrent calls of it."""
        if self._stream_session is None:
            import onnxruntime as ort

            if not (self._graph_folder(ort) / "model.onnx").exists():
                self._load()  # optimises the graph and saves it (a question alone needs no other session)
            try:
                self._stream_session = self._one_thread_session(ort, prepack)
            except Exception:  # a damaged saved graph: the full load optimises it again
                self._load()
                self._stream_session = self._one_thread_session(ort, prepack)
        return self._stream_session

    def _one_thread_session(self, ort: Any, prepack: bool = True, pool: int = 0) -> Any:
        """A session whose passes run on one thread: the caller's, or (``pool=1``) one of its own."""
        folder = self._graph_folder(ort)
        # A pass begun ahead (``pool=1``) waits for its next operator spinning, not asleep: it took 2.5 ms
        # asleep and 2.2 ms spinning (inline: 2.4 ms); answers 4.67 -> 4.33 ms p50 with the encode-and-search
        # floor unchanged, and 4 threads asking at once answered 15-35% more a second (the spin is the
        # pool's one thread, between the operators of one short pass).
        opts = self._options(ort, spin=bool(pool))
        opts.intra_op_num_threads = 1 + pool
        if not prepack:
            opts.add_session_config_entry("session.disable_prepacking", "1")
        if (folder / "model.onnx").exists():  # saved by _load's session: no second optimisation
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
            path = folder / "model.onnx"
        else:  # a read-only cache: optimise in memory
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
            path = self.model_file()
        return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"], disabled_optimizers=list(UNFUSED))

    def _options(self, ort: Any, spin: bool = False) -> Any:
        opts = ort.SessionOptions()
        # Idle pool threads would otherwise spin after each call and steal the CPU from the search
        # that follows (one query: 7.5 ms spinning vs 4.0 ms without, on a busy 2-core machine).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        if self.threads:
            opts.intra_op_num_threads = self.threads
        return opts

    def plan(self, lengths: list[int]) -> list[np.ndarray]:
        """Batches (rows of ``lengths``) of similar length, each at most ``batch_size`` rows and
        ``batch_tokens`` padded tokens (one text alone may exceed it)."""
        lens = np.asarray(lengths, dtype=np.int64)
        order = np.argsort(lens, kind="stable")  # ascending: a batch's last text is its widest
        out = []
        start = 0
        while start < len(order):
            stop = start + 1
            while (
                stop < len(order)
                and stop - start < self.batch_size
                and (stop - start + 1) * lens[order[stop]] <= self.batch_tokens
            ):
                stop += 1
            out.append(order[start:stop])
            start = stop
        return out

    def _batches(self, texts: list[str]) -> Iterator[tuple[np.ndarray, list[Any], np.ndarray, np.ndarray]]:
        """Forward passes over ``texts`` in batches of similar length: for each batch, the rows it holds,
        every text's encoding, the token states and the attention mask."""
        session, tok = self._load()
        encs = tok.encode_batch(list(texts))
        plan = self.plan([len(e.ids) for e in encs])

        def forward(sess: Any, rows: np.ndarray) -> tuple[np.ndarray, list[Any], np.ndarray, np.ndarray]:
            width = max(len(encs[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for j, i in enumerate(rows):
                n = len(encs[i].ids)
                ids[j, :n] = encs[i].ids
                mask[j, :n] = 1
            (hidden,) = sess.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
            return rows, encs, hidden, mask

        streams = self.streams()
        if streams < 2 or len(plan) < STREAM_MIN_BATCHES:
            for rows in plan:
                yield forward(session, rows)
            return
        from concurrent.futures import Future, ThreadPoolExecutor

        bulk = self._streaming_session()
        # onnxruntime lets go of the GIL in a pass; a few passes in flight keep every core busy while
        # the caller pools the finished ones, and bound the token states held at once.
        with ThreadPoolExecutor(streams) as pool:
            pending: list[Future[Any]] = []
            for rows in plan:
                pending.append(pool.submit(forward, bulk, rows))
                if len(pending) > 2 * streams:
                    yield pending.pop(0).result()
            for f in pending:
                yield f.result()

    def encode_query(self, text: str) -> np.ndarray:
        """One short text (a question) on a one-thread session: the same vector as ``encode([text])[0]``.

        A 10-30-token pass gains nothing from splitting each of its ~200 small operators over two cores:
        one thread took 2.9-4.3 ms a question where two took 3.1-5.0 ms on this busy 2-core machine, and
        the other core stays free for the rest of the answer (issue 14). The vectors are bit-identical.
        """
        return self._with_terms(self._states(text), [])

    def encode_with_terms(self, text: str, terms: list[str]) -> np.ndarray:
        """The vector of ``text`` followed by ``terms`` (a question and the glossary's names for what it
        names), pooled from the question's own pass and each term's token states computed once on their
        own, without the [CLS]/[SEP] of that pass: the mean over the same tokens, each term's states taken
        out of the question's context.

        Appended names were a third of a seed question's tokens (17.4 a question against 11.8 without), and
        a pass costs ~0.1 ms a token. Against encoding the joined text, over every labelled answer: training
        2,867 -> 2,870 of 3,139, held out 1,270 -> 1,268 of 1,492, the kit equal; the question alone, without
        the names, lost 10 and 7.
        """
        return self._with_terms(self._states(text), terms)

    def begin_with_terms(self, text: str, terms: list[str]) -> Begun | None:
        """Start ``encode_with_terms``'s pass on a thread of onnxruntime's own and return what waits for it
        (the same vector, bit for bit); None for a serving worker kept to one thread.

        The pass runs without Python's lock: a Python thread started for it waited for the lock until the
        caller's next wait (up to Python's 5 ms switch interval) and gained nothing.
        """
        if self.threads == 1:
            return None
        if self._ahead_session is None:
            import onnxruntime as ort

            self._streaming_session(self.query_prepack)  # the saved graph, once
            self._ahead_session = self._one_thread_session(ort, self.query_prepack, pool=1)
            # A pass still running when Python shuts down calls back into a finalising interpreter, which
            # aborts the process ("FATAL: exception not rethrown"): the passes begun are waited for first.
            atexit.register(self._settle)
        ids = self._ids(text)
        begun = _Begun(self, terms)
        self._running.add(begun.done)
        self._ahead_session.run_async(None, self._feed(ids), begun.finished, None)
        return begun

    def _settle(self, timeout: float = 5.0) -> None:
        """Wait (at most ``timeout`` seconds in all) for the passes begun and not yet finished."""
        end = time.monotonic() + timeout
        for done in list(self._running):
            done.wait(max(0.0, end - time.monotonic()))

    def _with_terms(self, hidden: np.ndarray, terms: list[str]) -> np.ndarray:
        if not terms:
            # ``_pool`` without padding: every mask value is 1, so the masked sum is the plain sum and the
            # count is the length; the same float32 operations, in the same order, on fewer arrays.
            pooled = hidden.sum(axis=0, keepdims=True) / np.float32(hidden.shape[0])
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            return pooled[0]
        total, count = hidden.sum(axis=0), hidden.shape[0]
        for term in terms:
            if term not in self._term_states:
                states = self._states(term)[1:-1]
                self._term_states[term] = (states.sum(axis=0), states.shape[0])
            part, n = self._term_states[term]
            total, count = total + part, count + n
        pooled = total / np.float32(count)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)

    def _ids(self, text: str) -> np.ndarray:
        plain = self._plain_ids(text)
        return np.asarray([self._load_tokenizer().encode(text).ids if plain is None else plain], dtype=np.int64)

    @staticmethod
    def _feed(ids: np.ndarray) -> dict[str, np.ndarray]:
        return {"input_ids": ids, "attention_mask": np.ones(ids.shape, np.int64), "token_type_ids": np.zeros(ids.shape, np.int64)}

    def _states(self, text: str) -> np.ndarray:
        """The token states of one short text's pass, [CLS] and [SEP] included."""
        # A serving worker's own session has one thread already; otherwise only the one-thread session is
        # loaded (a cold `bot ask` starts one session, not two).
        session = self._load()[0] if self.threads == 1 else self._streaming_session(self.query_prepack)
        (hidden,) = session.run(None, self._feed(self._ids(text)))
        return hidden[0]

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        for rows, _, hidden, mask in self._batches(texts):
            out[rows] = _pool(hidden, mask)
        return out

    def encode_spans(
        self, texts: list[str], spans: list[list[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """One forward pass per text: its vector, and a vector for each character span of it (the mean
        of the token states inside the span, normalised). A span the model's window cut off gets a row
        of zeros: the caller encodes it on its own."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        parts = [np.zeros((len(s), self.dim), dtype=np.float32) for s in spans]
        if not texts:
            return out, parts
        for rows, encs, hidden, _ in self._batches(texts):
            for j, i in enumerate(rows):
                n = len(encs[i].ids)
                states = hidden[j, :n]
                out[i] = _unit(states.mean(axis=0))
                offs = np.asarray(encs[i].offsets[:n])
                real = np.asarray(encs[i].special_tokens_mask[:n]) == 0
                mids = (offs[:, 0] + offs[:, 1]) / 2
                for k, (a, b) in enumerate(spans[i]):
                    inside = real & (mids >= a) & (mids < b)
                    if inside.any() and offs[real][-1, 1] >= b:  # the span is whole inside the window
                        parts[i][k] = _unit(states[inside].mean(axis=0))
        return out, parts


def _pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the token states over the attention mask, L2-normalised (the model's own pooling)."""
    m = mask[..., None].astype(np.float32)
    pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
    pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
    return pooled


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-12)


# How often ``_Begun.ready`` hands Python's lock over: a pass takes 1-3 ms; each hand-over costs a few us.
POLL_S = 0.0002


class _Begun:
    """A pass run by onnxruntime on its own thread (``begin_with_terms``)."""

    def __init__(self, embedder: OnnxEmbedder, terms: list[str]) -> None:
        self.embedder, self.terms = embedder, terms
        self.done = threading.Event()
        self.box: list[tuple[list[np.ndarray], str]] = []
        self.polled = 0.0

    def finished(self, results: list[np.ndarray], _data: object, error: str) -> None:
        self.box.append((results, error))
        self.embedder._running.discard(self.done)
        self.done.set()

    def ready(self) -> bool:
        if self.done.is_set():
            return True
        now = time.perf_counter()
        if now - self.polled < POLL_S:
            return False
        self.polled = now
        # The pass's callback needs Python's lock, which the polling thread holds (it would get it only
        # at the 5 ms switch interval): handed over for a moment.
        time.sleep(0)
        return self.done.is_set()

    def __call__(self) -> np.ndarray:
        self.done.wait()
        results, error = self.box[0]
        if error:
            raise RuntimeError(f"the question's encoding failed: {error}")
        return self.embedder._with_terms(results[0][0], self.terms)
