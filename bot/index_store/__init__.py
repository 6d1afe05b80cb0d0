"""The index folder: build, save and load it (a fixed set of files and a JSON manifest, never pickles).

Each job has its own module:

* ``layout``   file names, table columns, format constants
* ``tokens``   BM25 tokenising, shared by the build and every query
* ``hashing``  content hashes, the embedding cache's keys
* ``vectors``  how chunk and sentence vectors are made (the vector method) and the embedding cache
* ``load``     loading and validation (``IndexData`` with named table columns, ``mmap``), manifest checks
* ``swap``     the build lock and the atomic replacement of the folder
* ``build``    the build itself

The names below are what the rest of the bot imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.index_store.hashing import text_hash
from bot.index_store.layout import (
    CHUNK_COLUMNS,
    DEFAULT_METHOD,
    FORMAT_VERSION,
    HNSW_EF_SEARCH,
    HNSW_M,
    KINDS,
    METHODS,
    OWN_NAMES,
    REQUIRED_FILES,
    SENTENCE_COLUMNS,
)
from bot.index_store.load import (
    IndexData,
    check_manifest,
    check_replaceable,
    chunker_config,
    load_index,
    read_manifest,
)
from bot.index_store.swap import build_lock, clean_leftovers
from bot.index_store.tokens import bm25_tokens, query_tokens

if TYPE_CHECKING:
    from bot.index_store.build import BuildReport, build_index, chunk_index_text, model_variant

__all__ = [
    "CHUNK_COLUMNS",
    "DEFAULT_METHOD",
    "FORMAT_VERSION",
    "HNSW_EF_SEARCH",
    "HNSW_M",
    "KINDS",
    "METHODS",
    "OWN_NAMES",
    "REQUIRED_FILES",
    "SENTENCE_COLUMNS",
    "BuildReport",
    "IndexData",
    "bm25_tokens",
    "build_index",
    "build_lock",
    "check_manifest",
    "check_replaceable",
    "chunk_index_text",
    "chunker_config",
    "clean_leftovers",
    "load_index",
    "model_variant",
    "query_tokens",
    "read_manifest",
    "text_hash",
]


# The build (and what only it needs: the corpus reader, the vector methods) is imported when first
# used: answering from a current index never needs it, and a cold `bot ask` would pay for it.
_BUILD_NAMES = frozenset({"BuildReport", "build_index", "chunk_index_text", "model_variant"})


def __getattr__(name: str) -> Any:
    if name in _BUILD_NAMES:
        from bot.index_store import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
