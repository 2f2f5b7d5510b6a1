"""House rules that keep the layers apart: core/ is plain Python, testable without a screen."""

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
