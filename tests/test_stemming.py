"""The precomputed stems of the corpus words (bot/stemming.py): exactly PyStemmer's, used when loaded."""

import json
from pathlib import Path

import pytest

from bot import stemming
from bot.index_store import load_index


@pytest.fixture
def clean_table(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    table: dict[str, str] = {}
    monkeypatch.setattr(stemming, "_table", table)
    stemming.stem.cache_clear()
    yield table
    stemming.stem.cache_clear()


def test_the_table_is_pystemmers_own_stems(clean_table: dict[str, str]):
    words = ["treatment", "treated", "relapses", "veno-occlusive", "occlusive", "CD19", "leukaemia", "ran"]
    table = stemming.make_table(words)
    assert table["stemmer"] == stemming.stemmer_version()
    assert table["stems"] == {w: str(stemming._stemmer().stemWord(w)) for w in words}
    assert table["stems"]["treatment"] == "treatment" and table["stems"]["relapses"] == "relaps"


def test_a_built_index_carries_its_stems_and_loading_uses_them(engine, clean_table: dict[str, str]):
    path = engine.data.path / "stems.json"
    stems = json.loads(path.read_text())["stems"]
    vocab = json.loads((engine.data.path / "vocab.json").read_text())
    assert set(vocab) <= set(stems)
    assert "precomputed" in engine.manifest and "stems.json" in engine.manifest["precomputed"]
    load_index(engine.data.path)
    assert clean_table == stems
    word = next(w for w in stems if stems[w] != w)
    clean_table[word] = "marker"  # answered from the table, not by the stemmer
    assert stemming.stem(word) == "marker"


def test_a_table_of_another_stemmer_version_is_ignored(tmp_path: Path, clean_table: dict[str, str]):
    path = tmp_path / "stems.json"
    path.write_text(json.dumps({"stemmer": "0.0.1", "language": "english", "stems": {"relapses": "x"}}))
    stemming.add_table(path)
    path.write_text("{damaged")
    stemming.add_table(path)
    stemming.add_table(tmp_path / "missing.json")
    assert clean_table == {} and stemming.stem("relapses") == "relaps"


def test_matcher_finds_exactly_the_stems_that_match_one_by_one():
    import random

    from bot.stemming import Matcher, Stems, matches

    rng = random.Random(1)

    def word() -> str:
        return "".join(rng.choice("abcdefgh") for _ in range(rng.randint(1, 9)))

    # Small sets (a sentence's: all prefixes kept) and large ones (a paragraph's: bisection), and plain sets.
    for _ in range(1500):
        wanted = {word() for _ in range(rng.randint(0, 15))}
        stems = Stems({word() for _ in range(rng.randint(0, 120))})
        matcher = Matcher(wanted)
        assert set(matcher(stems)) == {w for w in wanted if matches(w, stems)}
        assert set(matcher(set(stems))) == {w for w in wanted if matches(w, set(stems))}
