"""Building the index folder (see ``layout``): chunk, embed with the cache, write, swap in atomically."""

from __future__ import annotations

import json
import shutil
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot import conditions, stemming, zipf
from bot.chunking import Chunker, split_sentences
from bot.corpus import corpus_hash, document_hash, extractors, formats, load_corpus
from bot.embedding import Embedder
from bot.errors import IndexStateError
from bot.index_store import filestats, swap
from bot.index_store.hashing import vector_key
from bot.index_store.layout import DEFAULT_METHOD, FORMAT_VERSION, HNSW_EF_SEARCH, HNSW_M, KINDS
from bot.index_store.load import check_manifest, check_replaceable, chunker_config, load_index, read_manifest
from bot.index_store.tokens import bm25_tokens
from bot.index_store.tokens import record as keyword_record
from bot.index_store.vectors import describe, make_vectors, previous_vectors
from bot.models import Document
from bot.text import words


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


def model_variant(name: str) -> str:
    """The embedding backend an index's vectors came from: torch, onnx or onnx-int8 (the name's
    ``@...`` tail, the int8 batching, is not part of it)."""
    return name.partition("+")[2].partition("@")[0] or "torch"


def chunk_index_text(doc: Document, text: str) -> str:
    """What is keyword-indexed (and, with ``separate`` vectors, embedded) for a chunk: its
    document's title gives it context."""
    return f"{doc.title}: {text}" if doc.title else text


@dataclass
class _Tables:
    sent_rows: list[tuple[int, int, int, int, int]]
    sent_texts: list[str]
    chunk_rows: list[tuple[int, int, int, int, int, int]]
    chunk_texts: list[str]
    vocab: Counter[str]


def previous_split(index: Path, config: dict[str, Any], doc_hashes: dict[str, str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The sentence and chunk rows of every document the index at ``index`` holds unchanged (same hash,
    same chunker), with sentence numbers counted from the document's first: a rebuild for one edited
    document does not split the others again. {} when there is no usable index."""
    try:
        manifest = read_manifest(index)
        if manifest.get("chunker") != config:
            return {}
        old = list(manifest.get("documents", {}).items())
        sents = np.load(index / "sentences.npy", allow_pickle=False)
        chunks = np.load(index / "chunks.npy", allow_pickle=False)
        s_lo = np.searchsorted(sents[:, 0], np.arange(len(old) + 1), side="left")
        c_lo = np.searchsorted(chunks[:, 0], np.arange(len(old) + 1), side="left")
        out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for i, (doc_id, digest) in enumerate(old):
            if doc_hashes.get(doc_id) != digest:
                continue
            own_chunks = chunks[c_lo[i] : c_lo[i + 1]].copy()
            own_chunks[:, 4:6] -= s_lo[i]
            out[doc_id] = (sents[s_lo[i] : s_lo[i + 1]], own_chunks)
        return out
    except Exception:  # no usable previous index: every document is split
        return {}


def _split(
    docs: list[Document], chunker: Chunker, progress: bool,
    previous: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> _Tables:
    from tqdm import tqdm

    t = _Tables([], [], [], [], Counter())
    known = previous or {}
    for d_i, doc in enumerate(tqdm(docs, desc="chunking", unit="doc", disable=not progress)):
        t.vocab.update(set(words(doc.title + " " + doc.text)))
        if doc.id in known:
            # Split before, unchanged since: its rows, renumbered (sentence and chunk texts are spans of it).
            old_sents, old_chunks = known[doc.id]
            base = len(t.sent_rows)
            for _, a, b, blk, kind in old_sents.tolist():
                t.sent_rows.append((d_i, a, b, blk, kind))
                t.sent_texts.append(doc.text[a:b])
            for _, n, a, b, first, last in old_chunks.tolist():
                t.chunk_rows.append((d_i, n, a, b, base + first, base + last))
                t.chunk_texts.append(chunk_index_text(doc, doc.text[a:b]))
            continue
        sents = split_sentences(doc.text)
        base = len(t.sent_rows)
        pos = {s.start: base + k for k, s in enumerate(sents)}
        for s in sents:
            t.sent_rows.append((d_i, s.start, s.end, s.block, KINDS.index(s.kind)))
            t.sent_texts.append(s.text)
        for n, ch in enumerate(chunker.chunk(doc, sents)):
            first = pos[ch.sentences[0].start]
            t.chunk_rows.append((d_i, n, ch.start, ch.end, first, first + len(ch.sentences)))
            t.chunk_texts.append(chunk_index_text(doc, ch.text))
    return t


def _bounds_in_owner(sentences: np.ndarray, chunks: np.ndarray, chunk_texts: list[str]) -> np.ndarray:
    """Each sentence's (start, end) within the text of the first chunk holding it (title prefix included)."""
    from bot.index_store.vectors import sentence_owners

    owner = sentence_owners(len(sentences), chunks[:, 4:6])
    prefix = np.asarray([len(t) for t in chunk_texts], np.int64) - (chunks[:, 3] - chunks[:, 2])
    base = (prefix - chunks[:, 2])[owner] if len(sentences) else np.zeros(0, np.int64)
    return np.stack([sentences[:, 1] + base, sentences[:, 2] + base], axis=1) if len(sentences) else np.zeros((0, 2))


def _dense_index(vecs: np.ndarray, dim: int, hnsw_threshold: int) -> tuple[Any, str]:
    import faiss

    dense: Any
    if len(vecs) > hnsw_threshold:
        dense = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        dense.hnsw.efSearch = HNSW_EF_SEARCH
        kind = "hnsw"
    else:
        dense = faiss.IndexFlatIP(dim)
        kind = "flat"
    dense.add(vecs)
    return dense, kind


def _up_to_date(
    index: Path, model: str, config: dict[str, Any], doc_hashes: dict[str, str], method: str
) -> dict[str, Any] | None:
    """The manifest when the index needs no rebuild, else None."""
    try:
        manifest = read_manifest(index)
        check_manifest(index, manifest, model, config, doc_hashes, method)
        load_index(index)  # up to date on paper; but a damaged file is rebuilt too
        return manifest
    except IndexStateError:
        return None


def build_index(
    corpus: Path,
    index: Path,
    embedder: Embedder,
    chunker: Chunker,
    progress: bool = True,
    force: bool = False,
    hnsw_threshold: int = 200_000,
    method: str = DEFAULT_METHOD,
) -> BuildReport:
    """Build (or bring up to date) the index of ``corpus`` at ``index``. Atomic; locked."""
    import bm25s
    import faiss

    t0 = time.perf_counter()
    index = Path(index)
    with swap.build_lock(index):
        swap.clean_leftovers_locked(index)
        snap = filestats.snapshot(Path(corpus))  # before reading: a file edited meanwhile then no longer matches
        docs, problems = load_corpus(Path(corpus), index=index)
        doc_hashes = {d.id: document_hash(d) for d in docs}
        config = chunker_config(chunker)
        manifest = None if force else _up_to_date(index, embedder.name, config, doc_hashes, method)
        if manifest is not None:
            refresh_conditions(index, manifest)
            counts = manifest["counts"]
            return BuildReport(
                counts["documents"], counts["chunks"], counts["sentences"], 0, counts["chunks"], 0,
                time.perf_counter() - t0, False, problems, formats(docs),
            )
        check_replaceable(index)
        model = embedder.name
        cache = previous_vectors(index, embedder.name)
        known_conditions = previous_conditions(index)
        t = _split(docs, chunker, progress, previous_split(index, config, doc_hashes))
        sentences = np.asarray(t.sent_rows, dtype=np.int32).reshape(-1, 5)
        chunks = np.asarray(t.chunk_rows, dtype=np.int32).reshape(-1, 6)
        vecs = make_vectors(
            method, embedder, cache, t.chunk_texts, t.sent_texts, chunks[:, 4:6], chunks[:, 0],
            [d.title for d in docs], progress, _bounds_in_owner(sentences, chunks, t.chunk_texts),
        )

        tmp = swap.temp_dir(index)
        try:
            with (tmp / "documents.jsonl").open("w", encoding="utf-8") as fh:
                for doc in docs:
                    fh.write(doc.model_dump_json() + "\n")
            np.save(tmp / "sentences.npy", sentences)
            np.save(tmp / "chunks.npy", chunks)
            # Cache keys: a later build under the same model reuses these vectors.
            chunk_keys = vecs.chunk_keys or [vector_key(model, c) for c in t.chunk_texts]
            sent_keys = vecs.sentence_keys or [vector_key(model, s) for s in t.sent_texts]
            np.save(tmp / "chunk_hashes.npy", np.asarray(chunk_keys, dtype="U24"))
            np.save(tmp / "sentence_hashes.npy", np.asarray(sent_keys, dtype="U24"))
            np.save(tmp / "sentence_vectors.npy", vecs.sentences)
            if vecs.titles is not None:
                np.save(tmp / "title_vectors.npy", vecs.titles)
                np.save(tmp / "title_hashes.npy", np.asarray(vecs.title_keys, dtype="U24"))
            dense, index_type = _dense_index(vecs.chunks, embedder.dim, hnsw_threshold)
            faiss.write_index(dense, str(tmp / "dense.faiss"))
            retriever = bm25s.BM25()
            retriever.index(bm25_tokens(t.chunk_texts), show_progress=False)
            retriever.save(str(tmp / "bm25"), show_progress=False)
            (tmp / "vocab.json").write_text(json.dumps(dict(t.vocab)), encoding="utf-8")
            # Word frequencies precomputed: answering then rarely needs to import wordfreq.
            (tmp / "zipf.json").write_text(
                json.dumps(zipf.make_table(t.vocab, zipf.read_table(index / "zipf.json"))), encoding="utf-8"
            )
            # The stems of the corpus words: answering then stems none of them at start-up (bot/stemming.py).
            stem_words = set(t.vocab) | {p for w in t.vocab if "-" in w for p in w.split("-") if p}
            stems = stemming.make_table(stem_words)
            (tmp / "stems.json").write_text(json.dumps(stems), encoding="utf-8")
            # Each sentence's conditions (age, lineage, donor ...) read once here, not per question.
            write_conditions(tmp / "conditions.jsonl", t.sent_texts, known_conditions)
            manifest = {
                "kind": "bot-index",
                "format_version": FORMAT_VERSION,
                "model": {"name": embedder.name, "dim": embedder.dim, "variant": model_variant(embedder.name)},
                "vectors": describe(method),
                "chunker": config,
                "keywords": keyword_record(),
                "dense_index": index_type,
                "corpus": str(corpus),
                "corpus_hash": corpus_hash(doc_hashes),
                "documents": doc_hashes,  # also the ids of documents.jsonl's lines, in order (load.DocumentTable)
                "documents_crc32": zlib.crc32((tmp / "documents.jsonl").read_bytes()),
                "corpus_files": snap,  # the file-stat fast path of later loads (filestats)
                "problems": problems,
                "extractors": extractors(docs),
                "counts": {"documents": len(docs), "chunks": len(chunks), "sentences": len(sentences)},
                # Precomputed for a quick start; each is a cache of a pure function, checked against its library.
                "precomputed": {"zipf.json": "wordfreq " + str(zipf.wordfreq_version()), "stems.json": "PyStemmer " + str(stems["stemmer"]),
                                "conditions.jsonl": "conditions " + conditions.rules_version()},
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            # The manifest is written last: a folder without one is never taken for an index.
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
            swap.commit(tmp, index)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return BuildReport(
        len(docs), len(chunks), len(sentences), vecs.chunks_embedded, len(chunks) - vecs.chunks_embedded,
        vecs.sentences_embedded, time.perf_counter() - t0, True, problems, formats(docs),
    )


def write_conditions(path: Path, sentences: list[str], previous: dict[str, dict[str, Any]] | None = None) -> None:
    """One JSON object per sentence that states a condition or qualifies itself, with its row.

    ``previous``: the records of the index being replaced, by sentence text (read with the same patterns):
    a sentence that did not change is not read again, so a rebuild for one edited document does not
    re-read every sentence of the corpus."""
    known = previous or {}
    with path.open("w", encoding="utf-8") as fh:
        for row, text in enumerate(sentences):
            record = known.get(text)
            if record is None:
                record = conditions.to_record(conditions.read(text), conditions.qualified(text))
            if record:
                fh.write(json.dumps({"row": row, **record}) + "\n")


def previous_conditions(index: Path) -> dict[str, dict[str, Any]] | None:
    """The conditions table of the index at ``index`` by sentence text ({} for a sentence stating none),
    if it was read with the current patterns; None otherwise (or when anything about it is unreadable)."""
    try:
        manifest = read_manifest(index)
        if manifest.get("precomputed", {}).get("conditions.jsonl") != "conditions " + conditions.rules_version():
            return None
        texts = _sentence_texts(index, manifest)
        records: dict[int, dict[str, Any]] = {}
        with (index / "conditions.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                records[int(rec.pop("row"))] = rec
        return {text: records.get(row, {}) for row, text in enumerate(texts)}
    except Exception:  # no usable previous table: every sentence is read
        return None


def _sentence_texts(index: Path, manifest: dict[str, Any]) -> list[str]:
    """Every sentence of the index at ``index``, in row order, read from its documents table."""
    from bot.index_store.load import DocumentTable

    path = index / "documents.jsonl"
    docs = DocumentTable(path, list(manifest.get("documents", {})), path.read_bytes())
    rows = np.load(index / "sentences.npy", allow_pickle=False)
    return [docs[int(d)].text[int(a) : int(b)] for d, a, b in rows[:, :3]]


def refresh_conditions(index: Path, manifest: dict[str, Any]) -> None:
    """An index that is current but whose conditions table was read with other patterns (an edited
    bot/data/conditions.json) gets a new table, written beside it and renamed into place, then the manifest
    that names it; a reader in between only falls back to reading conditions from the text. Under the lock."""
    version = "conditions " + conditions.rules_version()
    made = manifest.get("precomputed", {})
    if made.get("conditions.jsonl") == version:
        return
    tmp = index / "conditions.jsonl.tmp"
    write_conditions(tmp, _sentence_texts(index, manifest))
    tmp.replace(index / "conditions.jsonl")
    new = {**manifest, "precomputed": {**made, "conditions.jsonl": version}}
    tmp_manifest = index / "manifest.json.tmp"
    tmp_manifest.write_text(json.dumps(new, indent=1), encoding="utf-8")
    tmp_manifest.replace(index / "manifest.json")
