"""No workbook can bring the import down: every malformed workbook of tests/xlsx_fuzz.py (a few
hundred, made on the spot: cut and flipped archives, missing and broken parts, bad XML, far cells,
wrong values in every cell, other files under an .xlsx name, the memory bombs) goes through the
command line's import-xlsx (all rows or none, and --skip-bad-rows: the rows without problems alone)
and the core import into a real year file, in child processes whose
address space is capped (RLIMIT_AS). Each must end cleanly: no crash, no hang, no traceback, every
line a Chinese sentence without a library's English words, and either the year file byte for byte
as it was (or, for the odd but readable ones, every row imported and recorded) — never half an
import."""

from __future__ import annotations

import json
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from cli.launcher import command_name
from core.store.dataset import create_file
from tests.builders import RULES
from tests.import_support import year_with_bases
from tests.xlsx_fuzz import all_cases

CHILD = Path(__file__).resolve().parents[2] / "xlsx_fuzz_child.py"
CEILING = 1536 << 20  # each child's address space
CASE_SECONDS = 90  # longer than this is a hang (the slowest bomb takes 7 s alone, 20 s on a busy machine)
CHILDREN = 2

# Words that may stand in a Chinese sentence: the file types a user is told to save as, and the
# names of the programs; anything else of two or more Latin letters is a library speaking.
ALLOWED_WORDS = {"Excel", "WPS", "Office", "Word", "xlsx", "xls", "csv", "TRUE", "FALSE"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def year_template(folder: Path) -> Path:
    path = folder / "template.wjkh"
    assert create_file(path, RULES, "张三", year=year_with_bases()) == []
    return path


def run_batch(names: list[str], template: Path, folder: Path, results: dict, failures: dict) -> None:
    """Run the cases in one child after another; a child that dies or hangs is reported against its
    case and a new one goes on with the rest."""
    pending = list(names)
    while pending:
        child = subprocess.Popen([sys.executable, str(CHILD), str(template), str(folder), str(CEILING)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        child.stdin.write(json.dumps(pending))
        child.stdin.close()
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in child.stdout] + [lines.put(None)],
                         daemon=True).start()
        current, deadline = None, time.monotonic() + 60
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                child.kill()
                failures[current or pending[0]] = f"no answer within {CASE_SECONDS} s (a hang)"
                break
            if line is None:
                child.wait()
                if current is not None:
                    failures[current] = f"the process ended with {child.returncode}: {child.stderr.read()[-3000:]}"
                elif pending:
                    failures[pending[0]] = f"the process ended before the case: {child.stderr.read()[-3000:]}"
                break
            if line.startswith("{"):
                assert json.loads(line)["ceiling"] == CEILING  # the ceiling is in force in the child
            elif line.startswith("start "):
                current, deadline = line[6:].strip(), time.monotonic() + CASE_SECONDS
            elif line.startswith("done "):
                result = json.loads(line[5:])
                results[result["name"]] = result
                pending.remove(result["name"])
                current = None
        child.wait()
        child.stdout.close()
        child.stderr.close()
        if current is not None and current in pending:
            pending.remove(current)
        elif pending and pending[0] in failures:
            pending.pop(0)


def run_cases(names: list[str], tmp_path: Path) -> tuple[dict, dict]:
    # In memory where the system has it: every import opens the year, which backs it up and syncs the
    # copy to disk, a wait that tests nothing here (tests/core/store/test_fs_crash.py tests the syncing).
    memory = Path("/dev/shm")
    work = Path(tempfile.mkdtemp(prefix="leye-fuzz-", dir=memory)) if memory.is_dir() else tmp_path
    try:
        template = year_template(work)
        results: dict = {}
        failures: dict = {}
        threads = [threading.Thread(target=run_batch, args=(names[i::CHILDREN], template, work / f"child{i}",
                                                             results, failures)) for i in range(CHILDREN)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results, failures
    finally:
        if work != tmp_path:
            shutil.rmtree(work, ignore_errors=True)


def foreign_words(text: str, case: str) -> list[str]:
    """Latin words in the output that no Chinese sentence of the program holds (file names aside)."""
    text = re.sub(r"\S*\.(?:xlsx|wjkh)\b", " ", text)
    text = re.sub(re.escape(command_name()) + " .*", " ", text)  # the command line's hints name its commands
    text = re.sub(r"[A-Z]{1,3}\d+|\b[A-Z]{1,3}\b", " ", text)  # cells and columns (XFD1048576, AD)
    return sorted({w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ALLOWED_WORDS})


def judge(case, result: dict) -> list[str]:
    """What is wrong with one case's outcome (nothing, when it held)."""
    wrong = []
    cli, api = result["cli"], result["api"]
    for face, fault in (("command line", cli["fault"]), ("core import", api["fault"])):
        if fault:
            wrong.append(f"{face}: {fault[-1500:]}")
    if wrong:
        return wrong
    output = cli["stdout"] + cli["stderr"]
    if "Traceback" in output:
        wrong.append("a traceback on the command line")
    lines = [line for line in output.splitlines() if line.strip()]
    if not lines or any(not CJK.search(line) for line in lines):
        wrong.append(f"a line without a Chinese sentence: {lines[:3]}")
    for text in [output] + api["problems"] + api.get("notes", []):
        words = foreign_words(text, case.name)
        if words:
            wrong.append(f"foreign words {words} in: {text[:300]}")
            break
    for face, outcome in (("command line", cli), ("core import", api)):
        imported = outcome["after"]["imports"] != outcome["before"]["imports"]
        if outcome["after"]["integrity"] != "ok":
            wrong.append(f"{face}: the year file fails its integrity check")
        for import_id, kind, rows in outcome["after"]["imports"]:
            if outcome["after"]["stored"][str(import_id)] != rows:
                wrong.append(f"{face}: half an import: {rows} rows recorded, "
                             f"{outcome['after']['stored'][str(import_id)]} stored")
        succeeded = cli["code"] == 0 if face == "command line" else api["ok"]
        if imported != bool(succeeded):
            wrong.append(f"{face}: imported {imported}, but reported {'success' if succeeded else 'refusal'}")
        if imported and not case.may_import:
            wrong.append(f"{face}: a workbook that should be refused was imported")
        if not imported and outcome["after"]["audit"] != outcome["before"]["audit"]:
            wrong.append(f"{face}: refused, but the audit trail changed")
    partial = result["partial"]
    if partial["fault"]:
        wrong.append(f"command line --skip-bad-rows: {partial['fault'][-1500:]}")
    elif partial["code"] not in (0, 2, 3):
        wrong.append(f"command line --skip-bad-rows: exit code {partial['code']}")
    elif partial["code"] == 2:
        if not partial["unchanged"]:
            wrong.append("command line --skip-bad-rows: refused, but the year file's bytes changed")
    else:  # the rows without problems, all of them and nothing else
        added = [i for i in partial["after"]["imports"] if i not in partial["before"]["imports"]]
        if len(added) != 1 or added[0][2] != api["records"] or partial["after"]["stored"][str(added[0][0])] != added[0][2]:
            wrong.append(f"command line --skip-bad-rows: imported {added}, but the check accepted {api['records']} rows")
        if partial["code"] == 3 and not partial["left_out"]:
            wrong.append("command line --skip-bad-rows: rows left out, but no list of them written")
    words = foreign_words(partial["stdout"] + partial["stderr"], case.name)
    if words:
        wrong.append(f"command line --skip-bad-rows: foreign words {words}")
    if api["foreign_file_read"] or "root:x:0:0" in output:
        wrong.append("a file of this computer named in the workbook was read")
    if cli["code"] not in (0, 2):
        wrong.append(f"command line exit code {cli['code']}")
    if cli["code"] == 2 and not cli["unchanged"]:
        wrong.append("command line: refused, but the year file's bytes changed")
    if (cli["code"] == 0) != bool(api["ok"]):
        wrong.append(f"the command line ({cli['code']}) and the core import ({api['ok']}) disagree")
    return wrong


def check_all(names: list[str], tmp_path: Path) -> dict:
    cases = all_cases()
    started = time.monotonic()
    results, failures = run_cases(names, tmp_path)
    for name, result in results.items():
        wrong = judge(cases[name], result)
        if wrong:
            failures[name] = "; ".join(wrong)
    missing = set(names) - set(results) - set(failures)
    assert not missing, f"cases never run: {sorted(missing)[:10]}"
    report = "\n".join(f"{name}: {why[:300]} … {why[-300:]}" if len(why) > 600 else f"{name}: {why}"
                       for name, why in sorted(failures.items()))
    assert not failures, f"{len(failures)} of {len(names)} cases failed:\n{report}"
    results["_seconds"] = time.monotonic() - started
    return results


def test_every_malformed_workbook_is_refused_or_imported_whole(tmp_path):
    names = [name for name, case in all_cases().items() if not case.bomb]
    assert len(names) > 300
    results = check_all(names, tmp_path)
    imported = sorted(n for n in names if results[n]["cli"]["code"] == 0)
    assert {f"{kind}-good" for kind in ("arrivals", "placements", "monthly_reports", "traineeship_list",
                                         "platform_deliveries", "platform_ratings")} <= set(imported)
    print(f"\n{len(names)} cases in {results['_seconds']:.1f} s; imported whole: {len(imported)}; refused: "
          f"{len(names) - len(imported)}; largest peak {max(results[n]['peak'] for n in names) >> 20} MB")


def test_the_memory_bombs_are_refused_under_the_ceiling(tmp_path):
    names = [name for name, case in all_cases().items() if case.bomb]
    results = check_all(names, tmp_path)
    for name in names:
        result = results[name]
        assert result["cli"]["code"] == 2 and result["cli"]["unchanged"]
        assert result["peak"] < CEILING // 2, f"{name}: {result['peak'] >> 20} MB"
        print(f"\n{name}: {result['size'] >> 10} KB, peak {result['peak'] >> 20} MB, {result['seconds']} s; "
              f"{result['api']['problems'][:1]}", end="")
