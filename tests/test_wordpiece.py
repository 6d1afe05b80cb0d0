"""The Python tokenizer for plain-ASCII questions gives the ids ``tokenizers`` gives, or steps aside."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

import pytest
from tokenizers import Tokenizer

from bot.embedding import bundled_model_path
from bot.wordpiece import WordPiece

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def pair() -> tuple[WordPiece, Tokenizer]:
    src = bundled_model_path()
    window = json.loads((src / "sentence_bert_config.json").read_text())["max_seq_length"]
    tok = Tokenizer.from_file(str(src / "tokenizer.json"))
    tok.enable_truncation(max_length=window)  # as bot/embedding_onnx.py loads it
    tok.no_padding()
    return WordPiece.from_folder(src, window), tok


def _texts() -> list[str]:
    texts = [
        "", " ", "Tell me what blinatumomab is.", "CAR-T vs. HSCT: which (if any)?", "it's 5-10mg/m2 q4wk!!",
        "x" * 100, "x" * 101 + " ok", "unaffable qzxv zzzzzzzz", "tab\there\r\nnew line",
        " ".join(["leukaemia"] * 300),  # past the model's window: cut, [SEP] last
    ]
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.extend(json.loads(line).get("turns", []))
    rnd = random.Random(14)
    symbols = string.ascii_letters + string.digits + string.punctuation.replace("[", "") + "  \t\n"
    texts += ["".join(rnd.choice(symbols) for _ in range(rnd.randint(1, 80))) for _ in range(500)]
    return texts


def test_plain_ascii_gets_the_same_ids_as_tokenizers(pair: tuple[WordPiece, Tokenizer]) -> None:
    wp, tok = pair
    texts = _texts()
    plain = [t for t in texts if wp.ids(t) is not None]
    assert len(plain) > 0.9 * len(texts)  # the labelled questions are nearly all plain ASCII
    wrong = [t for t in plain if wp.ids(t) != tok.encode(t).ids]
    assert not wrong, wrong[:3]


@pytest.mark.parametrize("text", ["naïve leukämie", "what is [MASK]?", "a\x00b", "x\x0bz", "\x7f", "caf\u00e9"])
def test_other_text_is_left_to_tokenizers(pair: tuple[WordPiece, Tokenizer], text: str) -> None:
    assert pair[0].ids(text) is None
