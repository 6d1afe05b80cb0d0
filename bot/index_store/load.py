"""Loading and validating an index folder: every failure is one IndexStateError naming the file."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np

from bot import stemming, zipf
from bot.chunking import CHUNKER_VERSION, Chunker
from bot.errors import IndexStateError
from bot.index_store.keyword import load_keyword_index
from bot.index_store.layout import DEFAULT_METHOD, FORMAT_VERSION, OWN_NAMES, REQUIRED_FILES
from bot.index_store.tokens import QueryTokenizer
from bot.models import Document


class IndexData:
    """A loaded index: tables, vectors and the keyword index, ready for retrieval.

    Table columns have names: ``sentence_doc[row]``, ``chunk_first_sentence[row]`` and so on are
    views of the int32 tables ``sentences`` and ``chunks`` (no copies).

    ``mmap=True`` maps the tables, the sentence vectors and the flat dense index read-only from the
    files instead of reading them into memory: processes that load the same index share one copy
    in the page cache.
    """

    def __init__(
        self, path: Path, manifest: dict[str, Any], documents: Sequence[Document], mmap: bool = False
    ) -> None:
        self.path = path
        self.manifest = manifest
        self.documents = documents
        self.mmap = mmap
        ids = documents.ids if isinstance(documents, DocumentTable) else [d.id for d in documents]
        self.doc_pos = {doc_id: i for i, doc_id in enumerate(ids)}
        mode = "r" if mmap else None
        self.sentences: np.ndarray = _read(path / "sentences.npy", lambda p: _load_table(p, mode, 5))
        self.chunks: np.ndarray = _read(path / "chunks.npy", lambda p: _load_table(p, mode, 6))
        # Always mapped: only the rows of the candidate sentences are ever read.
        self.sentence_vectors: np.ndarray = _read(
            path / "sentence_vectors.npy", lambda p: np.load(p, mmap_mode="r", allow_pickle=False)
        )
        self.dense: Any = _read(path / "dense.faiss", lambda p: _read_faiss(p, mmap))
        self.bm25: Any = _read(path / "bm25", load_keyword_index)
        self.query_tokens = QueryTokenizer(manifest.get("keywords"))
        if (path / "zipf.json").exists():
            zipf.add_table(path / "zipf.json")
        if (path / "stems.json").exists():
            stemming.add_table(path / "stems.json")
        self.vocab: dict[str, int] = _read(path / "vocab.json", lambda p: json.loads(p.read_text(encoding="utf-8")))
        n_chunks, n_sents = len(self.chunks), len(self.sentences)
        if self.dense.ntotal != n_chunks or len(self.sentence_vectors) != n_sents:
            raise IndexStateError(
                f"{path / 'dense.faiss'}: holds {self.dense.ntotal} vectors for {n_chunks} chunks"
                if self.dense.ntotal != n_chunks
                else f"{path / 'sentence_vectors.npy'}: {len(self.sentence_vectors)} vectors for {n_sents} sentences"
            )
        # The columns and vectors are used as plain arrays over the same mapped memory: np.memmap's
        # Python-level __getitem__ and __array_finalize__ ran for every row read (~8% of an answer).
        s, c = self.sentences.view(np.ndarray), self.chunks.view(np.ndarray)
        self.sentence_vectors = self.sentence_vectors.view(np.ndarray)
        self.sentence_doc, self.sentence_start, self.sentence_end = s[:, 0], s[:, 1], s[:, 2]
        self.sentence_block, self.sentence_kind = s[:, 3], s[:, 4]
        self.chunk_doc, self.chunk_number, self.chunk_start, self.chunk_end = c[:, 0], c[:, 1], c[:, 2], c[:, 3]
        self.chunk_first_sentence, self.chunk_end_sentence = c[:, 4], c[:, 5]

    def sentence_conditions(self) -> dict[int, tuple[Any, bool]] | None:
        """Each sentence's conditions as read at build time (``conditions.jsonl``), by row; None when the
        index has no table, or one read with other patterns (then they are read from the text)."""
        if not hasattr(self, "_conditions"):
            from bot import conditions

            path = self.path / "conditions.jsonl"
            made = self.manifest.get("precomputed", {}).get("conditions.jsonl")
            table: dict[int, tuple[Any, bool]] | None = None
            if path.exists() and made == "conditions " + conditions.rules_version():
                table = {}
                for line in path.read_text(encoding="utf-8").splitlines():
                    record = json.loads(line)
                    table[int(record.pop("row"))] = conditions.from_record(record)
            self._conditions = table
        return self._conditions

    def chunk_id(self, row: int) -> str:
        return f"{self.documents[int(self.chunk_doc[row])].id}#{int(self.chunk_number[row])}"

    def chunk_span(self, row: int) -> tuple[int, int, int]:
        """(document row, start, end) of a chunk."""
        return int(self.chunk_doc[row]), int(self.chunk_start[row]), int(self.chunk_end[row])

    def chunk_sentence_rows(self, row: int) -> range:
        """The sentence rows of a chunk, in order."""
        return range(int(self.chunk_first_sentence[row]), int(self.chunk_end_sentence[row]))

    def sentence_span(self, row: int) -> tuple[int, int, int]:
        """(document row, start, end) of a sentence."""
        return int(self.sentence_doc[row]), int(self.sentence_start[row]), int(self.sentence_end[row])

    def sentence_text(self, row: int) -> str:
        d, start, end = self.sentence_span(row)
        return self.documents[d].text[start:end]


def _load_table(path: Path, mode: Any, width: int) -> np.ndarray:
    table = np.load(path, mmap_mode=mode, allow_pickle=False)
    if table.ndim != 2 or table.shape[1] != width or table.dtype != np.int32:
        raise ValueError(f"expected int32 rows of {width} columns, found {table.dtype} {table.shape}")
    return table


def _read_faiss(path: Path, mmap: bool) -> Any:
    import faiss

    # IO_FLAG_MMAP alone still copies a flat index's vectors into memory (faiss 1.15: +146 MiB for
    # 100k x 384 either way); MMAP_IFC maps them in place, shared between processes.
    return faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_MMAP if mmap else 0)


def _reason(exc: BaseException) -> str:
    msg = " ".join(str(exc).split())  # one line
    msg = re.sub(r"^Error in .*? at \S+:\d+: ", "", msg)  # faiss: drop the C++ location
    return f"{type(exc).__name__}: {msg[:160]}"


def _damaged_file(folder: Path) -> Path | None:
    """The first file of ``folder`` (the bm25 index) that does not parse, if any."""
    for f in sorted(folder.rglob("*")):
        try:
            if f.suffix == ".npy":
                np.load(f, mmap_mode="r", allow_pickle=False)
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
    index: Path,
    manifest: dict[str, Any],
    model: str,
    chunker: dict[str, Any],
    doc_hashes: dict[str, str] | None,
    method: str = DEFAULT_METHOD,
) -> None:
    """Raise IndexStateError naming what does not match."""
    where = index / "manifest.json"
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexStateError(f"{where}: format version {manifest.get('format_version')!r}, expected {FORMAT_VERSION}")
    if manifest.get("model", {}).get("name") != model:
        raise IndexStateError(f"{where}: built with model {manifest.get('model', {}).get('name')!r}, not {model!r}")
    if manifest.get("vectors", {}).get("method") != method:
        found = manifest.get("vectors", {}).get("method")
        raise IndexStateError(f"{where}: built with vector method {found!r}, now {method!r}")
    if manifest.get("chunker") != chunker:
        raise IndexStateError(f"{where}: built with chunker settings {manifest.get('chunker')}, now {chunker}")
    for name in REQUIRED_FILES:
        if not (index / name).exists():
            raise IndexStateError(f"{index / name}: missing")
    from bot.corpus import corpus_hash  # reading the corpus is what needs it: not imported on the fast path

    if doc_hashes is not None and manifest.get("corpus_hash") != corpus_hash(doc_hashes):
        old = manifest.get("documents", {})
        changed = sorted(set(old.items()) ^ set(doc_hashes.items()))
        ids = sorted({d for d, _ in changed})
        raise IndexStateError(f"{where}: stale, {len(ids)} document(s) changed since the build (e.g. {ids[:3]})")


def chunker_config(chunker: Chunker) -> dict[str, Any]:
    return {"version": CHUNKER_VERSION, "max_tokens": chunker.max_tokens, "overlap": chunker.overlap}


def load_index(index: Path, mmap: bool = False) -> IndexData:
    """The index at ``index``; IndexStateError naming the file that is missing or damaged.

    ``mmap``: map the arrays and the flat dense index read-only instead of reading them (shared
    between processes that load the same index).
    """
    manifest = read_manifest(index)
    for name in REQUIRED_FILES:
        if not (index / name).exists():
            raise IndexStateError(f"{index / name}: missing")
    documents = _read(index / "documents.jsonl", lambda p: read_documents(p, manifest))
    try:
        return IndexData(index, manifest, documents, mmap=mmap)
    except IndexStateError:
        raise
    except Exception as exc:  # anything _read did not attribute to a file
        raise IndexStateError(f"{index}: damaged index ({_reason(exc)})") from None


def read_documents(path: Path, manifest: dict[str, Any]) -> Sequence[Document]:
    """The documents of ``documents.jsonl``: a :class:`DocumentTable` when the manifest lists their ids,
    else every line parsed now."""
    raw = path.read_bytes()
    ids = manifest.get("documents")
    if isinstance(ids, dict) and ids:
        crc = manifest.get("documents_crc32")
        if crc is not None and zlib.crc32(raw) != crc:
            raise ValueError("checksum differs from the manifest's")
        return DocumentTable(path, list(ids), raw)
    # Split on "\n" only: JSON leaves U+2028, U+2029 and U+0085 unescaped, and splitlines() breaks at them.
    return [Document.model_validate_json(line) for line in raw.decode("utf-8").split("\n") if line]


class DocumentTable(Sequence[Document]):
    """The documents of an index, each parsed from its line of ``documents.jsonl`` when first read.

    Parsing every document is most of a cold start on a large corpus (MedQuAD: 16k documents, ~0.35 s),
    and a question reads a few dozen. The ids come from the manifest (the build writes both from one
    list, in one order); every line is checked to be one whole JSON object, and the file against the
    manifest's checksum when it has one, so a truncated or damaged file is still refused at load.
    """

    def __init__(self, path: Path, ids: list[str], raw: bytes) -> None:
        lines = raw.split(b"\n")
        if lines and not lines[-1]:
            lines.pop()
        if len(lines) != len(ids):
            raise ValueError(f"{len(lines)} lines for the manifest's {len(ids)} documents")
        # Every line opens and closes one object (JSON escapes newlines inside strings), counted in C.
        opens = raw.count(b'\n{"id":') + raw.startswith(b'{"id":')
        closes = raw.count(b"}\n") + (raw.endswith(b"}"))
        if opens != len(lines) or closes != len(lines):
            bad = next((n for n, x in enumerate(lines, 1) if not (x.startswith(b'{"id":') and x.endswith(b"}"))), 0)
            raise ValueError(f"line {bad} is not a whole document")
        self.path = path
        self.ids = ids
        self._lines: list[bytes | None] = list(lines)
        self._docs: list[Document | None] = [None] * len(lines)

    def __len__(self) -> int:
        return len(self._docs)

    @overload
    def __getitem__(self, i: int) -> Document: ...
    @overload
    def __getitem__(self, i: slice) -> list[Document]: ...
    def __getitem__(self, i: int | slice) -> Document | list[Document]:
        doc = self._docs[i]  # answering reads documents often: the parsed one comes first
        if doc is not None and not isinstance(i, slice):
            return doc  # type: ignore[return-value]  # an int index: one Document
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self._parse(i if i >= 0 else i + len(self))

    def __iter__(self) -> Iterator[Document]:
        for i in range(len(self)):
            yield self[i]

    def _parse(self, i: int) -> Document:
        line = self._lines[i]
        if line is None:  # parsed by another thread meanwhile (it stores the document first)
            return self._docs[i]  # type: ignore[return-value]
        try:
            doc = Document.model_validate_json(line)
        except ValueError as exc:
            raise IndexStateError(f"{self.path}: damaged, line {i + 1} ({_reason(exc)})") from None
        if doc.id != self.ids[i]:
            raise IndexStateError(f"{self.path}: damaged, line {i + 1} holds {doc.id!r}, not {self.ids[i]!r}")
        self._docs[i] = doc
        self._lines[i] = None  # the parsed document holds the text now
        return doc


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
