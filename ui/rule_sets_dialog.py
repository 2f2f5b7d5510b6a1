"""考核细则管理: the rule sets this computer knows (the program's and the user's), one shown as its
official text beside its parameters and readings with its SHA-256; importing a rule-set file, making
a new year's rule set from one (ui/rule_set_editor.py), and changing the open year's rule set to a
revision of its year (ui/rule_update.py)."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.common.messages import format_number, render
from core.editing.session import Session
from core.scoring import rule_library
from core.scoring.rule_library import KnownRuleSet
from core.scoring.rule_problems import word
from core.scoring.rules import RuleSet
from core.store.rule_updates import rule_set_named
from ui.dialogs import error_label
from ui.screen_fit import resize_within_screen

TESTS_SAID = {">=": QCoreApplication.translate("RuleSetsDialog", "不低于"),
              ">": QCoreApplication.translate("RuleSetsDialog", "高于"),
              "<=": QCoreApplication.translate("RuleSetsDialog", "不超过"),
              "<": QCoreApplication.translate("RuleSetsDialog", "低于")}


def _e(text: object) -> str:
    return html.escape(str(text))


def official_text(rules: RuleSet) -> str:
    """The rules as the bureau wrote them: sections, clauses, negative impact and grades."""
    parts = [f"<h3>{_e(rules.title)}</h3><p>{_e(rules.document)}</p>"]
    for section, indices in rules.clause_indices_by_section:
        parts.append(f"<h4>{_e(section.id)}、{_e(section.title)}（{format_number(section.points)}分）</h4>")
        if section.text:
            parts.append(f"<p>{_e(section.text)}</p>")
        for i in indices:
            clause = rules.clauses[i]
            text = _e(clause.text).replace("\n", "<br>")
            parts.append(f"<p><b>{_e(clause.id)} {_e(clause.title)}</b><br>{text}</p>")
    parts.append(f"<h4>{_e(rules.negative.id)}、{_e(rules.negative.title)}</h4><p>{_e(rules.negative.text)}</p>")
    parts += [f"<p>{_e(d.text)}</p>" for d in rules.negative.deductions]
    parts += [f"<p>{_e(v.text)}</p>" for v in rules.negative.vetoes]
    parts.append(f"<h4>{_e(QCoreApplication.translate('RuleSetsDialog', '等级'))}</h4><p>{_e(rules.grades.text)}</p>")
    return "".join(parts)


def _param(name: str, value: object, clause) -> str:
    threshold = clause.thresholds.get(name)
    if threshold is not None:
        said = TESTS_SAID[threshold.test]
        shown = f"{said} {format_number(threshold.value)}" + (
            QCoreApplication.translate("RuleSetsDialog", "（比较方式由解读决定）") if threshold.reading else "")
    elif isinstance(value, tuple):
        labels = {e.id: e.label for e in clause.evidence}
        shown = "；".join(labels.get(v, str(v)) for v in value)
    elif value is None:
        shown = "—"
    elif isinstance(value, bool):  # 按加分计: in words, not True/False
        shown = QCoreApplication.translate("RuleSetsDialog", "是" if value else "否")
    elif isinstance(value, str):  # a record's evidence item, or a choice such as the curve, in words
        labels = {e.id: e.label for e in clause.record_evidence}
        shown = labels.get(value) or word(f"ruleset.{name}.{value}", value)
    else:
        shown = format_number(value)
    return f"<tr><td>{_e(word(f'ruleset.param.{name}', name))}</td><td>{_e(shown)}</td></tr>"


def parameters_and_readings(rules: RuleSet) -> str:
    """Every number the program scores with, clause by clause, and every reading with its description."""
    parts = []
    for clause in rules.clauses:
        rows = [f"<tr><td>{_e(QCoreApplication.translate('RuleSetsDialog', '分值'))}</td>"
                f"<td>{format_number(clause.points)}</td></tr>"]
        rows += [_param(name, value, clause) for name, value in clause.params.items()]
        items = "；".join(e.label for e in clause.evidence + clause.record_evidence)
        if items:
            said = QCoreApplication.translate("RuleSetsDialog", "依据")
            rows.append(f"<tr><td>{_e(said)}</td><td>{_e(items)}</td></tr>")
        parts.append(f"<p><b>{_e(clause.id)} {_e(clause.title)}</b></p><table cellpadding='2'>{''.join(rows)}</table>")
    negative = rules.negative
    rows = []
    for d in negative.deductions:
        if d.per_case is not None:
            amount = QCoreApplication.translate("RuleSetsDialog", "每件扣 {points} 分").format(
                points=format_number(d.per_case))
        else:
            amount = QCoreApplication.translate("RuleSetsDialog", "{test} {count} 次扣 {points} 分").format(
                test=TESTS_SAID[d.threshold.test] if d.threshold else "", points=format_number(d.once),
                count=format_number(d.threshold.value) if d.threshold else "")
        rows.append(f"<tr><td>{_e(word(f'ruleset.fact.{d.fact}', d.fact))}</td><td>{_e(amount)}</td></tr>")
    parts.append(f"<p><b>{_e(negative.title)}</b></p><table cellpadding='2'>{''.join(rows)}</table>")
    quotas = "；".join(f"{g}级{TESTS_SAID[rules.grades.quota_test]} {format_number(share * 100)}%"
                      for g, share in rules.grades.quota_share.items())
    parts.append(f"<p><b>{_e(QCoreApplication.translate('RuleSetsDialog', '等级名额'))}</b><br>{_e(quotas)}</p>"
                 f"<p><b>{_e(QCoreApplication.translate('RuleSetsDialog', '解读'))}</b></p><ul>")
    parts += [f"<li>{_e(r.description)}</li>" for r in rules.readings.values()]
    parts.append("</ul>")
    return "".join(parts)


class RuleSetsDialog(QDialog):
    """The known rule sets; `year_rules` is the rule set the open year file stores, if a year is open;
    with the open year's `session`, a revision of the year's rules can become the year's."""
    adopted = Signal()  # the open year's rule set was changed: the window opens the year again under it

    def __init__(self, year_rules: RuleSet | None = None, parent: QWidget | None = None,
                 session: Session | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("考核细则管理"))
        self.session = session
        self.year_rules = session.rules if session is not None else year_rules
        self.known: list[KnownRuleSet] = []
        layout = QVBoxLayout(self)
        self.year_label = QLabel()
        self.year_label.setWordWrap(True)
        self.year_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.year_label)
        splitter = QSplitter()
        self.list = QListWidget()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        self.unusable_label = error_label()  # the user's files that cannot be used, and why
        left_layout.addWidget(self.unusable_label)
        splitter.addWidget(left)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right_layout.addWidget(self.info)
        texts = QSplitter()
        self.text_view = QTextBrowser()
        self.params_view = QTextBrowser()
        texts.addWidget(self.text_view)
        texts.addWidget(self.params_view)
        right_layout.addWidget(texts, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([400, 800])  # whole titles in the list
        layout.addWidget(splitter, 1)
        self.message = error_label()
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.import_button = QPushButton(self.tr("导入细则文件…"))
        self.make_button = QPushButton(self.tr("以此为底稿制定新年度细则…"))
        self.adopt_button = QPushButton(self.tr("本年度改用此细则…"))
        self.adopt_file_button = QPushButton(self.tr("本年度改用细则文件…"))
        close = QPushButton(self.tr("关闭"))
        row.addWidget(self.import_button)
        row.addWidget(self.make_button)
        row.addWidget(self.adopt_button)
        row.addWidget(self.adopt_file_button)
        for button in (self.adopt_button, self.adopt_file_button):
            button.setVisible(session is not None)
        self.adopt_file_button.setEnabled(session is not None and not session.read_only)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.import_button.clicked.connect(lambda _checked=False: self.choose_and_import())
        self.make_button.clicked.connect(lambda _checked=False: self.make_new())
        self.adopt_button.clicked.connect(lambda _checked=False: self.adopt_selected())
        self.adopt_file_button.clicked.connect(lambda _checked=False: self.choose_and_adopt())
        close.clicked.connect(self.accept)
        self.list.currentRowChanged.connect(self._show)
        self.refresh()
        resize_within_screen(self, 1200, 720)

    def refresh(self, select_id: str | None = None) -> None:
        self.known, unusable = rule_library.scan()
        self.list.clear()
        for known in self.known:
            origin = self.tr("程序自带") if known.bundled else self.tr("已导入")
            item = QListWidgetItem(f"{known.rules.title}\n{known.rules.document} · {origin}")
            if not known.bundled:  # the program's own are named 程序自带: where it is installed is no concern of a user
                item.setToolTip(str(known.path))
            self.list.addItem(item)
        ids = [k.rules.id for k in self.known]
        wanted = select_id if select_id in ids else (self.year_rules.id if self.year_rules and
                                                      self.year_rules.id in ids else None)
        self.list.setCurrentRow(ids.index(wanted) if wanted else 0)
        self.unusable_label.setVisible(bool(unusable))
        self.unusable_label.setText("\n".join(
            [self.tr("以下细则文件在本机，但不能使用，未列出（新建年度时不可选用）：")]
            + [f"{path.name}：{'；'.join(problems)}" for path, problems in unusable]) if unusable else "")
        self.unusable_label.setToolTip(str(rule_library.imported_dir()))
        self._show_year()

    def _show_year(self) -> None:
        if self.year_rules is None:
            self.year_label.setText(self.tr("当前没有打开的年度。"))
            return
        same = next((k for k in self.known if k.rules.sha256 == self.year_rules.sha256), None)
        said = (self.tr("与下列“{title}”（{origin}）完全一致。").format(
                    title=same.rules.title, origin=self.tr("程序自带") if same.bundled else self.tr("已导入"))
                if same else self.tr("本机已知的细则中没有与之完全一致的版本；本年度始终按数据文件中所存的细则计分。"))
        self.year_label.setText(self.tr("当前年度数据文件所用细则：《{title}》，细则校验值（SHA-256）{sha}。{said}").format(
            title=self.year_rules.title, sha=self.year_rules.sha256, said=said))

    def current(self) -> KnownRuleSet | None:
        row = self.list.currentRow()
        return self.known[row] if 0 <= row < len(self.known) else None

    def _show(self, _row: int) -> None:
        known = self.current()
        self.make_button.setEnabled(known is not None)
        self.adopt_button.setEnabled(known is not None and self._adoptable(known.rules))
        if known is None:
            return
        rules = known.rules
        self.info.setText(self.tr(
            "《{title}》 {document}　考核年度 {year}（{start} 至 {end}）　细则格式第 {format} 版\n"
            "细则校验值（SHA-256，用它建立的每个年度数据文件都存有此值）：{sha}\n文件：{path}").format(
            title=rules.title, document=rules.document, year=rules.year, start=rules.period_start.isoformat(),
            end=rules.period_end.isoformat(), format=rules.format, sha=rules.sha256,
            path=self.tr("程序自带") if known.bundled else str(known.path)))
        self.text_view.setHtml(official_text(rules))
        self.params_view.setHtml(parameters_and_readings(rules))

    # ------------------------------------------------------------------ import and make

    def _chosen_file(self, title: str) -> Path | None:
        """A rule-set file the assessor picks (None: cancelled)."""
        path, _ = QFileDialog.getOpenFileName(self, title, str(Path.home()), self.tr("考核细则文件 (*.toml)"))
        return Path(path) if path else None

    def choose_and_import(self) -> None:
        path = self._chosen_file(self.tr("导入考核细则文件"))
        if path is not None:
            self.import_file(path)

    def import_file(self, path: Path) -> bool:
        added, problems = rule_library.import_file(path)
        if added is None:
            read, _ = rule_library.read_file(path)
            if read is not None and self._adoptable(read):  # a revision of the open year under the same id
                problems = [*problems, self.tr("这份细则是本年度的细则，如要让本年度改按它计分，"
                                               "请点“本年度改用细则文件…”选用这个文件。")]
            self._say(self.tr("未导入 {file}：").format(file=path.name) + "\n" + "\n".join(problems), ok=False)
            return False
        said = self.tr("已导入《{title}》，新建年度时可选用。").format(title=added.rules.title)
        if self._adoptable(added.rules):
            said += self.tr("它是本年度的细则，也可点“本年度改用此细则…”让本年度改按它计分。")
        self._say(said, ok=True)
        self.refresh(added.rules.id)
        return True

    # ------------------------------------------------------------------ the open year's rule set

    def _adoptable(self, rules: RuleSet) -> bool:
        """A rule set of the open year other than the one it stores, in a year open for writing."""
        return self.session is not None and self.session.may_adopt(rules)

    def _say(self, text: str, ok: bool) -> None:
        self.message.setStyleSheet("color: #1b5e20;" if ok else "color: #b00020;")
        self.message.setText(text)

    def adopt_selected(self) -> bool:
        known = self.current()
        return known is not None and self.adopt(known.rules)

    def choose_and_adopt(self) -> None:
        path = self._chosen_file(self.tr("选择本年度改用的考核细则文件"))
        if path is not None:
            self.adopt_file(path)

    def adopt_file(self, path: Path) -> bool:
        rules, problems = rule_library.read_file(path)
        if rules is None:
            self._say(self.tr("不能选用 {file}：").format(file=path.name) + "\n" + "\n".join(problems), ok=False)
            return False
        return self.adopt(rules)

    def adopt(self, rules: RuleSet) -> bool:
        """Change the open year's rule set to `rules` after showing what changes and asking the reason."""
        from ui.rule_update import adopt_rules  # its dialog is built only when asked for
        session = self.session
        if session is None:
            return False
        problem = session.rules_refusal(rules)
        if problem is not None:
            self._say(render(problem.message), ok=False)
            return False
        problems = adopt_rules(session, self, rules)
        if problems is None:
            return False
        if problems:
            self._say("\n".join(p.text() for p in problems), ok=False)
            return False
        self.year_rules = session.rules
        self._say(self.tr("本年度已改按{rules}计分，全部运营单位已重新计分，更换及理由已记入审计记录。").format(
            rules=render(rule_set_named(session.rules))), ok=True)
        self.refresh(session.rules.id)
        self.adopted.emit()
        return True

    def make_new(self) -> None:
        from ui.rule_set_editor import RuleSetEditor  # the editor's form is built only when asked for
        known = self.current()
        if known is None:
            return
        editor = RuleSetEditor(known.rules, [(k.rules.id, k.rules.title) for k in self.known], self)
        if editor.exec() == QDialog.DialogCode.Accepted and editor.saved is not None:
            self.message.setStyleSheet("color: #1b5e20;")
            self.message.setText(self.tr("已保存《{title}》到 {path}，并加入本机细则，新建年度时可选用。").format(
                title=editor.saved.rules.title, path=str(editor.saved_path)))
            self.refresh(editor.saved.rules.id)
