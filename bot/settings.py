"""The one configuration object. Every field can be set from the environment with the prefix ``BOT_``.

A plain pydantic model that reads its ``BOT_`` variables itself, rather than a pydantic-settings
``BaseSettings``: importing pydantic-settings (asyncio, its many sources) and building its class cost
~60-90 ms of a ~0.5 s cold ``bot ask``, for what is one loop over the environment here. The rules
are pydantic-settings' for these flat fields: names case-insensitive, a keyword argument wins over
the environment, the text is validated (and coerced: "1", "true", "8") like any input, and a field
set from the environment counts as set (``model_fields_set``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "BOT_"


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    corpus: Path = Field(default=Path("corpus"), description="folder (or .jsonl file) of source documents")
    index: Path = Field(default=Path("index"), description="folder of built index artifacts")
    glossary: Path | None = Field(
        default=None,
        description="glossary JSON; default: glossary.json in the corpus folder, else the project's own",
    )
    model_path: Path | None = Field(default=None, description="sentence-transformers model folder")
    embed_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        default="onnx-int8",
        description="torch: sentence-transformers; onnx / onnx-int8: the same model exported with torch.onnx "
        "and run by onnxruntime (int8: quantised weights, ~3x faster on 2 cores)",
    )
    model_cache: Path = Field(
        default=PROJECT_ROOT / ".model-cache", description="where the exported ONNX model is kept"
    )
    vector_method: Literal["pooled", "separate", "token_states"] = Field(
        default="token_states",
        description="token_states: one encoding pass, sentence vectors pooled from their chunk's token states; "
        "pooled: chunk vectors pooled from sentence vectors; separate: chunks and sentences each encoded "
        "(bench/one_pass.py). The index records it; changing it rebuilds",
    )
    index_mmap: bool = Field(
        default=True,
        description="map the index's arrays read-only (bot serve --workers N: processes share one copy) "
        "instead of reading them",
    )
    query_prepack: bool = Field(
        default=True,
        description="onnx backends: onnxruntime pre-packs the int8 weights when a question's session starts "
        "(~10 ms; each question is then ~1 ms quicker). The one-shot commands (bot ask, bot search) turn it off",
    )
    query_ahead: bool = Field(
        default=True,
        description="onnx backends: a question's encoding begins on a thread of onnxruntime's own while the "
        "question is analysed (the same vectors, ~0.3-0.6 ms sooner with a second core free). The one-shot "
        "commands turn it off; a serving worker of several has one thread and never begins one",
    )
    embed_batch_size: int = Field(default=64, ge=1, le=4096)
    embed_batch_tokens: int = Field(
        default=256, ge=1, description="onnx backends: at most this many padded tokens per forward pass "
        "(one longer text alone); int8 vectors depend a little on it, so the index records it"
    )
    max_chunk_tokens: int = Field(default=200, ge=32, le=256)
    chunk_overlap_sentences: int = Field(default=0, ge=0, le=5)
    rebuild: bool = Field(default=True, description="rebuild a stale or broken index on load (else refuse)")
    max_question_chars: int = Field(default=1000, ge=10)
    search_k: int = Field(default=8, ge=1, le=100)
    fusion: Literal["rrf", "convex"] = Field(
        default="convex", description="how dense and BM25 rankings combine (bench/retrieval.py --fusion-study)"
    )
    fusion_alpha: float = Field(default=0.8, ge=0.0, le=1.0, description="dense weight of convex fusion")
    abstain_below: float | None = Field(
        default=None, ge=0.0, le=1.0, description="override the fitted abstention threshold (bot/data/params.json)"
    )
    params: Path | None = Field(default=None, description="a parameters file instead of the bundled, fitted one")
    feedback_dir: Path = Field(default=Path("feedback"))
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=0, le=65535)
    kiosk_idle_seconds: int = Field(default=180, ge=10)
    concurrency: int = Field(default=2, ge=1, le=64)
    api_max_sessions: int = Field(default=1000, ge=1, description="/api/ask conversations kept per worker")
    api_session_idle_seconds: int = Field(
        default=1800, ge=10, description="an /api/ask conversation unused this long is forgotten (kiosk: its idle time)"
    )
    workers: int = Field(default=1, ge=1, le=64, description="serving processes sharing one loaded index")
    hnsw_threshold: int = Field(
        default=200_000, ge=1, description="chunk count above which an approximate (HNSW) index is used"
    )

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, data: Any) -> Any:
        """``BOT_<FIELD>`` for each field not given as an argument."""
        if not isinstance(data, dict):
            return data
        env = {k.upper(): v for k, v in os.environ.items() if k.upper().startswith(ENV_PREFIX)}
        if not env:
            return data
        out = dict(data)
        for name in cls.model_fields:
            key = ENV_PREFIX + name.upper()
            if name not in out and key in env:
                out[name] = env[key]
        return out

    @field_validator("glossary", "params", "model_path", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """``BOT_PARAMS=`` (set but empty) means "not set", not the current directory."""
        return None if isinstance(value, str) and not value.strip() else value

def resolve_paths(
    settings: Settings, corpus: str | Path | None = None, index: str | Path | None = None
) -> tuple[Path, Path]:
    """The corpus and index paths, decided here alone for the CLI, the web server and ``bot.load``.

    Precedence: the argument, then ``BOT_CORPUS`` / ``BOT_INDEX``, then the defaults ``./corpus`` and
    ``./index``. When the default corpus is missing from the current directory the project's own corpus is
    used, and then its own index too (unless ``BOT_INDEX`` names one), so ``bot ask`` works from anywhere.
    """
    corpus_path = Path(corpus) if corpus is not None else settings.corpus
    bundled = (
        corpus is None
        and "corpus" not in settings.model_fields_set
        and not corpus_path.is_absolute()
        and not corpus_path.exists()
    )
    if bundled:
        corpus_path = PROJECT_ROOT / corpus_path
    index_path = Path(index) if index is not None else settings.index
    if index is None and bundled and "index" not in settings.model_fields_set and not index_path.is_absolute():
        index_path = PROJECT_ROOT / index_path
    return corpus_path, index_path
