"""The last value made from a question, kept while its key is the same (bot/last.py)."""

from __future__ import annotations

from bot.last import Last


def test_the_kept_value_is_returned_while_the_key_is_the_same_and_forgotten_on_request() -> None:
    made: list[str] = []
    last: Last[str] = Last()
    assert not last.held
    assert last.get(("what is ALL", 1), lambda: made.append("a") or "a") == "a"
    assert last.get(("what is ALL", 1), lambda: made.append("b") or "b") == "a" and made == ["a"]
    assert last.get(("what is ALL", 2), lambda: made.append("c") or "c") == "c"  # another key: made anew
    assert last.get(("what is ALL", 1), lambda: made.append("d") or "d") == "d"  # one value kept, the last
    assert last.held
    last.forget()
    assert not last.held and last.get(("what is ALL", 1), lambda: "e") == "e"
