"""Write bot/data/language_words.json: the most frequent words of English and of fourteen other languages.

bot/language.py reads the file to tell a Latin-script question's language without loading fourteen
frequency lists at run time (~10 s). Re-run after upgrading wordfreq:

    .venv/bin/python scripts/make_language_words.py
"""

from __future__ import annotations

import json
from pathlib import Path

from wordfreq import top_n_list

LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "nl", "pl", "tr", "ro", "sv", "id", "vi", "cs", "hu")
TOP = 300  # the function words and commonest verbs of each language

OUT = Path(__file__).resolve().parent.parent / "bot" / "data" / "language_words.json"


def main() -> None:
    words = {
        lang: sorted(w for w in top_n_list(lang, TOP) if len(w) >= 2 and w.isalpha())
        for lang in LANGUAGES
    }
    about = (
        f"The {TOP} most frequent words of each language (wordfreq), those of two letters or more. "
        "Written by scripts/make_language_words.py; read by bot/language.py."
    )
    lines = [f"  {json.dumps(lang)}: {json.dumps(ws, ensure_ascii=False)}" for lang, ws in words.items()]
    text = '{\n "about": ' + json.dumps(about) + ',\n "words": {\n' + ",\n".join(lines) + "\n }\n}\n"
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT}: {sum(len(v) for v in words.values())} words in {len(words)} languages")


if __name__ == "__main__":
    main()
