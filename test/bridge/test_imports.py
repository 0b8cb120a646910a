"""The package's shape: no import cycle between its modules, no module over MAX_LINES lines, a
docstring in every package, and only relative imports of its own modules."""

from __future__ import annotations

import ast
import os
import unittest

from . import BRIDGE_DIR

PACKAGE = "wandb_launch_bridge"
MAX_LINES = 350


def modules() -> dict[str, str]:
    """Dotted module name -> file path, for every module of the package."""
    found = {}
    root = os.path.join(BRIDGE_DIR, PACKAGE)
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                parts = os.path.relpath(path, BRIDGE_DIR)[:-3].split(os.sep)
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                found[".".join(parts)] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (at any depth of its code, lazy imports too)."""
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        package = name if path.endswith("__init__.py") else name.rpartition(".")[0]
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        edges: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    if f"{target}.{alias.name}" in known:
                        edges.add(f"{target}.{alias.name}")
                    elif target in known:
                        edges.add(target)
            elif isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names if alias.name in known)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a list of modules (first == last), or [] when there is none. A package's
    own __init__ re-exporting its modules is not a cycle of theirs: edges into a package's parent
    packages are left out (importing a submodule runs them anyway, and they import nothing back)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return []


class Shape(unittest.TestCase):
    def test_no_import_cycle(self):
        self.assertEqual(find_cycle(import_graph()), [])

    def test_the_cycle_finder_finds_one(self):
        self.assertEqual(find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}), ["a", "b", "c", "a"])
        self.assertEqual(find_cycle({"a": {"b"}, "b": set()}), [])

    def test_the_graph_sees_lazy_imports(self):
        self.assertIn(f"{PACKAGE}.direct.launch", import_graph()[f"{PACKAGE}.main"])

    def test_every_module_imports_without_the_sdk(self):
        import importlib

        for name in sorted(modules()):
            with self.subTest(module=name):
                importlib.import_module(name)

    def test_no_module_over_the_line_limit(self):
        for name, path in modules().items():
            with open(path, encoding="utf-8") as f, self.subTest(module=name):
                self.assertLessEqual(len(f.read().splitlines()), MAX_LINES)

    def test_every_package_says_what_it_is_for(self):
        for name, path in modules().items():
            if path.endswith("__init__.py"):
                with open(path, encoding="utf-8") as f, self.subTest(package=name):
                    self.assertTrue(ast.get_docstring(ast.parse(f.read())))

    def test_the_package_imports_itself_relatively(self):
        for name, path in modules().items():
            with open(path, encoding="utf-8") as f:
                tree = ast.parse(f.read())
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and not node.level:
                    self.assertFalse((node.module or "").startswith(PACKAGE), f"{name}: import {node.module}")


if __name__ == "__main__":
    unittest.main()
