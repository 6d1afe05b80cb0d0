"""Offline medical reference chatbot: answers only from its corpus, quoting it verbatim.

    import bot
    engine = bot.load()                       # corpus/ and index/ of the current directory
    engine.search("blinatumomab", k=5)        # ranked passages
    engine.session().ask("Tell me what blinatumomab is.")   # an Answer with citations
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.errors import BotError, CorpusError, IndexBusyError, IndexStateError

if TYPE_CHECKING:
    from bot.engine import Engine
    from bot.models import Answer, Citation, Hit

__all__ = ["Answer", "BotError", "Citation", "CorpusError", "Engine", "Hit", "IndexBusyError", "IndexStateError", "load"]
__version__ = "0.1.0"


def load(corpus: Any = None, index: Any = None, **kwargs: Any) -> Engine:
    """Load (building when needed) the engine. Heavy libraries are imported only here."""
    from bot.engine import load as _load

    return _load(corpus, index, **kwargs)


def __getattr__(name: str) -> Any:
    # Imported on first use: ``bot ask`` starts (and sets the garbage collector for a short life) before pydantic loads.
    if name == "Engine":
        from bot.engine import Engine

        return Engine
    if name in ("Answer", "Citation", "Hit"):
        from bot import models

        return getattr(models, name)
    raise AttributeError(name)
