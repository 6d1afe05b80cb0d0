"""Read source documents: Markdown/text files with a small metadata header, and JSON-lines files.

A Markdown or text file may start with a header between ``---`` lines, one ``key: value`` per line::

    ---
    title: Treatment of relapsed ALL
    date: 2023-10-05
    ---
    The text...

Everything after the header is the document text, kept byte for byte (offsets point into it).
A ``.jsonl`` file holds one document per line: ``id``, ``text``, optional ``title``, ``url``, ``date``;
other fields are kept as metadata.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from bot.errors import CorpusError
from bot.models import Document

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
DOC_SUFFIXES = TEXT_SUFFIXES | {".jsonl"}
# Data files that live beside the documents but are not documents.
RESERVED_NAMES = {"glossary.json", "readme.md"}


def document_files(corpus: Path) -> list[Path]:
    if not corpus.exists():
        raise CorpusError(f"{corpus}: corpus not found")
    if corpus.is_file():
        if corpus.suffix.lower() not in DOC_SUFFIXES:
            raise CorpusError(f"{corpus}: not a corpus file (expected .md, .txt or .jsonl)")
        return [corpus]
    return sorted(
        p
        for p in corpus.rglob("*")
        if p.is_file()
        and p.suffix.lower() in DOC_SUFFIXES
        and p.name.lower() not in RESERVED_NAMES
        and not any(part.startswith(".") for part in p.relative_to(corpus).parts)
    )


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CorpusError(f"{path}, line {line}: not UTF-8 text (byte {exc.start})") from None
    return text.removeprefix("\ufeff")


def parse_text_document(path: Path, root: Path) -> Document:
    text = _read_text(path)
    meta: dict[str, str] = {}
    body = text
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end < 0:
            raise CorpusError(f"{path}, line 1: metadata header opened with '---' but never closed")
        for n, line in enumerate(text[4:end].splitlines(), start=2):
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            if not sep or not key.strip():
                raise CorpusError(f"{path}, line {n}: header line is not 'key: value': {line!r}")
            meta[key.strip().lower()] = value.strip()
        body = text[end + 5 :]
    body = body.removesuffix("\n")
    if not body.strip():
        raise CorpusError(f"{path}: empty document")
    rel = path.relative_to(root) if path != root else Path(path.name)
    doc_id = meta.pop("id", "") or rel.with_suffix("").as_posix()
    return Document(
        id=doc_id,
        title=meta.pop("title", "") or path.stem.replace("-", " ").replace("_", " "),
        date=meta.pop("date", None) or None,
        url=meta.pop("url", None) or None,
        text=body,
        source_path=str(path),
        metadata=meta,
    )


def parse_jsonl(path: Path, problems: list[str]) -> Iterable[Document]:
    """Documents of a JSON-lines file; a bad line (bad JSON, not UTF-8) is reported in ``problems`` and skipped."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from None
    if not raw.strip():
        raise CorpusError(f"{path}: empty file")
    for n, chunk in enumerate(raw.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        try:
            line = chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(f"{path}, line {n}: not UTF-8 text (byte {exc.start} of the line)")
            continue
        if not line.strip():
            continue
        try:
            yield _jsonl_document(path, n, line)
        except CorpusError as exc:
            problems.append(str(exc))


def _jsonl_document(path: Path, n: int, line: str) -> Document:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}, line {n}: bad JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise CorpusError(f"{path}, line {n}: expected a JSON object")
    doc_id, body = row.pop("id", None), row.pop("text", None)
    if not isinstance(doc_id, str | int) or str(doc_id).strip() == "":
        raise CorpusError(f"{path}, line {n}: missing 'id'")
    if not isinstance(body, str) or not body.strip():
        raise CorpusError(f"{path}, line {n}: empty or missing 'text' for id {doc_id!r}")

    def opt(key: str) -> str | None:
        value = row.pop(key, None)
        return str(value) if value not in (None, "") else None

    return Document(
        id=str(doc_id),
        title=str(row.pop("title", "") or ""),
        date=opt("date"),
        url=opt("url"),
        text=body,
        source_path=f"{path}, line {n}",
        metadata=row,
    )


def load_corpus(corpus: Path, strict: bool = False) -> tuple[list[Document], list[str]]:
    """All readable documents of a folder or file, in a stable order, and the problems met.

    A bad file or line is skipped and described (file and line) in the returned list, so one broken
    file never costs the rest of the corpus; ``strict=True`` raises on the first problem instead.
    """
    corpus = Path(corpus)
    files = document_files(corpus)
    root = corpus if corpus.is_dir() else corpus.parent
    docs: list[Document] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            if path.suffix.lower() == ".jsonl":
                batch = list(parse_jsonl(path, problems))
            else:
                batch = [parse_text_document(path, root)]
        except CorpusError as exc:
            problems.append(str(exc))
            batch = []
        for doc in batch:
            if doc.id in seen:
                problems.append(f"{doc.source_path}: duplicate document id {doc.id!r} (first in {seen[doc.id]})")
                continue
            seen[doc.id] = doc.source_path
            docs.append(doc)
        if strict and problems:
            raise CorpusError(problems[0])
    if not docs:
        detail = f" ({problems[0]})" if problems else ""
        raise CorpusError(f"{corpus}: no readable documents (.md, .txt or .jsonl){detail}")
    return docs, problems


def document_hash(doc: Document) -> str:
    payload = json.dumps([doc.id, doc.title, doc.date, doc.text], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def corpus_hash(doc_hashes: dict[str, str]) -> str:
    h = hashlib.sha256()
    for doc_id in sorted(doc_hashes):
        h.update(f"{doc_id}\0{doc_hashes[doc_id]}\n".encode())
    return h.hexdigest()[:16]
