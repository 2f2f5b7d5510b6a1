"""Changing the year's rule set with a reason (core.store.rule_updates): to the program's newer one, as the
clause page's notice (ui/rule_banner.py) offers, or to a revision of the year's rules the bureau issued, as
考核细则管理 offers; what changes is shown before the change is confirmed."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout, QWidget

from core.common.messages import Msg, render
from core.common.problems import Problem
from core.editing.session import Session
from core.scoring.rule_changes import rule_changes
from core.scoring.rules import RuleSet
from core.store.rule_updates import rule_set_named
from ui.dialogs import ReasonDialog


class AdoptRulesDialog(ReasonDialog):
    """Adopt `rules` (the program's newer rule set when None) for the year: from which rule set to which,
    the clauses scored differently and the units' totals and grades before → after, and the reason
    (required, audited)."""

    def __init__(self, session: Session, parent: QWidget | None = None, rules: RuleSet | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("更换本年度的考核细则"))
        stored = session.rules
        self.rules = rules or session.program_rules
        assert self.rules is not None
        self._build(self.tr(
            "{change}\n全部运营单位随即按新细则重新计分；已签名定稿的运营单位须先解除锁定。"
            "更换前后的细则全文（校验码 {old} → {new}）都记入审计记录，原结果仍可查证。"
            "以下是按现有数据重新计分后的变化：").format(
                change=render(Msg.of("rules.changes.heading", old=rule_set_named(stored),
                                     new=rule_set_named(self.rules))),
                old=stored.sha256[:12], new=self.rules.sha256[:12]),
            self.tr("更换理由（必填，记入审计记录）："), self.tr("更换细则"), 720)
        self.changes = QTextBrowser()
        self.changes.setPlainText(rule_changes(session.year, stored, self.rules).text())
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)  # ReasonDialog's
        layout.insertWidget(1, self.changes, 3)
        self.resize(720, 560)


def adopt_rules(session: Session, parent: QWidget, rules: RuleSet | None = None) -> list[Problem] | None:
    """Ask for the change and make it: None when the user cancelled, else the problems (empty: adopted)."""
    dialog = AdoptRulesDialog(session, parent, rules)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return list(session.adopt_rules(dialog.value(), dialog.rules).problems)
