from pathlib import Path

import pytest

from bot.chunking import Chunker, estimate_tokens, split_sentences
from bot.corpus import load_corpus
from bot.models import Document

ROOT = Path(__file__).resolve().parent.parent


def seed() -> Document:
    docs, _ = load_corpus(ROOT / "corpus")
    return docs[0]


def test_offsets_point_into_the_text():
    doc = seed()
    for s in split_sentences(doc.text):
        assert doc.text[s.start : s.end] == s.text
    for c in Chunker().chunk(doc):
        assert doc.text[c.start : c.end] == c.text


def test_abbreviations_and_symbols_do_not_split():
    text = (
        "Toxicities may include seizures (eg, tremor, i.e. shaking) and more. For adults with Ph- ALL after "
        "≥ 2 prior regimens vs. placebo. Next one here."
    )
    sents = [s.text for s in split_sentences(text)]
    assert sents == [
        "Toxicities may include seizures (eg, tremor, i.e. shaking) and more.",
        "For adults with Ph- ALL after ≥ 2 prior regimens vs. placebo.",
        "Next one here.",
    ]


def test_seed_sentences_that_end_in_symbols():
    texts = [s.text for s in split_sentences(seed().text)]
    assert any(t.endswith("whether Ph+ or Ph-.") for t in texts)
    assert "The most common neurologic symptoms after blinatumomab use are headache and tremor (3)." in texts


def test_list_lead_in_stays_with_its_items():
    doc = seed()
    sents = split_sentences(doc.text)
    lead = next(s for s in sents if s.text.startswith("Available immunotherapies"))
    items = [s.text for s in sents if s.kind == "item" and s.block == lead.block]
    assert lead.kind == "lead_in"
    assert items == ["Blinatumomab", "Inotuzumab ozogamicin", "Tisagenlecleucel"]
    examples = next(s for s in sents if s.text == "Examples include:")
    assert examples.kind == "lead_in"
    later = [s.text.split(" (")[0] for s in sents if s.kind == "item" and s.block == examples.block]
    assert later == ["Liposomal vincristine", "Clofarabine", "Nelarabine"]
    for chunk in Chunker().chunk(doc):
        kinds = [s.kind for s in chunk.sentences]
        if "item" in kinds:
            assert "lead_in" in kinds, chunk.text


def test_inline_bullets_split():
    sents = [s.text for s in split_sentences("Key Points - First point here. - Second point")]
    assert sents == ["Key Points", "First point here.", "Second point"]


def test_long_documents_split_on_sentence_bounds_with_overlap():
    body = " ".join(f"Sentence number {i} talks about leukemia treatment options." for i in range(60))
    doc = Document(id="long", text=body)
    chunks = Chunker(max_tokens=60, overlap=1).chunk(doc)
    assert len(chunks) > 3
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert a.sentences[-1].start == b.sentences[0].start  # one sentence shared
        assert estimate_tokens(a.text) <= 60 + 4
    assert Chunker(max_tokens=60, overlap=1).chunk(doc) == chunks  # deterministic
    # The default repeats nothing: every sentence is encoded once (issue 14's one encoding pass).
    plain = Chunker(max_tokens=60).chunk(doc)
    starts = [s.start for c in plain for s in c.sentences]
    assert len(starts) == len(set(starts)) == 60


@pytest.mark.parametrize(("kwargs", "message"), [({"max_tokens": 4}, "max_tokens"), ({"overlap": 9}, "overlap")])
def test_constructor_checks_arguments(kwargs: dict, message: str):
    with pytest.raises(ValueError, match=message):
        Chunker(**kwargs)
