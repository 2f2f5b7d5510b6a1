"""The record tables' models (ui/models.py): a cell's data for a role is made once and remembered until the
rows are set or reloaded, so a view fitting its columns and painting them asks the unit's facts once; an
edit shows at once all the same."""

from __future__ import annotations

from collections import Counter


def test_a_cell_is_made_once_for_painting_and_fitting_and_again_after_an_edit(qtbot, window, tmp_path):
    from core.store.demo import ensure_demo
    assert window.open_dataset(ensure_demo(tmp_path, "演示考核人员"))
    editor = window.workspace.clause_page.editors.records["bases"]
    model, view = editor.model, editor.view
    view.resizeColumnsToContents()
    view.viewport().repaint()
    asked = Counter()
    making = model.common_data  # the first step of every cell's data

    def counted(*args):
        asked["cells"] += 1
        return making(*args)
    model.common_data = counted
    view.resizeColumnsToContents()  # what a view does again when the page is shown, resized, scrolled
    view.viewport().repaint()
    view.viewport().repaint()
    assert asked["cells"] == 0

    date = model.index(0, model.columns.index("agreement_date"))
    before = date.data()
    assert model.setData(date, "2022-06-30")  # as the table's editor saves a typed date
    editor.show_values(window.session.unit(window.current_unit_id()))
    assert date.data() == "2022-06-30" != before
