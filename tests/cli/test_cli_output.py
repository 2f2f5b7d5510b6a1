"""Every command that writes a file the user names, pointed at a folder, at a missing folder, at a folder that
takes no new file and on a full disk: one Chinese sentence naming the file, exit code 2, nothing written."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import pytest

from cli import commands as cli_commands
from cli.output import OUTPUT_DESTS, OUTPUTS
from cli.pdf import PASSWORD_ENV
from tests import cli_support
from tests.dataset_support import run
from tests.xlsx_builders import arrival, arrivals_rows, write_workbook

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo" / "demo-2022.json"
UNIT = "苏州松陵众信人力资源有限公司"
LATIN = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("year") / "2022.wjkh"
    assert run("import-json", str(DEMO), "--to", str(path), "--assessor", "张三").returncode == 0
    return path


def command_line(command: str, year: Path, out: Path) -> list[str]:
    """A whole command line of `command` that writes to `out`: each writing command with what it needs."""
    roster = write_workbook(year.parent / "roster.xlsx", {"花名册": arrivals_rows([arrival(i) for i in range(3)])})
    lines = {
        "import-json": [str(DEMO), "--to", str(out)],
        "export-json": [str(year), "--out", str(out)],
        "export-annex": ["2", "--dataset", str(year), "--unit", UNIT, "--out", str(out)],
        "import-xlsx": ["arrivals", str(roster), "--dataset", str(year), "--unit", UNIT, "--yes", "--skip-bad-rows",
                       "--left-out", str(out)],
        "export-summary": ["--dataset", str(year), "--out", str(out)],
        "export-pdf": ["summary", "--dataset", str(year), "--out", str(out)],
        "make-key": [str(out), "--name", "张三"],
        "import-key": [str(year.parent / "key.p12"), "--to", str(out)],
        "field-copy": [str(year), "--assessor", "李四", "--to", str(out)],
        "new-year": ["--to", str(out)],
        "audit-log": [str(year), "--out", str(out)],
    }
    return [command, *lines[command]]


SUFFIX = {"import-json": ".wjkh", "export-json": ".json", "export-annex": ".xlsx", "import-xlsx": ".xlsx",
          "export-summary": ".xlsx", "export-pdf": ".pdf", "make-key": ".p12", "import-key": "",
          "field-copy": ".wjkh", "new-year": ".wjkh", "audit-log": ".xlsx"}


def subcommands() -> dict:
    top = cli_commands.parser()
    return next(a for a in top._actions if a.dest == "command").choices


def one_chinese_sentence(result, named: Path) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    text = result.stderr.strip()
    assert "Traceback" not in text and len(text.splitlines()) == 1, text
    assert str(named) in text, text
    words = text.replace(str(named), "").replace(str(named.parent), "")
    assert not LATIN.search(words), text  # no English of the system
    return text


def test_every_command_naming_a_file_it_writes_is_known_and_tested():
    """A new command with --out, --to or --left-out must be listed in cli/output.py and here."""
    found = {name: [a.dest for a in sub._actions if a.dest in OUTPUT_DESTS]
             for name, sub in subcommands().items()}
    writing = {name: dests for name, dests in found.items() if dests}
    assert set(writing) == set(OUTPUTS), set(writing) ^ set(OUTPUTS)
    for name, dests in writing.items():
        assert dests == [OUTPUTS[name].dest], name
    assert set(SUFFIX) == set(OUTPUTS) and set(cli_commands.COMMANDS) == set(subcommands())


@pytest.mark.parametrize("command", sorted(c for c in OUTPUTS if not OUTPUTS[c].folder))
def test_a_folder_named_as_the_file_to_write(command, year, tmp_path):
    folder = tmp_path / f"导出{SUFFIX[command]}"
    folder.mkdir()
    before = year.read_bytes()
    text = one_chinese_sentence(run(*command_line(command, year, folder)), folder)
    assert "这是一个文件夹" in text and "没有生成文件" in text
    assert list(folder.iterdir()) == [] and year.read_bytes() == before


@pytest.mark.parametrize("command", sorted(c for c in OUTPUTS if not OUTPUTS[c].folder
                                           and not OUTPUTS[c].makes_folder))
def test_a_file_in_a_missing_folder(command, year, tmp_path):
    out = tmp_path / "没有这个文件夹" / f"结果{SUFFIX[command]}"
    text = one_chinese_sentence(run(*command_line(command, year, out)), out)
    assert "文件夹" in text and "不存在" in text
    assert not out.parent.exists()


@pytest.mark.parametrize("command", sorted(c for c in OUTPUTS if OUTPUTS[c].folder))
def test_a_file_named_as_the_folder_to_write_into(command, year, tmp_path):
    out = tmp_path / "密钥"
    out.write_text("不是文件夹", encoding="utf-8")
    text = one_chinese_sentence(run(*command_line(command, year, out)), out)
    assert "这是一个文件，不是文件夹" in text


def test_the_key_folder_is_made_when_missing(tmp_path, year):
    """make-key makes its folder (the key folder of a first key): a missing folder is no refusal there."""
    out = tmp_path / "新的密钥文件夹" / "张三.p12"
    result = cli_support.run(*command_line("make-key", year, out), env={PASSWORD_ENV: "口令口令口令123"})
    assert result.returncode == 0 and out.is_file(), result.stderr


EXPORTS = ["export-json", "export-annex", "export-summary", "export-pdf"]


@pytest.mark.parametrize("command", EXPORTS + ["export-annex.pdf"])
def test_an_export_on_a_full_disk(command, year, tmp_path, monkeypatch):
    command, _, suffix = command.partition(".")
    out = tmp_path / f"结果.{suffix}" if suffix else tmp_path / f"结果{SUFFIX[command]}"

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", full)
    text = one_chinese_sentence(run(*command_line(command, year, out)), out)
    assert "磁盘已满" in text and "没有生成文件" in text
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="a folder that takes no new file: Linux's /proc")
@pytest.mark.parametrize("command", EXPORTS)
def test_an_export_into_a_folder_that_takes_no_new_file(command, year):
    out = Path("/proc") / f"结果{SUFFIX[command]}"
    text = one_chinese_sentence(run(*command_line(command, year, out)), out)
    assert "不能新建文件" in text


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(year):
    """`score YEAR | head -2`: the reader closes the pipe after two lines. The command stops without a word and
    with exit code 0 — a closed pipe is no refusal of the system to write (错误代码 32), as a tester was told."""
    import subprocess
    import sys
    command = [sys.executable, str(ROOT / "main.py"), "score", str(year), "--json"]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.read(200)  # what `head` reads before it stops
    child.stdout.close()
    with child.stderr:
        error = child.stderr.read().decode("utf-8")
    assert child.wait(60) == 0 and error == "", error
