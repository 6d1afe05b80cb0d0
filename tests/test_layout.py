"""The package's shape: no import cycle between bot's modules, and no module grown past ~400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"


def _imports(path: Path) -> set[str]:
    """bot modules imported at module level (imports inside functions are lazy by design).

    ``from bot.pkg import mod`` depends on the submodule ``bot.pkg.mod`` when there is one, not on the
    package's ``__init__``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot"):
            subs = [f"{node.module}.{a.name}" for a in node.names]
            found = [m for m in subs if (BOT.parent / (m.replace(".", "/") + ".py")).exists()]
            out.update(found if len(found) == len(subs) else [node.module])
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("bot"))
    return out


def _module(path: Path) -> str:
    rel = path.relative_to(BOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_no_import_cycle_among_bot_modules() -> None:
    graph = {_module(p): _imports(p) for p in BOT.rglob("*.py")}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for dep in sorted(graph.get(m, ())):
            if dep == m or dep not in graph:
                continue
            if state.get(dep) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*stack[stack.index(dep):], dep]))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_answer_path_modules_stay_small() -> None:
    answer_path = ["answerer", "decision", "forms", "overview", "composer", "evidence", "dialogue", "question",
                   "query", "conditions", "params", "render_text"]
    sizes = {m: len((BOT / f"{m}.py").read_text(encoding="utf-8").splitlines()) for m in answer_path}
    big = {m: n for m, n in sizes.items() if n > 400}
    assert not big, f"modules over 400 lines: {big}"
