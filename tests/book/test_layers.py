"""The package imports one way: each layer of cocoonlib uses only the layers below it, and no modules import
each other in a circle (README: the layout)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "cocoonlib"
#: bottom to top: data and units below, physics in the middle, the book's edge on top
LAYERS = ("core", "io", "source", "production", "transport", "sky", "stats", "book")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every cocoonlib module (or package) the file imports, at any depth of the file (lazy imports count)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                raise AssertionError(f"{path}: relative import 'from {'.' * node.level}{node.module or ''}'")
            if node.module and node.module.split(".")[0] == "cocoonlib":
                out |= {f"{node.module}.{a.name}" for a in node.names}  # a module, or a name of one (_resolve)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "cocoonlib"}
    return out


MODULES = {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str:
    """The module a dotted import name lives in (``cocoonlib.sky.gamma.GammaSky`` -> ``cocoonlib.sky.gamma``)."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else -1


def test_every_module_is_in_a_layer():
    outside = [m for m in MODULES if m != "cocoonlib" and _layer(m) < 0]
    assert not outside, f"modules outside the layers {LAYERS}: {outside}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) >= 0))
def test_imports_go_down_only(module):
    up = sorted(d for d in map(_resolve, MODULES[module]) if _layer(d) > _layer(module))
    assert not up, f"{module} (layer {LAYERS[_layer(module)]}) imports from a layer above it: {up}"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of the directed graph ({node: nodes it points to}) as a list of nodes, or None."""
    state, path = {}, []

    def visit(m):
        state[m] = "open"
        path.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == "open":
                return path[path.index(d) :] + [d]
            if d not in state and (found := visit(d)):
                return found
        state[m] = "done"
        path.pop()
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_cycles():
    cycle = find_cycle({m: {_resolve(d) for d in deps} - {m} for m, deps in MODULES.items()})
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


#: the book's own parts, bottom to top: each imports only from those before it (and the physics)
BOOK_PARTS = ("params", "chapters", "explore", "report", "cli")


def _book_part(module: str) -> int:
    parts = module.split(".")
    return BOOK_PARTS.index(parts[2]) if len(parts) > 2 and parts[1] == "book" and parts[2] in BOOK_PARTS else -1


def test_every_module_of_the_book_is_in_a_part():
    loose = [m for m in MODULES if m.startswith("cocoonlib.book.") and _book_part(m) < 0]
    assert not loose, f"modules of cocoonlib.book outside its parts {BOOK_PARTS}: {loose}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _book_part(m) >= 0))
def test_the_book_imports_its_parts_one_way(module):
    up = sorted(d for d in map(_resolve, MODULES[module]) if _book_part(d) > _book_part(module))
    assert not up, f"{module} (part {BOOK_PARTS[_book_part(module)]}) imports from a part above it: {up}"


def test_only_the_explore_page_imports_bokeh():
    importers = sorted(
        _module_name(p) for p in PACKAGE.rglob("*.py") if "bokeh" in {n.split(".")[0] for n in _external_imports(p)}
    )
    assert importers and all(m.startswith("cocoonlib.book.explore") for m in importers), importers


def _external_imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out
