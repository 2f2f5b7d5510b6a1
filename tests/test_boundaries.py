"""House rules that keep the layers apart: core/ is plain Python, testable without a screen; the two faces
(ui/, cli/) stand on core/ and not on each other; no module imports, however indirectly, itself."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_CORE = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2", "ui")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            found.append((node.lineno, str(node.args[0].value)))
    return found


def qt_imports(path: Path) -> list[str]:
    return [f"{path.relative_to(ROOT)}:{line}: {module}" for line, module in imported_modules(path)
            if module.split(".")[0] in FORBIDDEN_IN_CORE]


def test_core_never_imports_qt_or_ui():
    offenders = [hit for path in sorted((ROOT / "core").rglob("*.py")) for hit in qt_imports(path)]
    assert offenders == []


@pytest.mark.parametrize(("layer", "forbidden"), [("core", ("ui", "cli")), ("ui", ("cli",))])
def test_the_faces_stay_apart(layer, forbidden):
    """core/ serves both faces and knows neither; the desktop never borrows from the command line."""
    offenders = [f"{path.relative_to(ROOT)}:{line}: {module}" for path in sorted((ROOT / layer).rglob("*.py"))
                 for line, module in imported_modules(path) if module.split(".")[0] in forbidden]
    assert offenders == []


@pytest.mark.parametrize("source", [
    "import PySide6.QtWidgets\n",
    "from PySide6 import QtCore\n",
    "from ui.main_window import MainWindow\n",
    "import importlib\nimportlib.import_module('PySide6.QtGui')\n",
])
def test_the_boundary_check_catches_qt(tmp_path, source):
    path = tmp_path / "probe.py"
    path.write_text(source)
    assert [m for _, m in imported_modules(path) if m.split(".")[0] in FORBIDDEN_IN_CORE], source


def dataset_reaches(path: Path) -> list[str]:
    """Where a file reads the `ds` attribute of anything (a session's dataset, an exporter's)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return sorted(f"{path.name}:{node.lineno}: {ast.unparse(node)}" for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "ds")


def test_the_desktop_asks_the_session_not_its_dataset():
    """ui/ works on a year through core.editing.session.Session, whose methods say what the user does;
    the Dataset behind it (undo, re-scoring and the audit trail's bookkeeping) stays core's."""
    offenders = [hit for path in sorted((ROOT / "ui").rglob("*.py")) for hit in dataset_reaches(path)]
    assert offenders == []


def test_the_dataset_check_sees_every_way_to_the_dataset(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text("self.session.ds.close()\nds = window.session.ds\nf(session.ds)\n"
                    "dataset.close()\nself.ds_name = session.file\n")
    assert dataset_reaches(path) == ["probe.py:1: self.session.ds", "probe.py:2: window.session.ds",
                                     "probe.py:3: session.ds"]


PROGRAM = ("core", "ui", "cli")


def program_modules() -> dict[str, Path]:
    """Every module of the program by its dotted name (a package by its own name)."""
    found = {}
    for face in PROGRAM:
        for path in (ROOT / face).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def runtime_imports(path: Path, known: set[str] | dict[str, Path]) -> set[str]:
    """The program's modules this file imports when it runs, at the top or inside a function (imports
    for the type checker only, under `if TYPE_CHECKING:`, never run). `from package import module`
    counts as importing the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    checking_only = {id(node) for branch in ast.walk(tree) if isinstance(branch, ast.If)
                     and getattr(branch.test, "id", getattr(branch.test, "attr", "")) == "TYPE_CHECKING"
                     for statement in branch.body for node in ast.walk(statement)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in checking_only:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module
                      for a in node.names}
    return {name for name in found if name in known}


def import_graph() -> dict[str, set[str]]:
    modules = program_modules()
    return {name: runtime_imports(path, modules) - {name} for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_module_imports_itself_through_others():
    assert circles(import_graph()) == []


def test_the_circle_check_finds_a_circle_and_ignores_type_checking(tmp_path):
    (tmp_path / "a.py").write_text("from core.b import thing\n")
    (tmp_path / "b.py").write_text("def f():\n    from core.c import other\n")
    (tmp_path / "c.py").write_text("from core import a\n")
    (tmp_path / "d.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from core.a import x\n")
    known = {f"core.{n}": tmp_path / f"{n}.py" for n in "abcd"}
    graph = {name: runtime_imports(path, known) for name, path in known.items()}
    assert graph["core.d"] == set()
    assert circles(graph) == [["core.a", "core.b", "core.c"]]


def test_core_imports_without_qt_installed(tmp_path):
    """Import every core module in a fresh interpreter where PySide6 cannot be imported."""
    import subprocess
    import sys
    blocker = tmp_path / "PySide6"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('Qt is not allowed in core')\n")
    modules = [".".join(p.relative_to(ROOT).with_suffix("").parts) for p in sorted((ROOT / "core").rglob("*.py"))
               if p.stem != "__init__"]
    code = "import importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    env_path = f"{tmp_path}:{ROOT}"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr


def package_of(module: str) -> str:
    """core's packages one by one (core.store, core.pdf, …); ui and cli each as a whole."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "core" and len(parts) > 2 else parts[0]


def package_circle_imports(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Every import from one package to another that lies on a circle of packages."""
    packages: dict[str, set[str]] = {}
    for module, imported in graph.items():
        packages.setdefault(package_of(module), set())
        for other in imported:
            if package_of(other) != package_of(module):
                packages[package_of(module)].add(package_of(other))
    circled = {p: group for group in circles(packages) for p in group}
    return {(module, other) for module, imported in graph.items() for other in imported
            if package_of(module) != package_of(other) and package_of(module) in circled
            and circled.get(package_of(other)) is circled[package_of(module)]}


def test_no_package_imports_itself_through_others():
    """Packages stand on each other one way only: core.store (the year file, which keeps the people and
    counts them) on core.excel (workbooks in and out) on core.people (the people's records and their
    matching), all on core.scoring and core.common. An import the other way closes a circle of
    packages and fails here, naming its imports."""
    assert sorted(package_circle_imports(import_graph())) == []


def test_the_package_check_sees_a_circle_through_two_packages():
    graph = {"core.a.x": {"core.b.y"}, "core.b.y": set(), "core.b.z": {"core.a.w"}, "core.a.w": set(),
             "ui.v": {"core.a.x"}}
    assert package_circle_imports(graph) == {("core.a.x", "core.b.y"), ("core.b.z", "core.a.w")}
