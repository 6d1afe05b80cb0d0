"""What "the second one", "the first two" point at among the treatments an answer listed."""

from __future__ import annotations

from bot.glossary import Entry, Glossary
from bot.listing import first_n, options, ordinal

GLOSSARY = Glossary([
    Entry("antibodies", "therapy"),
    Entry("alphamab", "drug", broader=("antibodies",)),
    Entry("betacel", "drug", broader=("antibodies",)),
    Entry("gammadrug", "drug"),
])
GIVEN = ("antibodies", "alphamab", "betacel", "gammadrug")


def test_a_class_that_introduces_the_list_is_not_one_of_its_options() -> None:
    assert options(GLOSSARY, GIVEN) == ["alphamab", "betacel", "gammadrug"]


def test_the_first_or_last_n_are_counted_among_the_options() -> None:
    assert first_n(GLOSSARY, "compare the first two", GIVEN) == "alphamab and betacel"
    assert first_n(GLOSSARY, "and the last 2?", GIVEN) == "betacel and gammadrug"
    assert first_n(GLOSSARY, "the first three", GIVEN[:2]) is None  # fewer listed than asked
    assert first_n(GLOSSARY, "what else?", GIVEN) is None


def test_an_ordinal_picks_one_option_and_none_beyond_the_list() -> None:
    assert ordinal(GLOSSARY, "more on the second one", GIVEN) == "betacel"
    assert ordinal(GLOSSARY, "and the last one?", GIVEN) == "gammadrug"
    assert ordinal(GLOSSARY, "the fifth one?", GIVEN) is None
    assert ordinal(GLOSSARY, "the second one", ()) is None
