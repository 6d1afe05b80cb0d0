"""What a message tells before it asks (bot/story.py), on hand-made messages."""

from __future__ import annotations

from bot.glossary import Mention
from bot.story import asking_start, story_only, told_of_treatments


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


def test_what_the_story_says_a_treatment_is_for_is_not_the_askers_condition() -> None:
    text = "Patient with T-ALL. Blina and ino are for B-cell. Which agent is for T-cell disease?"
    mentions = [Mention("blinatumomab", "drug", text.index("Blina"), text.index("Blina") + 5, "blina"),
                Mention("inotuzumab ozogamicin", "drug", text.index("ino "), text.index("ino ") + 3, "ino")]
    told = told_of_treatments(text, mentions, frozenset({"drug"}))
    assert "B-cell" not in told and "T-ALL" in told and told.endswith("Which agent is for T-cell disease?")
    assert len(told) == len(text)  # blanked, not cut: offsets hold
    # the asker's own sentence is never blanked
    asked = "Is blina for B-cell ALL?"
    assert told_of_treatments(asked, [Mention("blinatumomab", "drug", 3, 8, "blina")], frozenset({"drug"})) == asked


def test_they_after_the_options_asked_are_the_options_not_the_storys_treatment() -> None:
    text = "Her doctor said blinatumomab is not for her type. What treatment options are there, and how well do they work?"
    mentions = [Mention("blinatumomab", "drug", text.index("blinatumomab"), text.index("blinatumomab") + 12, "blinatumomab")]
    assert story_only(text, mentions, ["blinatumomab"]) == {"blinatumomab"}
    # (before the options, "it" is the story's: "Can he still have it, or other options?")
    back = "His doctor brought up blinatumomab. Can he still have it, or what other options are there?"
    assert story_only(back, [Mention("blinatumomab", "drug", back.index("blinatumomab"), back.index("blinatumomab") + 12, "blinatumomab")],
                      ["blinatumomab"]) == set()


def test_what_a_treatment_seems_to_be_for_in_the_story_is_not_the_askers_condition() -> None:
    text = "She has T-ALL. The new immunotherapies seem to be for the B-cell kind. What can she have?"
    mentions = [Mention("immunotherapy", "therapy", text.index("immunotherapies"), text.index("immunotherapies") + 15, "immunotherapies")]
    told = told_of_treatments(text, mentions, frozenset({"therapy"}))
    assert "B-cell" not in told and "T-ALL" in told


def test_a_person_named_after_who_they_are_is_found() -> None:
    from bot.story import named_people

    text = "my sister Marg is 68 and my grandson Tyler, 15, relapsed. Does Blinatumomab help?"
    spans = named_people(text, lambda w: w in {"grandson"})
    assert [text[a:b] for a, b in spans] == ["Marg", "Tyler"]
    assert named_people("Does Blinatumomab help my Dad?", lambda w: w in {"dad"}) == []


def test_a_named_person_is_no_subject_word() -> None:
    from bot.glossary import Glossary
    from bot.question import analyse

    a = analyse("is it true they dont do transplants for people over 65?? my sister Marg is 68", Glossary())
    assert "marg" not in a.subject
