"""The words of a broad question, tested alone."""

from __future__ import annotations

import pytest

from bot.breadth_words import ANY_MORE


@pytest.mark.parametrize("text", ["chemo again, transplant, anything new?", "or something else?", "any other things different?",
                                  "is there anything else"])
def test_asking_for_more_than_what_is_named(text: str) -> None:
    assert ANY_MORE.search(text)


@pytest.mark.parametrize("text", ["what is new about it?", "is chemo different from transplant?", "else"])
def test_not_asking_for_more(text: str) -> None:
    assert not ANY_MORE.search(text)
