"""The engine: a loaded index with its retriever, evidence scorer and composer. Shared, read-only."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot import conditions
from bot.answerer import Answerer
from bot.chunking import Chunker
from bot.dialogue import Session
from bot.embedding import Begun, Embedder, make_embedder
from bot.errors import IndexStateError
from bot.glossary import Glossary
from bot.index_store import (
    IndexData,
    check_manifest,
    chunker_config,
    clean_leftovers,
    filestats,
    load_index,
)
from bot.models import Answer, Hit
from bot.offline import configure
from bot.params import Params, default_params
from bot.query import Query
from bot.retrieval import HybridRetriever
from bot.settings import PROJECT_ROOT, Settings, resolve_paths

if TYPE_CHECKING:
    from bot.index_store import BuildReport

configure()


def resolve_glossary(settings: Settings) -> Path | None:
    candidates = [settings.glossary] if settings.glossary else []
    corpus = Path(settings.corpus)
    candidates.append((corpus if corpus.is_dir() else corpus.parent) / "glossary.json")
    candidates.append(PROJECT_ROOT / "corpus" / "glossary.json")
    return next((p for p in candidates if p is not None and p.is_file()), None)


# Asked by ``Engine.warm``, answers discarded: they go the common paths once (the stored conditions table,
# the spelling corrector's word lists, an overview's paragraph tables).
WARM_UP = (
    "What are the side effects and the usual dose for children over 12?",
    "Give me an overview of the treatment options, please.",
    "wat is the treatmnt if it coms back in the brain",
)


class _LockedEmbedder:
    """Serialises query encoding: torch already uses both cores for one call."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._lock = threading.Lock()

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        with self._lock:
            # A question (one text) goes the backend's short-text path when it has one (one thread).
            one = getattr(self.inner, "encode_query", None) if len(texts) == 1 else None
            return one(texts[0])[None, :] if one is not None else self.inner.encode(texts, progress=progress)

    def encode_with_terms(self, text: str, terms: list[str]) -> np.ndarray:
        """The vector of ``text`` with ``terms`` appended: the backend's own composition when it has one
        (bot/embedding_onnx.py reuses each term's token states), else the joined text encoded."""
        with self._lock:
            compose = getattr(self.inner, "encode_with_terms", None)
            if compose is not None:
                return compose(text, terms)
        return self.encode([" ".join([text, *terms])])[0]

    def begin_with_terms(self, text: str, terms: list[str]) -> Begun | None:
        """The backend's ``begin_with_terms`` (a pass started now, waited for later), or None."""
        with self._lock:
            begin = getattr(self.inner, "begin_with_terms", None)
            return begin(text, terms) if begin is not None else None


class Engine:
    def __init__(
        self, data: IndexData, embedder: Embedder, glossary: Glossary, settings: Settings, params: Params | None = None
    ) -> None:
        self.data = data
        self.settings = settings
        self.embedder = _LockedEmbedder(embedder)
        self.glossary = glossary
        self.params = params or settings_params(settings)
        self.retriever = HybridRetriever(data, self.embedder, fusion=settings.fusion, alpha=settings.fusion_alpha)
        self.answerer = Answerer(
            data, self.embedder, glossary, self.retriever, self.params, settings.max_question_chars, settings.search_k,
            settings.query_ahead,
        )
        self.build_report: BuildReport | None = None
        self.problems: list[str] = []

    @property
    def manifest(self) -> dict:
        return self.data.manifest

    def process(self, text: str) -> Query:
        return self.answerer.queries.process(text)

    def encode_query(self, text: str) -> np.ndarray:
        return self.embedder.encode([text])[0]

    def search(self, query: str, k: int = 5, mode: str = "hybrid") -> list[Hit]:
        """Ranked passages for a free-text query (spelling corrected, glossary expanded)."""
        from bot.text import clean_question

        text, _ = clean_question(str(query), self.settings.max_question_chars)
        if not text:
            return []
        q = self.process(text)
        return self.retriever.search(q.expanded, k=k, mode=mode)

    def session(self) -> Session:
        """A new conversation; its state is its own, the engine is shared."""
        return Session(self.answerer, self.data.doc_pos)

    def ask(self, question: str) -> Answer:
        """One question, answered in a fresh session."""
        return self.session().ask(question)

    def forget(self) -> None:
        """Drop what the engine keeps of the questions it answered (the last ones' texts, vectors and
        readings, kept to answer the same question faster): a kiosk's next visitor starts with none of
        the last one's words in memory. Answers do not change."""
        a = self.answerer
        a.vectors.clear()
        a.retriever.forget()
        a.scorer.kept.forget()
        a.lacking.forget()
        a.queries.forget()
        conditions.forget()

    def warm(self) -> None:
        """Load now what questions would load lazily: a server's first visitors then answer as fast as
        the rest (a cold `bot ask` loads only what its one question needs, and does not call this).
        Fills caches of pure functions only: no answer changes."""
        from bot import zipf
        from bot.question import rules

        zipf.prime()  # wordfreq, for the first word the corpus lacks (~0.3 s)
        for t in rules().types:  # the question-type patterns compile on first use
            _ = t.ask, t.ask_lower, t.cue, t.need
        for question in WARM_UP:
            self.session().ask(question)


def settings_params(settings: Settings) -> Params:
    """The fitted parameters, or the file ``BOT_PARAMS`` names; ``BOT_ABSTAIN_BELOW`` overrides one value."""
    params = Params.from_file(settings.params) if settings.params else default_params()
    if settings.abstain_below is not None:
        params = params.with_values(abstain_below=settings.abstain_below)
    return params


def load(
    corpus: str | Path | None = None,
    index: str | Path | None = None,
    *,
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    rebuild: bool | None = None,
    progress: bool = False,
) -> Engine:
    """Load the engine for ``corpus`` and ``index``, building or rebuilding the index when needed.

    Defaults: ``corpus/`` and ``index/`` of the current directory (the project's own when the
    current directory has no ``corpus/``). With ``rebuild=False`` a missing or stale index is an
    IndexStateError instead of a rebuild.
    """
    settings = (settings or Settings()).model_copy()
    settings.corpus, settings.index = resolve_paths(settings, corpus, index)
    allow = settings.rebuild if rebuild is None else rebuild
    embedder = embedder or make_embedder(settings)
    chunker = Chunker(settings.max_chunk_tokens, settings.chunk_overlap_sentences)
    gpath = resolve_glossary(settings)
    glossary = Glossary.load(gpath) if gpath else Glossary([])

    report: BuildReport | None = None
    problems: list[str] = []
    read_corpus = False
    try:
        if settings.index.parent.exists():
            clean_leftovers(settings.index)
        data = load_index(settings.index, mmap=settings.index_mmap)
        doc_hashes: dict[str, str] | None = None
        snap = None
        if filestats.unchanged(settings.corpus, data.manifest.get("corpus_files")):
            # Every document file as the build saw it: neither read nor hashed again.
            problems = [str(p) for p in data.manifest.get("problems", [])]
        else:
            # The corpus reader is imported only here: a current index on the fast path never needs it.
            from bot.corpus import document_hash, load_corpus

            snap = filestats.snapshot(settings.corpus)  # before reading, as a build takes it
            docs, problems = load_corpus(settings.corpus, index=settings.index)
            read_corpus = True
            doc_hashes = {d.id: document_hash(d) for d in docs}
        check_manifest(
            settings.index, data.manifest, embedder.name, chunker_config(chunker), doc_hashes, settings.vector_method
        )
        if snap is not None and filestats.trusted(snap):
            filestats.record(settings.index, data.manifest, snap, problems)
    except IndexStateError:
        from bot.corpus import load_corpus
        from bot.index_store import build_index

        if not read_corpus:
            load_corpus(settings.corpus, index=settings.index)  # a missing or unreadable corpus is named first
        if not allow:
            raise
        report = build_index(
            settings.corpus, settings.index, embedder, chunker, progress=progress,
            hnsw_threshold=settings.hnsw_threshold, method=settings.vector_method,
        )
        problems = report.problems
        data = load_index(settings.index, mmap=settings.index_mmap)
    engine = Engine(data, embedder, glossary, settings)
    engine.build_report = report
    engine.problems = problems
    return engine
