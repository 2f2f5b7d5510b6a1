"""The notes read before importing a roster (core/people/import_notes.py): rows that will count under no
base, for a base name the unit has not registered and for a blank base where the unit has several."""

from __future__ import annotations

import datetime as dt

from core.people.import_notes import year_notes
from core.people.records import ArrivalRecord, PlacementRecord
from tests.builders import base
from tests.xlsx_builders import person_id


def arrival_row(row: int, base_name: str) -> ArrivalRecord:
    return ArrivalRecord("花名册", row, f"人员{row}", person_id(row), "某公司", dt.date(2022, 3, 1), base_name)


def texts(notes) -> list[str]:
    return [n.text() for n in notes.notes]


def test_a_blank_base_is_noted_when_the_unit_has_several_of_its_type_and_counted_in_the_rows():
    bases = [base("铜仁劳务基地"), base("昭通劳务基地"), base("铜仁职业技术学院", type="school")]
    rows = [arrival_row(5, "铜仁劳务基地"), arrival_row(6, ""), arrival_row(7, "浙江某某基地"), arrival_row(8, "")]
    found = year_notes("arrivals", rows, [], "花名册.xlsx", [], bases)
    assert texts(found) == [
        "花名册.xlsx：花名册 第 6 行：未填写基地，而该单位登记的劳务基地有 2 个：2 行（第 6、8 行）"
        "导入后不计入任何基地的人数，直到补填基地名称",
        "花名册.xlsx：花名册 第 7 行：基地“浙江某某基地”不是该单位登记的劳务基地：1 行（第 7 行）"
        "导入后不计入任何基地的人数，直到在本单位登记该基地或改正基地名称"]
    assert found.rows == 3


def test_a_blank_base_is_fine_when_the_unit_has_one_base_of_its_type():
    bases = [base("铜仁劳务基地"), base("铜仁职业技术学院", type="school"), base("周口职业技术学院", type="school")]
    assert year_notes("arrivals", [arrival_row(5, ""), arrival_row(6, " 铜仁 劳务基地")], [], "f.xlsx", [],
                      bases).notes == ()
    trainee = PlacementRecord("学员", 4, "学员甲", person_id(1), "某公司", "trainee", start_date=dt.date(2022, 3, 1))
    found = year_notes("placements", [trainee], [], "f.xlsx", [], bases)
    assert texts(found) == ["f.xlsx：学员 第 4 行：未填写基地，而该单位登记的政校合作基地有 2 个：1 行（第 4 行）"
                            "导入后不计入任何基地的人数，直到补填基地名称"]


def test_a_monthly_report_naming_someone_on_the_roster_otherwise_is_noted_and_still_counts():
    from core.people.records import MonthlyReportRecord
    month = dt.date(2022, 3, 1)
    rows = [MonthlyReportRecord("2022年3月", 2, "李娜", person_id(1), month),
            MonthlyReportRecord("2022年3月", 3, "汪芳", person_id(2), month),
            MonthlyReportRecord("2022年3月", 4, "王 芳", person_id(3), month),  # spaces aside, the same name
            MonthlyReportRecord("2022年3月", 5, "赵六", person_id(9), month)]  # not on the roster: nothing to say
    roster = {person_id(1): "李娜", person_id(2): "李娜", person_id(3): "王芳"}
    found = year_notes("monthly_reports", rows, [], "送工.xlsx", [], None, roster_names=roster)
    assert [n.text() for n in found.other_names] == [
        "送工.xlsx：2022年3月 第 3 行：姓名为“汪芳”，而花名册中此身份证号码的姓名为“李娜”："
        "请核对哪一处填错（仍按身份证号码计入）"]
    assert found.rows == 0 and found.notes == () and found.all == found.other_names
    assert found.summary is not None and found.summary.param("rows") == 1
    assert year_notes("monthly_reports", rows, [], "送工.xlsx", [], None).all == ()  # no roster in hand


class SheetWithout:
    """A sheet's layout as core.excel.read recognised it, with no base column."""
    def __init__(self, sheet: str):
        self.sheet = sheet

    def column(self, field_id: str):
        return None


def test_rows_of_a_sheet_without_a_base_column_are_told_so_and_not_offered_for_correcting():
    bases = [base("铜仁劳务基地"), base("昭通劳务基地")]
    found = year_notes("arrivals", [arrival_row(5, ""), arrival_row(6, "")], [SheetWithout("花名册")], "f.xlsx", [],
                       bases)
    assert texts(found) == ["f.xlsx：花名册 第 5 行：工作表“花名册”中没有基地一列，而该单位登记的劳务基地有 2 个："
                            "2 行（第 5、6 行）导入后不计入任何基地的人数；请在导入时指定基地所在的列（修改列对应），"
                            "或请运营单位补上基地一列后重新报送"]
    assert found.rows == 2 and found.renamable == ()
