"""The dataset commands as a user runs them: real processes, real files, exit codes, one-line errors."""

from __future__ import annotations

import hashlib
import json
import socket
import sqlite3
from pathlib import Path

from core.scoring.facts import parse_year, year_to_json
from core.scoring.rules import load_rule_set
from core.store.dataset import Dataset
from core.store.files import SCHEMA_VERSION
from tests.dataset_support import demo_or_rich, run


def write_year(tmp_path: Path) -> tuple[Path, dict]:
    which, data = demo_or_rich()
    path = tmp_path / f"{which}-2022.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path, data


def test_import_export_round_trip_through_the_commands(tmp_path):
    source, data = write_year(tmp_path)
    target = tmp_path / "2022.sqlite"
    imported = run("import-json", str(source), "--to", str(target), "--assessor", "张三", "--role", "考核组长")
    assert imported.returncode == 0, imported.stderr
    assert "已创建" in imported.stdout and str(target) in imported.stdout
    assert f"《{load_rule_set().title}》" in imported.stdout and "wujiang" not in imported.stdout
    exported = run("export-json", str(target))
    assert exported.returncode == 0, exported.stderr
    canonical = year_to_json(parse_year(data, load_rule_set())[0])
    assert json.loads(exported.stdout) == canonical
    out = tmp_path / "back.json"
    assert run("export-json", str(target), "--out", str(out)).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8")) == canonical
    with Dataset.open(target, read_only=True) as ds:
        assert [(a.name, a.role) for a in ds.assessors()] == [("张三", "考核组长")]
        assert {e.assessor_id for e in ds.audit_entries() if e.action == "insert"} == {1}


def test_import_refuses_to_overwrite(tmp_path):
    source, _ = write_year(tmp_path)
    target = tmp_path / "2022.sqlite"
    target.write_bytes(b"precious")
    result = run("import-json", str(source), "--to", str(target))
    assert result.returncode == 2 and "已存在" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert target.read_bytes() == b"precious"


def test_import_of_a_bad_year_creates_nothing(tmp_path):
    source, data = write_year(tmp_path)
    data["units"][0]["credit_code"] = "91320509MA1MXXXX01"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "2022.sqlite"
    result = run("import-json", str(source), "--to", str(target))
    assert result.returncode == 2 and "credit_code" in result.stderr
    assert list(tmp_path.iterdir()) == [source]


def test_score_accepts_the_dataset_as_well_as_the_json(tmp_path):
    source, _ = write_year(tmp_path)
    target = tmp_path / "2022.sqlite"
    assert run("import-json", str(source), "--to", str(target)).returncode == 0
    for flags in ([], ["--json"]):
        from_json = run("score", str(source), *flags)
        from_dataset = run("score", str(target), *flags)
        assert from_json.returncode == from_dataset.returncode == 0, from_dataset.stderr
        assert from_dataset.stdout == from_json.stdout
    assert run("score", str(target), "--rules", "x.toml").returncode == 2


def test_bad_files_on_the_command_line(tmp_path):
    source, _ = write_year(tmp_path)
    good = tmp_path / "good.sqlite"
    assert run("import-json", str(source), "--to", str(good)).returncode == 0
    text = tmp_path / "text.sqlite"
    text.write_text("hello", encoding="utf-8")
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(good.read_bytes()[:5000])
    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(good.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute(f"UPDATE meta SET schema_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    cases = {text: "不是本程序的年度数据文件", truncated: "已损坏", newer: "更新版本的程序",
             tmp_path / "missing.sqlite": "找不到"}
    for path, words in cases.items():
        before = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
        for command in (["export-json"], ["verify-audit"], ["score"]):
            result = run(*command, str(path))
            assert result.returncode == 2, (command, path.name, result.stdout)
            if command == ["score"] and path == text:
                continue  # not SQLite: read as JSON, with the JSON reader's report
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and path.name in lines[0], (command, result.stderr)
            if command != ["score"] or path.exists():
                assert words in lines[0], (command, lines[0])
        if before:
            assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_dataset_open_elsewhere_is_read_as_last_saved_and_its_holder_named_on_the_command_line(tmp_path):
    source, _ = write_year(tmp_path)
    target = tmp_path / "2022.sqlite"
    assert run("import-json", str(source), "--to", str(target)).returncode == 0
    with Dataset.open(target, holder_name="张三") as ds:
        assert ds.update_unit(1, ds.unit_ids()[0], insured_workers=4321).ok  # in the held file's log only
        for command in (["export-json"], ["verify-audit"], ["score"]):  # reading needs no lock
            result = run(*command, str(target))
            assert result.returncode == 0, (command, result.stderr)
        assert '"insured_workers": 4321' in run("export-json", str(target)).stdout
        result = run("restore", "--yes", str(target))
        assert result.returncode == 2
        assert f"正由 张三（电脑 {socket.gethostname()}，自 " in result.stderr and target.name in result.stderr, result.stderr


def test_a_new_year_file_must_be_named_as_one(tmp_path):
    """new-year, import-json and field-copy refuse a name the desktop would not list (x.txt), in one
    sentence, and make nothing."""
    demo = Path(__file__).resolve().parents[2] / "resources" / "demo" / "demo-2022.json"
    year = tmp_path / "2022.wjkh"
    assert run("import-json", str(demo), "--to", str(year)).returncode == 0
    said = "的扩展名应为 .wjkh（桌面程序只列出 .wjkh 和 .sqlite 文件）"
    for args in (["new-year", "--to", str(tmp_path / "2023.txt"), "--from", str(year)],
                 ["import-json", str(demo), "--to", str(tmp_path / "2022.txt")],
                 ["field-copy", str(year), "--to", str(tmp_path / "外业.txt"), "--assessor", "李四"]):
        done = run(*args)
        assert done.returncode == 2 and said in done.stderr, (args, done.stderr)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["2022.wjkh"]


def test_restore_says_which_edits_it_undoes_and_where_the_file_is_kept(tmp_path):
    demo = Path(__file__).resolve().parents[2] / "resources" / "demo" / "demo-2022.json"
    year = tmp_path / "2022.wjkh"
    assert run("import-json", str(demo), "--to", str(year)).returncode == 0
    from core.store import backup
    with Dataset.open(year) as ds:  # the backup of opening, then two edits after it
        taken = backup.list_backups(year)[0]
        unit = ds.unit_ids()[1]
        name = ds.unit(unit).name
        assert ds.update_unit(1, unit, insured_workers=41).ok
        assert ds.update_unit(1, unit, insured_workers=77).ok
    asked = run("restore", "--backup", taken.name, str(year), stdin="n\n")
    assert asked.returncode == 1, asked.stderr
    assert "恢复该备份将撤销其后所做的 2 次修改" in asked.stdout
    assert f"单位“{name}”的“投保人数”改为 77" in asked.stdout.splitlines()[1]  # the latest first
    assert "当前文件会另存为 2022-" in asked.stdout and "-before-restore.wjkh" in asked.stdout
    done = run("restore", "--yes", "--backup", taken.name, str(year))
    assert done.returncode == 0, done.stderr
    kept = next(b for b in backup.list_backups(year) if b.label == backup.LABEL_BEFORE_RESTORE)
    assert f"当前文件会另存为 {kept.name}" in done.stdout and kept.name in done.stdout.splitlines()[-1]
    with Dataset.open(kept.path, read_only=True) as copy:
        assert copy.unit(unit).insured_workers == 77
