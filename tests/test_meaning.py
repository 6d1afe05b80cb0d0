"""bot/meaning.py: a word's meaning is asked, and only a sentence that defines it answers."""

import pytest

from bot.meaning import asked_word, defines


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("what does 'refractory' mean in this text", "refractory"),
        ("What does the term “relapse” mean?", "relapse"),
        ("define refractory", "refractory"),
        ("meaning of refractory?", "refractory"),
        ("swelling in the testicle after treatment, what does it mean", None),  # a pointer, not a word
        ("what does 'clinically meaningful outcomes' mean here", None),  # a phrase: its sentence answers
        ("What is refractory ALL?", None),  # asks about a thing
    ],
)
def test_asked_word(question: str, word: str | None) -> None:
    assert asked_word(question) == word


def test_defines() -> None:
    assert defines("Blinatumomab, a biospecific CD19-directed CD3 T-cell engager, prolongs survival.", "blinatumomab")
    assert defines("Clofarabine (a purine nucleoside analog): For patients age 1 to 21 years.", "clofarabine")
    assert defines("Such disease is called refractory.", "refractory")
    assert not defines("It is available for adults with relapsed or refractory B-cell precursor ALL.", "refractory")
