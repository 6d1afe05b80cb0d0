"""Domain exceptions. The CLI and the app turn them into one friendly line; nothing else catches them."""

from __future__ import annotations


class BotError(Exception):
    """Base class: a problem the user can act on."""


class CorpusError(BotError):
    """A corpus file cannot be read. The message names the file (and line where there is one)."""


class IndexStateError(BotError):
    """The index folder is missing, stale, broken or not ours, and rebuilding is not allowed."""


class IndexBusyError(BotError):
    """Another process holds the build lock."""
