"""BM25 tokenising: one definition shared by the index build and by every query.

Words are bm25s's default token pattern, lower-cased, minus bm25s's public English stopword list,
Snowball-stemmed. The build goes through ``bm25s.tokenize``; a single query goes through
``query_tokens``, which applies the same three steps without the batch machinery (progress bars,
vocabularies) that costs more than the search itself for one short question.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Any

# Our own choice, passed to bm25s explicitly, so both paths tokenise alike whatever bm25s's default.
TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_WORD = re.compile(TOKEN_PATTERN)

_local = threading.local()


def _stemmer():  # noqa: ANN202
    # One per thread: PyStemmer's stemmers are not thread-safe, and making one per call costs.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import Stemmer

        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


@functools.cache
def stopwords() -> tuple[str, ...]:
    """bm25s's public English stopword list."""
    from bm25s.stopwords import STOPWORDS_EN

    return tuple(STOPWORDS_EN)


@functools.cache
def _stopword_set() -> frozenset[str]:
    return frozenset(stopwords())


def bm25_tokens(texts: list[str]) -> list[list[str]]:
    """The BM25 tokens of many texts (the index build)."""
    import bm25s

    out = bm25s.tokenize(
        texts,
        lower=True,
        token_pattern=TOKEN_PATTERN,
        stopwords=list(stopwords()),
        stemmer=_stemmer(),
        return_ids=False,
        show_progress=False,
    )
    return list(out)


def query_tokens(text: str) -> list[str]:
    """One query's BM25 tokens: what ``bm25_tokens([text])[0]`` gives."""
    stop = _stopword_set()
    return _stemmer().stemWords([w for w in _WORD.findall(text.lower()) if w not in stop])


def record() -> dict[str, Any]:
    """How the index's keywords were made, for its manifest: queries are tokenised the same way."""
    return {"token_pattern": TOKEN_PATTERN, "stopwords": list(stopwords()), "stemmer": "english"}


class QueryTokenizer:
    """``query_tokens`` with the stopwords an index was built with (read from its manifest), so that
    answering never imports bm25s (whose package import pulls in scipy: most of a cold answer)."""

    def __init__(self, keywords: dict[str, Any] | None) -> None:
        usable = keywords is not None and keywords.get("token_pattern") == TOKEN_PATTERN
        self._stop = frozenset(keywords["stopwords"]) if keywords is not None and usable else None

    def __call__(self, text: str) -> list[str]:
        if self._stop is None:  # an index from before the manifest recorded them
            return query_tokens(text)
        stop = self._stop
        return _stemmer().stemWords([w for w in _WORD.findall(text.lower()) if w not in stop])
