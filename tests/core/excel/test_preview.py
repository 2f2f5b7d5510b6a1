"""The check of a workbook before it is imported, with no window and no year file: a real roster with
one bad row read, checked and listed, its progress told in Chinese, a cancel honoured, a change of the
file's bytes since the corrections were typed refused."""

from core.excel.preview import check_workbook
from tests.builders import RULES
from tests.import_support import roster_file
from tests.xlsx_builders import arrival, person_id


class Job:
    def __init__(self, cancel_after: int | None = None):
        self.told: list[str] = []
        self.cancel_after = cancel_after

    @property
    def cancelled(self) -> bool:
        return self.cancel_after is not None and len(self.told) >= self.cancel_after

    def progress(self, done: int, total: int, text: str = "") -> None:
        self.told.append(text)


def bad_id(i: int) -> str:
    number = person_id(i)
    return number[:17] + ("0" if number[17] != "0" else "1")


def test_a_roster_with_one_bad_row_is_partly_importable(tmp_path):
    people = [arrival(i) for i in range(5)]
    people[2] = arrival(2, 身份证号码=bad_id(2))
    job = Job()
    preview = check_workbook(job, roster_file(tmp_path, people), "arrivals", 1, RULES, None, {})
    assert preview is not None
    assert list(dict.fromkeys(job.told)) == ["正在读取工作簿…", "正在逐行检查…", "正在整理问题清单…"]
    assert len(preview.checked.records) == 4 and preview.rows_left_out == 1 and preview.partly_importable
    assert [p.message.code for p in preview.checked.problems] == ["excel.id_check_digit"]
    assert len(preview.problems) == 1 and preview.sha256 and not preview.importable


def test_cancel_between_steps_returns_nothing(tmp_path):
    path = roster_file(tmp_path, [arrival(i) for i in range(3)])
    assert check_workbook(Job(cancel_after=1), path, "arrivals", 1, RULES, None, {}) is None


def test_corrections_for_other_bytes_are_refused_as_a_changed_file(tmp_path):
    path = roster_file(tmp_path, [arrival(i) for i in range(3)])
    first = check_workbook(Job(), path, "arrivals", 1, RULES, None, {})
    assert first is not None and first.importable
    roster_file(tmp_path, [arrival(i) for i in range(4)])  # the unit sent the file again
    again = check_workbook(Job(), path, "arrivals", 1, RULES, None, {}, corrections=(), checked_sha256=first.sha256)
    assert again is not None and again.corrections_lost and not again.importable


def test_a_check_cancelled_while_the_workbook_is_read_gives_up_there(tmp_path, monkeypatch):
    """取消 is heard between the sheets being read, not only once the whole workbook is read."""
    import datetime as dt

    from core.excel.preview import check_workbook
    from tests.builders import RULES
    from tests.xlsx_builders import MONTHLY_HEADERS, person_id, write_workbook
    rows = [list(MONTHLY_HEADERS)] + [[1, "张三", person_id(1), "吴江某厂", "基地", dt.date(2022, 3, 2), "13900000000"]]
    path = write_workbook(tmp_path / "送工.xlsx", {f"2022年{m}月": rows for m in range(1, 13)})

    class Job:
        asked = 0

        @property
        def cancelled(self) -> bool:
            self.asked += 1
            return self.asked > 2  # 取消 pressed while the first sheets are read

        def progress(self, done, total, text=""):
            pass
    from core.excel import readers
    read = []
    grid = readers._calamine_grid
    monkeypatch.setattr(readers, "_calamine_grid", lambda sheet: read.append(1) or grid(sheet))
    assert check_workbook(Job(), path, "monthly_reports", None, RULES, None, {}) is None
    assert len(read) < 12  # it stopped reading there (the sheets already begun by the reading threads aside)


def test_a_base_name_the_unit_did_not_register_is_corrected_for_all_its_rows_and_checked_again(tmp_path):
    """“思南基地” on two rows and none on a third: one choice gives each the registered name, as
    corrections of the cells (old → new, recorded at import), and the check again finds nothing to say."""
    from core.excel.partial import renamed_base
    from core.people.import_notes import year_notes
    from tests.builders import base
    registered = [base("贵州省思南县劳务协作基地"), base("河南省郸城县劳务协作基地")]
    people = [arrival(0, 劳务基地="思南基地"), arrival(1, 劳务基地="河南省郸城县劳务协作基地"),
              arrival(2, 劳务基地="思南基地"), arrival(3, 劳务基地="")]
    path = roster_file(tmp_path, people)
    first = check_workbook(Job(), path, "arrivals", 1, RULES, None, {})
    assert first is not None and first.importable

    def notes(preview):
        return year_notes("arrivals", preview.checked.records, preview.layouts, preview.checked.source, [], registered)
    found = notes(first).renamable
    assert [(written, base_type) for _, written, base_type in found] == [("思南基地", "labour"), ("", "labour")]
    fixes = (renamed_base(first.checked.records, first.layouts, "思南基地", "labour", "贵州省思南县劳务协作基地")
             + renamed_base(first.checked.records, first.layouts, "", "labour", "河南省郸城县劳务协作基地"))
    assert [(c.sheet, c.row, c.letter, c.header, c.old, c.new) for c in fixes] == [
        ("花名册", 3, "E", "劳务基地", "思南基地", "贵州省思南县劳务协作基地"),
        ("花名册", 5, "E", "劳务基地", "思南基地", "贵州省思南县劳务协作基地"),
        ("花名册", 6, "E", "劳务基地", "", "河南省郸城县劳务协作基地")]
    again = check_workbook(Job(), path, "arrivals", 1, RULES, None, {}, corrections=fixes, checked_sha256=first.sha256)
    assert again is not None and again.importable and again.corrections == fixes
    assert [r.base for r in again.checked.records] == ["贵州省思南县劳务协作基地", "河南省郸城县劳务协作基地",
                                                      "贵州省思南县劳务协作基地", "河南省郸城县劳务协作基地"]
    assert notes(again).notes == ()
