"""The last value made from a question, kept while its key is the same: an answer reads it while the
question's vector is computed and uses it after the wait, without reading it twice. One value, so a
server's other questions replace it; ``forget`` drops it (a kiosk's visitor's words)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Last(Generic[T]):
    def __init__(self) -> None:
        self._kept: tuple[object, T] | None = None

    def get(self, key: object, make: Callable[[], T]) -> T:
        """The kept value when ``key`` is its key, else ``make()``'s, kept."""
        kept = self._kept  # read once: another thread may replace it
        if kept is not None and kept[0] == key:
            return kept[1]
        value = make()
        self._kept = (key, value)
        return value

    @property
    def held(self) -> bool:
        return self._kept is not None

    def forget(self) -> None:
        self._kept = None
