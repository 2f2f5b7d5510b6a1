"""A year held by another program on the command line: `restore` refuses before it says anything of what it
would do, and `field-copy` makes the copy from the year as last saved, saying the year cannot keep it (a year
that can be written keeps each copy made, to list those not merged back)."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

from core.store.dataset import Dataset, create_file
from core.store.replay_edit import connection
from core.teamwork.field_copy import marks
from tests.builders import RULES
from tests.cli_support import run
from tests.dataset_support import rich_year


def held_year(tmp_path: Path) -> Path:
    year = tmp_path / "y.wjkh"
    assert not create_file(year, RULES, "组长王", role="考核组长", year=rich_year(2))
    return year


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_restore_of_a_held_year_refuses_before_saying_what_it_would_do(tmp_path):
    year = held_year(tmp_path)
    Dataset.open(year).close()  # a backup to restore
    with Dataset.open(year, holder_name="组长王"):
        for asked in (run("restore", str(year), "--yes"), run("restore", str(year), stdin="y\n")):
            assert asked.returncode == 2, asked.stdout
            assert asked.stdout == "", asked.stdout  # nothing said of the edits it undoes or the file kept
            assert asked.stderr.startswith(f"数据文件 y.wjkh 正由 组长王（电脑 {socket.gethostname()}，自 ")
            assert len(asked.stderr.strip().splitlines()) == 1


def test_a_field_copy_of_a_held_year_is_made_from_the_year_as_last_saved(tmp_path):
    year = held_year(tmp_path)
    copy = tmp_path / "外业.wjkh"
    with Dataset.open(year, holder_name="组长王") as ds:
        unit = ds.unit_ids()[0]
        assert ds.update_unit(1, unit, insured_workers=4321).ok  # saved, in the held file's log
        head = ds.audit_head()
        before = digest(year)
        made = run("field-copy", str(year), "--to", str(copy), "--assessor", "张三")
        assert made.returncode == 0, made.stderr
        assert "已制作外业副本" in made.stdout
        assert made.stderr.splitlines()[-1] == ("副本未记入年度文件 y.wjkh（年度文件此时不能写入），"
                                                "不会列在“尚未合并的外业副本”中。"), made.stderr
        assert digest(year) == before and ds.audit_head() == head  # the year was not written
    with Dataset.open(copy, read_only=True) as taken:
        assert taken.unit(unit).insured_workers == 4321
        mark = marks(connection(taken))[-1]
        assert (mark.base_seq, mark.base_hash) == head and mark.assessor == "张三"
    with Dataset.open(copy, backups=False) as field:  # the copy merges back as any
        assert field.update_unit(field.assessor_id("张三"), unit, insured_workers=61).ok
    merged = run("merge", str(year), str(copy), "--by", "组长王")
    assert merged.returncode == 0, merged.stderr
    with Dataset.open(year, read_only=True) as ds:
        assert ds.unit(unit).insured_workers == 61
