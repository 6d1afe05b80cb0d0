"""The CLI is a thin layer: real commands in subprocesses, on the fixture corpus.

These load the real bundled model (the CLI has no fake-embedder switch), so they are marked ``model``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.model


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=300, cwd=cwd, env=env
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    import shutil

    base = tmp_path_factory.mktemp("cli")
    corpus = base / "corpus"
    shutil.copytree(Path(__file__).parent / "fixtures" / "corpus", corpus)
    index = base / "index"
    out = run("index", "--corpus", str(corpus), "--index", str(index), "--json")
    assert out.returncode == 0, out.stderr
    return corpus, index


def test_index_json_reports_counts(built: tuple[Path, Path]):
    corpus, index = built
    out = run("index", "--corpus", str(corpus), "--index", str(index), "--json")
    report = json.loads(out.stdout)
    assert report["documents"] == 3 and report["embedded"] == 0 and report["reused"] == report["chunks"]
    assert {"seconds", "chunks", "embedded", "reused", "documents"} <= set(report)


def test_index_json_after_one_change_embeds_only_that_document(built: tuple[Path, Path], tmp_path: Path):
    import shutil

    corpus, index = built
    c2, i2 = tmp_path / "c", tmp_path / "i"
    shutil.copytree(corpus, c2)
    shutil.copytree(index, i2)
    (c2 / "extra.jsonl").write_text(
        (c2 / "extra.jsonl").read_text().replace("painless swelling", "painless firm swelling"), encoding="utf-8"
    )
    report = json.loads(run("index", "--corpus", str(c2), "--index", str(i2), "--json").stdout)
    assert report["embedded"] == 1 and report["reused"] == report["chunks"] - 1


def test_ask_json_is_the_answer_model(built: tuple[Path, Path]):
    corpus, index = built
    out = run("ask", "--corpus", str(corpus), "--index", str(index), "--json", "What is betacel?")
    answer = json.loads(out.stdout)
    assert answer["abstained"] is False
    assert answer["citations"][0]["quote"].startswith("Betacel, a CD22-directed conjugate")


def test_one_shot_output_is_whole_and_a_closed_pipe_is_no_error(built: tuple[Path, Path]):
    # `bot ask` ends without the interpreter's teardown: its output must still be flushed, whole.
    corpus, index = built
    big = run("ask", "--corpus", str(corpus), "--index", str(index), "--json", "What are the side effects of betacel?")
    assert big.returncode == 0 and big.stdout.endswith("}\n") and json.loads(big.stdout)["citations"]
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--corpus", str(corpus), "--index", str(index), "What is betacel?"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the answer is written (`bot ask ... | head -0`)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 1
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_search_prints_ranked_passages(built: tuple[Path, Path]):
    corpus, index = built
    out = run("search", "--corpus", str(corpus), "--index", str(index), "-k", "2", "sibling donor")
    assert out.returncode == 0
    assert out.stdout.startswith("1. [") and "extra-2#0" in out.stdout


def test_errors_are_one_line_without_traceback(tmp_path: Path):
    out = run("ask", "--corpus", str(tmp_path / "missing"), "--index", str(tmp_path / "i"), "hello")
    assert out.returncode == 2
    assert out.stderr.strip().startswith("error:") and "corpus not found" in out.stderr
    assert "Traceback" not in out.stderr


def test_stale_index_refused_with_flag(built: tuple[Path, Path], tmp_path: Path):
    import shutil

    corpus, index = built
    c2, i2 = tmp_path / "c", tmp_path / "i"
    shutil.copytree(corpus, c2)
    shutil.copytree(index, i2)
    (c2 / "new.md").write_text("---\ntitle: New\n---\nA new document.", encoding="utf-8")
    out = run("ask", "--corpus", str(c2), "--index", str(i2), "--no-rebuild", "What is betacel?")
    assert out.returncode == 2 and "stale" in out.stderr and "Traceback" not in out.stderr


def test_chat_keeps_the_conversation(built: tuple[Path, Path]):
    corpus, index = built
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    out = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--corpus", str(corpus), "--index", str(index)],
        input="What is betacel?\nWhat are its side effects?\n/quit\n", capture_output=True, text=True,
        timeout=300, env=env,
    )
    assert "Searched for: What are betacel side effects?" in out.stdout
    assert "hepatotoxicity" in out.stdout


def test_help_lists_the_commands():
    out = run("--help")
    for cmd in ("index", "search", "ask", "chat", "serve"):
        assert cmd in out.stdout


def test_one_shot_commands_skip_pydantic_plugin_lookup_only_while_plugins_are_off():
    code = (
        "import sys; from bot.cli import skip_plugin_lookup; skip_plugin_lookup(); from bot.models import Answer; "
        "a = Answer.model_validate_json('{\"answer\": \"x\", \"abstained\": false, \"confidence\": 1}'); "
        "print(a.answer, 'importlib.metadata' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    off = subprocess.run([sys.executable, "-c", code], env=dict(env, PYDANTIC_DISABLE_PLUGINS="__all__"), capture_output=True, text=True)
    assert off.stdout.split() == ["x", "False"], off.stderr
    on = subprocess.run([sys.executable, "-c", code], env=dict(env, PYDANTIC_DISABLE_PLUGINS=""), capture_output=True, text=True)
    assert on.stdout.split() == ["x", "True"], on.stderr  # plugins on (a user's choice): the real loader looks
    # The stand-in replaces the loader's one function that pydantic imports; a pydantic that imports more fails here.
    import pydantic

    users = [
        p for p in Path(pydantic.__file__).parent.rglob("*.py")
        if "_loader" in p.read_text(encoding="utf-8") and p.name != "_loader.py"
    ]
    assert [p.name for p in users] == ["_schema_validator.py"]
    assert "from ._loader import get_plugins\n" in users[0].read_text(encoding="utf-8")
