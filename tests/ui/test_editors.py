"""Every editor kind a page of any shipped rule set names has its widget on the clause page (ui/editors/),
and every module there says in one sentence what it holds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.scoring.assessment import pages
from core.scoring.rules import load_rule_set
from tests.example_rules import RULE_SET_FILES
from ui.editors import EDITORS
from ui.editors.base import FactsEditor

EDITORS_DIR = Path(__file__).resolve().parents[2] / "ui" / "editors"


@pytest.mark.parametrize("rule_set", RULE_SET_FILES, ids=lambda p: p.stem)
def test_every_editor_kind_a_page_names_has_its_widget(rule_set):
    named = {kind for page in pages(load_rule_set(rule_set)) for kind in page.editors}
    assert named and named <= set(EDITORS)


def test_each_editor_kind_has_its_own_facts_editor():
    assert all(issubclass(widget, FactsEditor) for widget in EDITORS.values())
    assert len(set(EDITORS.values())) == len(EDITORS)


def test_every_editor_module_says_what_it_holds():
    for path in EDITORS_DIR.glob("*.py"):
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path.name
