"""Build, save and load the index folder: a fixed set of files and a JSON manifest, never pickles.

Layout of ``index/``::

    manifest.json          format version, model, chunker, corpus hash, per-document hashes, counts
    documents.jsonl        the documents (text and metadata), so quotes and offsets need no corpus
    sentences.npy          int32 rows: doc, start, end, block, kind
    chunks.npy             int32 rows: doc, number, start, end, first sentence, end sentence
    chunk_hashes.npy       content hash per chunk (the embedding cache key)
    sentence_hashes.npy    content hash per sentence
    dense.faiss            chunk vectors (flat inner product, or HNSW above a size threshold)
    sentence_vectors.npy   sentence vectors, memory-mapped at load
    bm25/                  the bm25s keyword index of the chunks
    vocab.json             corpus words and their document frequencies (spelling correction)

A build writes everything into a temporary sibling folder and renames it into place, under a lock,
so a reader never sees a half-written index.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.chunking import CHUNKER_VERSION, Chunker, split_sentences
from bot.corpus import corpus_hash, document_hash, extractors, formats, load_corpus
from bot.embedding import Embedder
from bot.errors import IndexBusyError, IndexStateError
from bot.models import Document
from bot.text import words

FORMAT_VERSION = 1
KINDS = ("prose", "lead_in", "item")
REQUIRED_FILES = (
    "manifest.json",
    "documents.jsonl",
    "sentences.npy",
    "chunks.npy",
    "chunk_hashes.npy",
    "sentence_hashes.npy",
    "dense.faiss",
    "sentence_vectors.npy",
    "bm25/params.index.json",
    "vocab.json",
)
# Top-level names a folder built by this bot may hold: only such a folder is ever replaced by a build.
OWN_NAMES = frozenset(name.split("/")[0] for name in REQUIRED_FILES)


# bench/backends.py hnsw, MedQuAD's 41k chunk vectors: recall@10 against flat 0.978 at efSearch 128,
# 0.985 at 256 (0.6 ms a query, still far below the query encode).
HNSW_M = 32
HNSW_EF_SEARCH = 256

_local = threading.local()


def _stemmer():  # noqa: ANN202
    # One per thread: PyStemmer's stemmers are not thread-safe, and making one per call costs.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import Stemmer

        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


def bm25_tokens(texts: list[str]) -> list[list[str]]:
    import bm25s

    out = bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False)
    return list(out)


_WORD = re.compile(r"(?u)\b\w\w+\b")  # bm25s.tokenize's default pattern


@functools.cache
def _bm25_stopwords() -> frozenset[str]:
    from bm25s.tokenization import _infer_stopwords

    return frozenset(_infer_stopwords("en"))


def query_tokens(text: str) -> list[str]:
    """One query's BM25 tokens: what ``bm25_tokens([text])[0]`` gives, without its batch machinery
    (progress bars, vocabularies), which costs more than the search itself for one short question."""
    stop = _bm25_stopwords()
    return _stemmer().stemWords([w for w in _WORD.findall(text.lower()) if w not in stop])


def text_hash(text: str) -> str:
    # Hex, not raw bytes: numpy's fixed-width bytes type drops trailing NULs.
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


@dataclass
class BuildReport:
    documents: int
    chunks: int
    sentences: int
    embedded: int
    reused: int
    sentences_embedded: int
    seconds: float
    rebuilt: bool
    problems: list[str]
    formats: dict[str, int] = field(default_factory=dict)  # documents per format: text, jsonl, pdf, html

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class IndexData:
    """A loaded index: arrays, vectors and the keyword index, ready for retrieval."""

    def __init__(self, path: Path, manifest: dict[str, Any], documents: list[Document], mmap: bool = True) -> None:
        import bm25s
        import faiss

        self.path = path
        self.manifest = manifest
        self.documents = documents
        self.doc_pos = {d.id: i for i, d in enumerate(documents)}
        self.sentences = _read(path / "sentences.npy", np.load)
        self.chunks = _read(path / "chunks.npy", np.load)
        self.sentence_vectors = _read(path / "sentence_vectors.npy", lambda p: np.load(p, mmap_mode="r"))
        # Memory-mapped (read-only file pages): processes serving one index share one copy of the vectors.
        flags = faiss.IO_FLAG_MMAP_IFC if mmap else 0
        self.dense = _read(path / "dense.faiss", lambda p: faiss.read_index(str(p), flags))
        self.bm25 = _read(
            path / "bm25", lambda p: bm25s.BM25.load(str(p), mmap=True, show_progress=False, verbosity=0)
        )
        self.vocab: dict[str, int] = _read(path / "vocab.json", lambda p: json.loads(p.read_text(encoding="utf-8")))
        n_chunks, n_sents = len(self.chunks), len(self.sentences)
        if self.dense.ntotal != n_chunks or len(self.sentence_vectors) != n_sents:
            raise IndexStateError(
                f"{path / 'dense.faiss'}: holds {self.dense.ntotal} vectors for {n_chunks} chunks"
                if self.dense.ntotal != n_chunks
                else f"{path / 'sentence_vectors.npy'}: {len(self.sentence_vectors)} vectors for {n_sents} sentences"
            )

    def chunk_id(self, row: int) -> str:
        doc, number = int(self.chunks[row, 0]), int(self.chunks[row, 1])
        return f"{self.documents[doc].id}#{number}"


def _reason(exc: BaseException) -> str:
    msg = " ".join(str(exc).split())  # one line
    msg = re.sub(r"^Error in .*? at \S+:\d+: ", "", msg)  # faiss: drop the C++ location
    return f"{type(exc).__name__}: {msg[:160]}"


def _damaged_file(folder: Path) -> Path | None:
    """The first file of ``folder`` (the bm25 index) that does not parse, if any."""
    for f in sorted(folder.rglob("*")):
        try:
            if f.suffix == ".npy":
                np.load(f, mmap_mode="r")
            elif f.suffix == ".json":
                json.loads(f.read_text(encoding="utf-8"))
        except Exception:
            return f
    return None


def _read(path: Path, loader: Any) -> Any:
    """``loader(path)``; any failure becomes one IndexStateError naming the file."""
    try:
        return loader(path)
    except FileNotFoundError as exc:
        raise IndexStateError(f"{exc.filename or path}: missing") from None
    except Exception as exc:  # a damaged file of any kind
        where = (_damaged_file(path) if path.is_dir() else None) or path
        raise IndexStateError(f"{where}: damaged ({_reason(exc)})") from None


# ---------------------------------------------------------------- locking and atomic replacement


@contextlib.contextmanager
def build_lock(index: Path, wait: bool = True) -> Iterator[None]:
    index.parent.mkdir(parents=True, exist_ok=True)
    lock_path = index.parent / f".{index.name}.lock"
    with open(lock_path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise IndexBusyError(f"{index}: another build is running (lock {lock_path})") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _replace_dir(tmp: Path, index: Path) -> None:
    old = index.parent / f".{index.name}.old-{os.getpid()}"
    if index.exists():
        os.rename(index, old)
    os.rename(tmp, index)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    for f in path.rglob("*"):
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())


def clean_leftovers(index: Path) -> None:
    """Remove temporary folders of builds that were killed: they are never mistaken for an index.

    A build running in another process holds the lock and owns its temporary folder: nothing is
    touched then.
    """
    try:
        with build_lock(index, wait=False):
            _clean_leftovers(index)
    except (IndexBusyError, OSError):  # busy, or a read-only folder: nothing to clean up now
        pass


def _clean_leftovers(index: Path) -> None:
    """Under the build lock."""
    for p in index.parent.glob(f".{index.name}.tmp-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in index.parent.glob(f".{index.name}.old-*"):
        if index.exists():
            shutil.rmtree(p, ignore_errors=True)
        else:  # killed between the two renames: the old index is the latest complete one
            os.rename(p, index)


# ---------------------------------------------------------------- manifest checks


def read_manifest(index: Path) -> dict[str, Any]:
    path = index / "manifest.json"
    if not index.exists():
        raise IndexStateError(f"{index}: no index here yet")
    if not path.exists():
        raise IndexStateError(f"{path}: missing; {index} is not an index folder built by this bot")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexStateError(f"{path}: unreadable manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != "bot-index":
        raise IndexStateError(f"{path}: not a manifest of this bot's index")
    return manifest


def check_manifest(
    index: Path, manifest: dict[str, Any], model: str, chunker: dict[str, Any], doc_hashes: dict[str, str] | None
) -> None:
    """Raise IndexStateError naming what does not match."""
    where = index / "manifest.json"
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexStateError(f"{where}: format version {manifest.get('format_version')!r}, expected {FORMAT_VERSION}")
    if manifest.get("model", {}).get("name") != model:
        raise IndexStateError(f"{where}: built with model {manifest.get('model', {}).get('name')!r}, not {model!r}")
    if manifest.get("chunker") != chunker:
        raise IndexStateError(f"{where}: built with chunker settings {manifest.get('chunker')}, now {chunker}")
    for name in REQUIRED_FILES:
        if not (index / name).exists():
            raise IndexStateError(f"{index / name}: missing")
    if doc_hashes is not None and manifest.get("corpus_hash") != corpus_hash(doc_hashes):
        old = manifest.get("documents", {})
        changed = sorted(set(old.items()) ^ set(doc_hashes.items()))
        ids = sorted({d for d, _ in changed})
        raise IndexStateError(f"{where}: stale, {len(ids)} document(s) changed since the build (e.g. {ids[:3]})")


def chunker_config(chunker: Chunker) -> dict[str, Any]:
    return {"version": CHUNKER_VERSION, "max_tokens": chunker.max_tokens, "overlap": chunker.overlap}


def load_index(index: Path, mmap: bool = True) -> IndexData:
    """The index at ``index``; IndexStateError naming the file that is missing or damaged."""
    manifest = read_manifest(index)
    for name in REQUIRED_FILES:
        if not (index / name).exists():
            raise IndexStateError(f"{index / name}: missing")
    documents = _read(
        index / "documents.jsonl",
        # Split on "\n" only: JSON leaves U+2028, U+2029 and U+0085 unescaped, and splitlines() breaks at them.
        lambda p: [Document.model_validate_json(line) for line in p.read_text(encoding="utf-8").split("\n") if line],
    )
    try:
        return IndexData(index, manifest, documents, mmap=mmap)
    except IndexStateError:
        raise
    except Exception as exc:  # anything _read did not attribute to a file
        raise IndexStateError(f"{index}: damaged index ({_reason(exc)})") from None


def check_replaceable(index: Path) -> None:
    """Refuse to replace a folder that this bot did not build (it may be the corpus, or anyone's files)."""
    if not index.exists():
        return
    if not index.is_dir():
        raise IndexStateError(f"{index}: is a file, not an index folder; not replacing it")
    foreign = sorted(p.name for p in index.iterdir() if p.name not in OWN_NAMES)
    if foreign:
        raise IndexStateError(
            f"{index / 'manifest.json'}: missing or not ours, and {index} holds other files ({', '.join(foreign[:3])}); "
            "not replacing it: move it away or choose another index folder"
        )


# ---------------------------------------------------------------- building


def _hash_key(h: object) -> str:
    # Early indexes stored raw 12-byte digests (numpy strips their trailing NULs; pad them back).
    return bytes(h).ljust(12, b"\0").hex() if isinstance(h, bytes | np.bytes_) else str(h)


def _previous_vectors(index: Path, model: str) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Vectors of the previous build keyed by content hash: the embedding cache."""
    try:
        manifest = read_manifest(index)
        if manifest.get("model", {}).get("name") != model:
            return {}, {}
        import faiss

        dense = faiss.read_index(str(index / "dense.faiss"))
        chunk_vecs = dense.reconstruct_n(0, dense.ntotal) if dense.ntotal else np.zeros((0, 1), np.float32)
        chunk_h = np.load(index / "chunk_hashes.npy")
        sent_vecs = np.load(index / "sentence_vectors.npy")
        sent_h = np.load(index / "sentence_hashes.npy")
        if len(chunk_h) != len(chunk_vecs) or len(sent_h) != len(sent_vecs):
            return {}, {}
        return (
            {_hash_key(h): chunk_vecs[i] for i, h in enumerate(chunk_h)},
            {_hash_key(h): sent_vecs[i] for i, h in enumerate(sent_h)},
        )
    except Exception:  # no usable previous index: embed everything
        return {}, {}


def _embed_with_cache(
    texts: list[str], hashes: list[str], cache: dict[str, np.ndarray], embedder: Embedder, progress: bool
) -> tuple[np.ndarray, int]:
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    missing: dict[str, list[int]] = {}
    for i, h in enumerate(hashes):
        vec = cache.get(h)
        if vec is not None and vec.shape == (embedder.dim,):
            out[i] = vec
        else:
            missing.setdefault(h, []).append(i)
    if missing:
        first = [rows[0] for rows in missing.values()]
        vecs = embedder.encode([texts[i] for i in first], progress=progress)
        for rows, vec in zip(missing.values(), vecs, strict=True):
            out[rows] = vec
    return out, len(missing)


def model_variant(name: str) -> str:
    """The embedding backend an index's vectors came from: torch, onnx or onnx-int8."""
    return name.partition("+")[2] or "torch"


def chunk_index_text(doc: Document, text: str) -> str:
    """What is embedded and keyword-indexed for a chunk: its document's title gives it context."""
    return f"{doc.title}: {text}" if doc.title else text


def build_index(
    corpus: Path,
    index: Path,
    embedder: Embedder,
    chunker: Chunker,
    progress: bool = True,
    force: bool = False,
    hnsw_threshold: int = 200_000,
) -> BuildReport:
    """Build (or bring up to date) the index of ``corpus`` at ``index``. Atomic; locked."""
    import bm25s
    import faiss
    from tqdm import tqdm

    t0 = time.perf_counter()
    index = Path(index)
    with build_lock(index):
        _clean_leftovers(index)
        docs, problems = load_corpus(Path(corpus), index=index)
        doc_hashes = {d.id: document_hash(d) for d in docs}
        config = chunker_config(chunker)
        if not force:
            try:
                manifest = read_manifest(index)
                check_manifest(index, manifest, embedder.name, config, doc_hashes)
                load_index(index)  # up to date on paper; but a damaged file is rebuilt too
                counts = manifest["counts"]
                return BuildReport(
                    counts["documents"], counts["chunks"], counts["sentences"], 0, counts["chunks"], 0,
                    time.perf_counter() - t0, False, problems, formats(docs),
                )
            except IndexStateError:
                pass
        check_replaceable(index)
        chunk_cache, sent_cache = _previous_vectors(index, embedder.name)

        sent_rows: list[tuple[int, int, int, int, int]] = []
        sent_texts: list[str] = []
        chunk_rows: list[tuple[int, int, int, int, int, int]] = []
        chunk_texts: list[str] = []
        vocab: Counter[str] = Counter()
        for d_i, doc in enumerate(tqdm(docs, desc="chunking", unit="doc", disable=not progress)):
            sents = split_sentences(doc.text)
            base = len(sent_rows)
            pos = {s.start: base + k for k, s in enumerate(sents)}
            for s in sents:
                sent_rows.append((d_i, s.start, s.end, s.block, KINDS.index(s.kind)))
                sent_texts.append(s.text)
            for n, ch in enumerate(chunker.chunk(doc, sents)):
                first = pos[ch.sentences[0].start]
                chunk_rows.append((d_i, n, ch.start, ch.end, first, first + len(ch.sentences)))
                chunk_texts.append(chunk_index_text(doc, ch.text))
            vocab.update(set(words(doc.title + " " + doc.text)))

        chunk_hashes = [text_hash(f"{embedder.name}\0{t}") for t in chunk_texts]
        sent_hashes = [text_hash(f"{embedder.name}\0{t}") for t in sent_texts]
        if progress:
            print(f"embedding {len(chunk_texts)} chunks ({len(chunk_cache)} cached vectors available)", flush=True)
        chunk_vecs, embedded = _embed_with_cache(chunk_texts, chunk_hashes, chunk_cache, embedder, progress)
        if progress:
            print(f"embedding {len(sent_texts)} sentences", flush=True)
        sent_vecs, sents_embedded = _embed_with_cache(sent_texts, sent_hashes, sent_cache, embedder, progress)

        tmp = index.parent / f".{index.name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            with (tmp / "documents.jsonl").open("w", encoding="utf-8") as fh:
                for doc in docs:
                    fh.write(doc.model_dump_json() + "\n")
            np.save(tmp / "sentences.npy", np.asarray(sent_rows, dtype=np.int32).reshape(-1, 5))
            np.save(tmp / "chunks.npy", np.asarray(chunk_rows, dtype=np.int32).reshape(-1, 6))
            np.save(tmp / "chunk_hashes.npy", np.asarray(chunk_hashes, dtype="U24"))
            np.save(tmp / "sentence_hashes.npy", np.asarray(sent_hashes, dtype="U24"))
            np.save(tmp / "sentence_vectors.npy", sent_vecs)
            dim = embedder.dim
            dense: Any
            if len(chunk_texts) > hnsw_threshold:
                dense = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
                dense.hnsw.efSearch = HNSW_EF_SEARCH
                index_type = "hnsw"
            else:
                dense = faiss.IndexFlatIP(dim)
                index_type = "flat"
            dense.add(chunk_vecs)
            faiss.write_index(dense, str(tmp / "dense.faiss"))
            retriever = bm25s.BM25()
            retriever.index(bm25_tokens(chunk_texts), show_progress=False)
            retriever.save(str(tmp / "bm25"), show_progress=False)
            (tmp / "vocab.json").write_text(json.dumps(dict(vocab)), encoding="utf-8")
            manifest = {
                "kind": "bot-index",
                "format_version": FORMAT_VERSION,
                "model": {"name": embedder.name, "dim": dim, "variant": model_variant(embedder.name)},
                "chunker": config,
                "dense_index": index_type,
                "corpus": str(corpus),
                "corpus_hash": corpus_hash(doc_hashes),
                "documents": doc_hashes,
                "extractors": extractors(docs),
                "counts": {"documents": len(docs), "chunks": len(chunk_rows), "sentences": len(sent_rows)},
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            # The manifest is written last: a folder without one is never taken for an index.
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
            _fsync_dir(tmp)
            _replace_dir(tmp, index)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return BuildReport(
        len(docs), len(chunk_rows), len(sent_rows), embedded, len(chunk_rows) - embedded, sents_embedded,
        time.perf_counter() - t0, True, problems, formats(docs),
    )
