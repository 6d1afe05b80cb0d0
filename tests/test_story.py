"""What a message tells before it asks (bot/story.py), on hand-made messages."""

from __future__ import annotations

from bot.glossary import Mention
from bot.story import asking_start, story_only


def _mention(text: str, surface: str, term: str) -> Mention:
    at = text.index(surface)
    return Mention(term, "procedure", at, at + len(surface), surface)


def test_the_question_starts_after_the_story() -> None:
    text = "My dad is 68 and his ALL came back. What are his options?"
    assert text[asking_start(text):].strip() == "What are his options?"
    assert asking_start("What are the options?") == 0


def test_a_treatment_the_story_names_is_not_the_subject_of_a_question_asking_for_the_options() -> None:
    text = "His doctor brought up a transplant but said he is too old. What are his choices at his age?"
    mentions = [_mention(text, "transplant", "stem cell transplantation")]
    assert story_only(text, mentions, ["stem cell transplantation"]) == {"stem cell transplantation"}
    # asked of what the story named ("Can he still have it?"), or asking something else: the story's subject stays
    asks_of_it = "His doctor brought up a transplant. Can he still have it at his age?"
    assert story_only(asks_of_it, [_mention(asks_of_it, "transplant", "stem cell transplantation")],
                      ["stem cell transplantation"]) == set()
    other = "His doctor brought up a transplant. How long would he be in hospital?"
    assert story_only(other, [_mention(other, "transplant", "stem cell transplantation")], ["stem cell transplantation"]) == set()
