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

A ``.pdf`` or ``.html``/``.htm`` file (a page saved from a browser, with or without its ``_files/``
folder) is extracted by ``bot.extract``: its text keeps page and section boundaries. Every file's
first bytes are checked against its extension, so a mis-named file is reported rather than read as
garbage. Extraction is the slow step of a build: a previous index's copy of a document is reused when
the file's bytes and the extractor version are the same.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from bot.errors import CorpusError
from bot.extract import MAX_FILE_BYTES, Extracted, read_head, sniff
from bot.models import Document

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
DOC_SUFFIXES = TEXT_SUFFIXES | {".jsonl"} | PDF_SUFFIXES | HTML_SUFFIXES
# Data files that live beside the documents but are not documents.
RESERVED_NAMES = {"glossary.json", "readme.md"}


def document_files(corpus: Path) -> list[Path]:
    if not corpus.exists():
        raise CorpusError(f"{corpus}: corpus not found")
    if corpus.is_file():
        if corpus.suffix.lower() not in DOC_SUFFIXES:
            raise CorpusError(f"{corpus}: not a corpus file (expected .md, .txt, .jsonl, .pdf or .html)")
        return [corpus]
    return sorted(
        p
        for p in corpus.rglob("*")
        if p.is_file()
        and p.suffix.lower() in DOC_SUFFIXES
        and p.name.lower() not in RESERVED_NAMES
        and not any(part.startswith(".") for part in p.relative_to(corpus).parts)
        and not _in_saved_page_folder(p, corpus)
    )


def _in_saved_page_folder(path: Path, corpus: Path) -> bool:
    """A browser's "page_files/" folder (scripts, frames, images of page.html) holds no documents."""
    for folder in path.relative_to(corpus).parents:
        name = folder.name
        if name.endswith("_files") and any(
            (corpus / folder.parent / (name[: -len("_files")] + ext)).exists() for ext in (".html", ".htm")
        ):
            return True
    return False


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in HTML_SUFFIXES:
        return "html"
    return "jsonl" if suffix == ".jsonl" else "text"


def _check_kind(path: Path, fmt: str) -> None:
    """CorpusError when the file is too large or its bytes are not what its extension says."""
    try:
        size = path.stat().st_size
        head = read_head(path)
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from None
    if fmt in ("pdf", "html") and size > MAX_FILE_BYTES:
        raise CorpusError(f"{path}: too large ({size / 2**20:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB)")
    if fmt in ("pdf", "html") and not head.strip():
        raise CorpusError(f"{path}: empty file")
    kind = sniff(head)
    if fmt == "pdf" and kind != "pdf":
        raise CorpusError(f"{path}: not a PDF ({_kind_words(kind)}): wrong extension?")
    if fmt == "html" and kind not in ("html", "text"):
        raise CorpusError(f"{path}: not a web page ({_kind_words(kind)}): wrong extension?")
    if fmt in ("text", "jsonl") and kind not in ("html", "text"):
        raise CorpusError(f"{path}: not text ({_kind_words(kind)}): wrong extension?")


def _kind_words(kind: str) -> str:
    return {"pdf": "it is a PDF", "html": "it is a web page", "text": "it is plain text"}.get(kind, f"it is {kind}")


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:24]


class ExtractionCache:
    """Documents extracted by an earlier build (its ``documents.jsonl``), looked up by id; read lazily,
    only when the corpus has a PDF or web page, and trusted only for the same bytes and extractor."""

    def __init__(self, index: Path | None) -> None:
        self.path = index / "documents.jsonl" if index is not None else None
        self._docs: dict[str, Document] | None = None

    def get(self, doc_id: str, source_hash: str, extractor: str) -> Document | None:
        if self._docs is None:
            self._docs = {}
            try:
                if self.path is not None and self.path.is_file():
                    for line in self.path.read_text(encoding="utf-8").split("\n"):
                        if '"extractor":""' in line or not line.strip():
                            continue
                        doc = Document.model_validate_json(line)
                        if doc.extractor:
                            self._docs[doc.id] = doc
            except Exception:  # an unreadable cache only costs a re-extraction
                self._docs = {}
        found = self._docs.get(doc_id)
        if found is not None and found.source_hash == source_hash and found.extractor == extractor:
            return found
        return None


def parse_extracted_document(path: Path, root: Path, fmt: str, cache: ExtractionCache | None = None) -> Document:
    """A PDF or web page as a document, reused from ``cache`` when neither file nor extractor changed."""
    from bot.extract import html as html_extract
    from bot.extract import pdf as pdf_extract

    module = pdf_extract if fmt == "pdf" else html_extract
    extractor = module.extractor_name()
    rel = path.relative_to(root) if path != root else Path(path.name)
    doc_id = rel.with_suffix("").as_posix()
    try:
        source_hash = _file_hash(path)
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from None
    cached = cache.get(doc_id, source_hash, extractor) if cache is not None else None
    if cached is not None:
        return cached.model_copy(update={"source_path": str(path)})
    out: Extracted = pdf_extract.extract_pdf(path) if fmt == "pdf" else html_extract.extract_html(path)
    return Document(
        id=doc_id,
        title=out.title or path.stem.replace("-", " ").replace("_", " "),
        date=out.date,
        url=out.url,
        text=out.text,
        source_path=str(path),
        format=fmt,
        pages=out.pages,
        sections=out.sections,
        extractor=out.extractor,
        source_hash=source_hash,
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
        format="jsonl",
    )


def load_corpus(
    corpus: Path, strict: bool = False, index: Path | None = None
) -> tuple[list[Document], list[str]]:
    """All readable documents of a folder or file, in a stable order, and the problems met.

    A bad file or line is skipped and described (file and line) in the returned list, so one broken
    file never costs the rest of the corpus; ``strict=True`` raises on the first problem instead.
    ``index``: an earlier build whose extracted PDFs and web pages are reused when unchanged.
    """
    corpus = Path(corpus)
    files = document_files(corpus)
    root = corpus if corpus.is_dir() else corpus.parent
    docs: list[Document] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    cache = ExtractionCache(index)
    for path in files:
        fmt = file_format(path)
        try:
            _check_kind(path, fmt)
            if fmt == "jsonl":
                batch = list(parse_jsonl(path, problems))
            elif fmt in ("pdf", "html"):
                batch = [parse_extracted_document(path, root, fmt, cache)]
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
        raise CorpusError(f"{corpus}: no readable documents (.md, .txt, .jsonl, .pdf or .html){detail}")
    return docs, problems


def document_hash(doc: Document) -> str:
    fields: list[object] = [doc.id, doc.title, doc.date, doc.text]
    if doc.extractor:  # a new extractor version changes the hash: that file is extracted and embedded again
        fields += [doc.extractor, doc.url, [p for p in doc.pages], [s.model_dump() for s in doc.sections]]
    payload = json.dumps(fields, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def formats(docs: list[Document]) -> dict[str, int]:
    """Documents per format (text, jsonl, pdf, html), for build reports."""
    counts: dict[str, int] = {}
    for d in docs:
        counts[d.format] = counts.get(d.format, 0) + 1
    return dict(sorted(counts.items()))


def extractors(docs: list[Document]) -> dict[str, str]:
    """The extractors used and their versions, for the manifest: ``{"pdfminer.six": "20260107/bot-pdf 1"}``."""
    out: dict[str, str] = {}
    for d in docs:
        if d.extractor:
            name, _, version = d.extractor.partition(" ")
            out[name] = version
    return dict(sorted(out.items()))


def corpus_hash(doc_hashes: dict[str, str]) -> str:
    h = hashlib.sha256()
    for doc_id in sorted(doc_hashes):
        h.update(f"{doc_id}\0{doc_hashes[doc_id]}\n".encode())
    return h.hexdigest()[:16]
