"""bot.language: questions in other languages are recognised; English ones, however terse, never are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.language import detect, is_english

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ما هي الآثار الجانبية لـ blinatumomab؟", "ar"),
        ("Какие побочные эффекты у блинатумомаба?", "ru"),
        ("副作用是什么？", "zh"),
        ("副作用は何ですか", "ja"),
        ("부작용은 무엇입니까?", "ko"),
        ("Ποιες είναι οι παρενέργειες;", "el"),
        ("¿Cuáles son los efectos secundarios del blinatumomab?", "es"),
        ("mi hijo tiene leucemia, que tratamiento hay", "es"),
        ("Quels sont les effets secondaires?", "fr"),
        ("Welche Nebenwirkungen hat Blinatumomab?", "de"),
        ("Quais são os efeitos colaterais?", "pt"),
        ("Quali sono gli effetti collaterali?", "it"),
        ("Wat zijn de bijwerkingen?", "nl"),
    ],
)
def test_other_languages_are_recognised(text: str, lang: str):
    assert detect(text) == lang
    assert not is_english(text)


@pytest.mark.parametrize(
    "text",
    [
        "What is blinatumomab?",
        "blina neuro tox?",  # abbreviations only
        "hsct mrd neg cr2",
        "Tisagenlecleucel ponatinib imatinib",  # drug names are in no language's list
        "dangerus side efects",  # misspelled
        "leukaemia in kids",
        "Is blina safe in pregnancy?",  # "is" and "in" are Dutch words too
        "Was ist ALL?",  # reads as English as well as German: the benefit of the doubt
        "CAR-T for adults",
        "What is حمى?",  # a foreign word in an English question
    ],
)
def test_english_questions_stay_english(text: str):
    assert detect(text) == "en"
    assert is_english(text)


@pytest.mark.parametrize("text", ["", "?", "12 34", "😀😀", "x"])
def test_text_without_words_is_undecided_and_counts_as_english(text: str):
    assert detect(text) is None
    assert is_english(text)


def test_no_labelled_question_of_the_project_is_called_foreign():
    questions = []
    for path in sorted((ROOT / "tests" / "data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            questions.extend(t for t in json.loads(line)["turns"] if isinstance(t, str))
    assert len(questions) > 100
    foreign = [(q, detect(q)) for q in questions if not is_english(q)]
    assert not foreign


def test_a_word_said_twice_is_one_sign_of_its_language() -> None:
    from bot.language import detect

    # "cel" is a common Romanian word; two drug nicknames ending in it are still an English question.
    assert detect("alpha-cel vs gamma-cel, kids?") == "en"
    assert detect("Dónde está el hospital y cuál es el tratamiento?") == "es"
