"""Word frequencies precomputed at build time: wordfreq's own values, without importing it to answer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot import zipf

ROOT = Path(__file__).resolve().parent.parent


def test_the_table_holds_wordfreqs_values_and_misses_fall_back(engine):
    from wordfreq import zipf_frequency as wf

    table = json.loads((engine.data.path / "zipf.json").read_text())
    assert table["wordfreq"] == zipf.wordfreq_version() and table["zipf"]
    for word, value in list(table["zipf"].items())[:50]:
        assert zipf.zipf_frequency(word) == value == wf(word, "en")
    assert zipf.zipf_frequency("dangerus") == wf("dangerus", "en")  # not a corpus word: asked of wordfreq
    assert zipf.zipf_frequency("leukemia", "fr") == wf("leukemia", "fr")


def test_a_table_of_another_wordfreq_version_is_ignored(tmp_path: Path):
    path = tmp_path / "zipf.json"
    path.write_text(json.dumps({"wordfreq": "0.0-other", "lang": "en", "zipf": {"zzqqxy": 7.5}}))
    zipf.add_table(path)
    assert zipf.zipf_frequency("zzqqxy") == 0.0


def test_answering_imports_no_heavy_library(corpus_dir: Path, tmp_path: Path, engine):
    # The cold answer path: no wordfreq for corpus words, no bm25s/scipy, torch, gradio or tqdm.
    code = (
        "import sys; sys.path.insert(0, 'tests'); from conftest import FakeEmbedder; import bot;"
        f"e = bot.load(corpus={str(corpus_dir)!r}, index={str(engine.data.path)!r}, embedder=FakeEmbedder(),"
        " rebuild=False); a = e.session().ask('What is alphamab?'); assert not a.abstained, a;"
        "print(sorted(m for m in ('wordfreq', 'bm25s', 'scipy', 'torch', 'gradio', 'sentence_transformers',"
        " 'transformers', 'tqdm') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"


def test_a_rebuild_takes_known_values_from_the_replaced_table(tmp_path: Path):
    from wordfreq import zipf_frequency as zf

    path = tmp_path / "zipf.json"
    path.write_text(json.dumps(zipf.make_table(["leukemia", "blinatumomab"])), encoding="utf-8")
    known = zipf.read_table(path)
    assert known == {"leukemia": zf("leukemia", "en"), "blinatumomab": zf("blinatumomab", "en")}
    known["leukemia"] = 9.9  # marks a value taken over rather than looked up again
    table = zipf.make_table(["leukemia", "relapse"], known)["zipf"]
    assert table == {"leukemia": 9.9, "relapse": zf("relapse", "en")}
    path.write_text(json.dumps({"wordfreq": "0.0", "lang": "en", "zipf": {"x": 1.0}}), encoding="utf-8")
    assert zipf.read_table(path) == {} and zipf.read_table(tmp_path / "missing.json") == {}


def test_warming_loads_what_answers_load_lazily_and_changes_no_answer(corpus_dir: Path, engine):
    # `bot serve` warms before its first visitor; a cold `bot ask` does not (the test above).
    code = (
        "import sys, json; sys.path.insert(0, 'tests'); from conftest import FakeEmbedder; import bot;"
        "from bot.question import rules;"
        f"e = bot.load(corpus={str(corpus_dir)!r}, index={str(engine.data.path)!r}, embedder=FakeEmbedder(),"
        " rebuild=False); qs = ['What is alphamab?', 'wat are the optoins', 'Summarize the text.'];"
        "before = [e.ask(q).model_dump_json() for q in qs]; e.warm();"
        "compiled = all('ask_lower' in t.__dict__ for t in rules().types);"
        "print(json.dumps(['wordfreq' in sys.modules, compiled, before == [e.ask(q).model_dump_json() for q in qs]]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [True, True, True]
