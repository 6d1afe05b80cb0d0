"""The model's tokenizer for a plain-ASCII question, in Python: the same ids as ``tokenizers``, without it.

A cold ``bot ask`` encodes one question. Importing ``tokenizers`` and parsing the model's 700 kB
``tokenizer.json`` took ~50 ms of a ~0.45 s answer; reading ``vocab.txt`` into a dict takes ~3 ms, and
tokenizing a question in Python ~20 us. For printable ASCII the model's BERT tokenizer is simple:
lower-case (accents are ASCII-free), split at whitespace and around each of the 32 ASCII punctuation
marks, then WordPiece (longest vocabulary prefix first, "##" pieces after, [UNK] for a word that does not
split or is over 100 characters), then [CLS] ... [SEP], cut to the model's window. Anything else (other
characters, a control character, a "[" that could open a special token such as "[MASK]") returns None:
the caller uses ``tokenizers``. tests/test_wordpiece.py checks the ids against ``tokenizers``.
"""

from __future__ import annotations

import re
from pathlib import Path

# Printable ASCII, tabs and line breaks; no "[" (special tokens such as "[MASK]" are matched in raw text).
_PLAIN = re.compile(r"[\t\n\r\x20-\x5a\x5c-\x7e]*")
# A pre-token: a run of letters and digits, or one punctuation mark (every printable ASCII symbol is one).
_WORD = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~]")
MAX_WORD_CHARS = 100  # the model's WordPiece max_input_chars_per_word


class WordPiece:
    """``ids(text)``: the model's token ids for a plain-ASCII text, or None (then use ``tokenizers``)."""

    def __init__(self, vocab: dict[str, int], max_length: int) -> None:
        self.vocab = vocab
        self.max_length = max_length
        self.unk = vocab["[UNK]"]
        self.cls = vocab["[CLS]"]
        self.sep = vocab["[SEP]"]

    @classmethod
    def from_folder(cls, folder: Path, max_length: int) -> WordPiece:
        """The model folder's ``vocab.txt``: one token a line, its id its line number."""
        lines = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return cls({tok: i for i, tok in enumerate(lines)}, max_length)

    def ids(self, text: str) -> list[int] | None:
        if not text.isascii() or _PLAIN.fullmatch(text) is None:
            return None
        out = [self.cls]
        room = self.max_length - 2  # the window holds [CLS] and [SEP] too
        for word in _WORD.findall(text.lower()):
            out.extend(self._pieces(word))
            if len(out) > room:
                break
        del out[room + 1 :]
        out.append(self.sep)
        return out

    def _pieces(self, word: str) -> list[int]:
        if len(word) > MAX_WORD_CHARS:
            return [self.unk]
        vocab = self.vocab
        whole = vocab.get(word)
        if whole is not None:
            return [whole]
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                found = vocab.get(word[start:end] if start == 0 else "##" + word[start:end])
                if found is not None:
                    pieces.append(found)
                    break
                end -= 1
            else:
                return [self.unk]  # no piece of the vocabulary starts here: the whole word is unknown
            start = end
        return pieces
