"""What the page says about its corpus: title, description and example questions, from ``site.json``.

The file sits in the corpus folder beside ``glossary.json`` (the corpus reader skips it: it is not a
document), so another corpus brings its own. Without one the page has a neutral title and asks about the
glossary's first terms.

    {"title": "Relapsed ALL reference",
     "description": "Questions about the treatment of relapsed acute lymphoblastic leukemia.",
     "examples": ["Tell me what blinatumomab is.", "..."]}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

FILE_NAME = "site.json"


class Site(BaseModel):
    title: str = Field(default="Medical reference", min_length=1, max_length=120)
    description: str = Field(default="", max_length=1000)
    examples: list[str] = Field(default_factory=list, max_length=8)


def site_file(corpus: str | Path) -> Path:
    corpus = Path(corpus)
    return (corpus if corpus.is_dir() else corpus.parent) / FILE_NAME


def load_site(corpus: str | Path, glossary: Any = None) -> Site:
    """The corpus's site.json; without one, defaults with examples from the glossary's first terms.

    A malformed file is a ValueError naming the file and the problem in one line.
    """
    path = site_file(corpus)
    if path.is_file():
        try:
            return Site.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: not valid JSON ({exc})") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "file"
            raise ValueError(f"{path}: {where}: {first['msg']}") from None
    terms = [e.term for e in getattr(glossary, "entries", [])][:3]
    return Site(examples=[f"What is {t}?" for t in terms])
