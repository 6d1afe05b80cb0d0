"""Content hashes: the keys of the embedding cache (unchanged text is never re-embedded)."""

from __future__ import annotations

import hashlib

import numpy as np


def text_hash(text: str) -> str:
    # Hex, not raw bytes: numpy's fixed-width bytes type drops trailing NULs.
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def vector_key(model: str, text: str) -> str:
    """The cache key of ``text``'s vector under ``model``: vectors of two models never mix."""
    return text_hash(f"{model}\0{text}")


def hash_key(h: object) -> str:
    """A stored hash as a string key."""
    # Early indexes stored raw 12-byte digests (numpy strips their trailing NULs; pad them back).
    return bytes(h).ljust(12, b"\0").hex() if isinstance(h, bytes | np.bytes_) else str(h)
