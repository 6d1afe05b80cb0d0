"""Engines over a few hand-written pages (with the project's glossary), for tests of one rule on one text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

# A page giving the sites a relapse comes back in, then a paragraph of its own for each site's treatment.
SITES_PAGE = ("Leukemic cells may reappear in the bone marrow, CNS, testes, or other sites.\n\n"
              "CNS relapse treatment includes intrathecal methotrexate twice weekly until all signs disappear. "
              "The role of CNS irradiation is unclear.\n\n"
              "Testicular relapse may be evidenced clinically by painless firm swelling of a testis. "
              "Treatment is radiation therapy of the involved testis and administration of systemic reinduction therapy.")

# A list of older agents under the sentence that qualifies all of them (issue 12: an item keeps its qualifier).
QUALIFIED_LIST = ("Other agents have been available, but clinically meaningful outcomes have not been convincingly demonstrated for these. "
                  "Examples include:\n\n"
                  "Clofarabine (a purine nucleoside analog): For patients age 1 to 21 years with relapsed ALL after 2 prior regimens")


def engine_over(tmp_path: Path, embedder: Any, rows: list[dict[str, str]]) -> Any:
    """An engine over ``rows`` (id, title, text) as one JSONL file, with the project's glossary."""
    import bot
    from bot.settings import PROJECT_ROOT

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PROJECT_ROOT / "corpus" / "glossary.json", corpus / "glossary.json")
    (corpus / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return bot.load(corpus=corpus, index=tmp_path / "index", embedder=embedder)


def one_page(tmp_path: Path, embedder: Any, text: str) -> Any:
    """An engine over one page of ``text`` (id "all", titled "Relapsed ALL")."""
    return engine_over(tmp_path, embedder, [{"id": "all", "title": "Relapsed ALL", "text": text}])


def ask_one_page(tmp_path: Path, embedder: Any, text: str, question: str) -> Any:
    """The answer to ``question`` over one page of ``text``."""
    return one_page(tmp_path, embedder, text).session().ask(question)
