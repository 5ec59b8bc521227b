"""The layers point one way: no import cycle among the project's modules, and only the Discord-facing modules
import discord.py.

The graph is read from the source (``ast``), so it sees lazy imports inside functions too; imports under
``if TYPE_CHECKING:`` are left out, because they never run (they exist for type hints only).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "cogs")

DISCORD_IMPORTERS = (
    "bot.client",
    "bot.render.discord",
    "bot.discord_ui",
    "bot.cli.run",
    "cogs",
)
"""Modules (or packages, with everything in them) allowed to import discord.py."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run (skipping ``if TYPE_CHECKING:`` bodies)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            for other in node.orelse:
                yield from runtime_imports(ast.Module(body=[other], type_ignores=[]))
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from runtime_imports(node)


def imported_names(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Absolute names of what a module imports (``from a import b`` counts ``a.b`` when that is a module).

    Like every import tool, the implicit import of a module's parent packages is not counted as an edge.
    """
    names: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        submodules = {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known}
        names.update(submodules)
        if len(submodules) < len(node.names):  # ``from pkg import sub`` needs only what any submodule import needs
            names.add(base)
    return names


def import_graph() -> dict[str, set[str]]:
    known = project_modules()
    return {name: imported_names(name, path, known) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module, or a module importing itself (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_the_project() -> None:
    graph = import_graph()
    assert "bot.client" in graph and "cogs.ask" in graph
    assert "bot.discord_ui.replies" in graph["bot.client"]  # a known edge, so an empty graph cannot pass


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_cycle_detection_works() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_only_discord_facing_modules_import_discord() -> None:
    def allowed(name: str) -> bool:
        return any(name == a or name.startswith(a + ".") for a in DISCORD_IMPORTERS)

    offenders = {
        name for name, imports in import_graph().items()
        if not allowed(name) and any(i == "discord" or i.startswith("discord.") for i in imports)
    }
    assert offenders == set()


def test_render_does_not_reach_up_into_the_discord_side() -> None:
    graph = import_graph()
    for name, imports in graph.items():
        if name.startswith("bot.render"):
            assert not {i for i in imports if i.startswith(("bot.discord_ui", "bot.client", "cogs"))}, name
