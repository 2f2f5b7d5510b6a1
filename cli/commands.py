"""The command line's parser and its year-file commands (score, import-json, export-json, verify-audit,
restore, adopt-rules): plain Python, no Qt."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from cli import audit_log as cli_audit_log
from cli import excel as cli_excel
from cli import grades as cli_grades
from cli import output as cli_output
from cli import pdf as cli_pdf
from cli import teamwork as cli_teamwork
from cli import words as cli_words
from cli import years as cli_years
from cli.launcher import command_name
from cli.reading import add_open_anyway, open_for_edit, open_read_only
from core.common.atomic import write_atomically
from core.common.messages import Msg, render
from core.scoring.assessment import clauses_done
from core.scoring.credit import year_off_scale
from core.scoring.engine import score_year
from core.scoring.facts import load_year, year_to_json
from core.scoring.report import ranking_table, year_result_json
from core.scoring.rule_library import rule_set_for
from core.scoring.rules import RuleSet
from core.scoring.year_fit import year_misfit
from core.store import backup, recovery
from core.store.backup_story import last_edit, outside_warning
from core.store.dataset import YEAR_FILE_SUFFIXES, Dataset, create_file, newest_proved_backup, year_file_name_refusal
from core.store.files import SQLITE_MAGIC, DatasetError, inspect, is_locked, locked_error
from core.years.continuation import Origin, origin_of
from core.years.standing import e_settled_units, not_started_units, under_way_units

DEMO_YEAR = Path(__file__).resolve().parent.parent / "resources" / "demo" / "demo-2022.json"
EXIT_BAD_INPUT = 2
EXIT_UNFINISHED = 1  # mark-final: clauses not 已完成, and --even-unfinished not given
EXIT_NOT_VOUCHED = 3  # verify-audit --against: the trail holds, but the sheet's signer is unconfirmed


def say(code: str, **params) -> str:
    return render(Msg.of(code, **params))


def is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def fail(exc: DatasetError) -> int:
    print(render(exc.msg), file=sys.stderr)
    return EXIT_BAD_INPUT


def print_result(rules: RuleSet, year, as_json: bool, noted: frozenset[str] = frozenset(),
                 previous: tuple[Origin | None, Path] | None = None) -> None:
    """The year's table (or JSON); with `previous` (the year's origin and its file), each unit's grade beside
    the year's it was continued from, after the table."""
    result = score_year(rules, year)
    not_started, under_way = not_started_units(rules, year.units, noted), under_way_units(rules, year.units, noted)
    settled = e_settled_units(rules, year.units, result)
    if as_json:
        json.dump(year_result_json(rules, result, not_started, under_way, settled), sys.stdout, ensure_ascii=False,
                  indent=1)
        print()
        return
    print(ranking_table(rules, result, not_started, under_way, settled))
    if previous is not None:
        origin, path = previous
        siblings = sorted(path.resolve().parent.glob("*" + YEAR_FILE_SUFFIXES[0]))
        for line in cli_years.previous_lines(origin, result, {u.name: u.credit_code for u in year.units}, siblings,
                                             not_started, under_way):
            print(line)


def json_rule_set(path: Path, wanted: str | None) -> RuleSet | int:
    """--rules (a TOML file or a known rule set's id), else the rule set the JSON year names; when none can
    be used, why is printed and the exit code returned."""
    if not wanted:
        rules = rule_set_for(path, None)
        return rules if rules is not None else rule_set_not_found(path)
    chosen = cli_years.chosen_rule_set(wanted, None)  # a TOML file or a known id, as new-year takes it
    if isinstance(chosen, Msg):
        print(render(chosen), file=sys.stderr)
        return EXIT_BAD_INPUT
    return chosen


def rule_set_not_found(path: Path) -> int:
    print(say("cli.rule_set_not_found", id=json.loads(path.read_text(encoding="utf-8"))["rule_set"]),
          file=sys.stderr)
    return EXIT_BAD_INPUT


def misfit(path: Path, rules: RuleSet) -> int | None:
    """When the JSON year was recorded for another year or under another rule set than `rules`: that, in one
    sentence (not each fact the other rules would refuse), and the exit code."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None  # load_year names what is wrong with the file
    why = year_misfit(path.name, document, rules)
    if why is None:
        return None
    print(render(why), file=sys.stderr)
    return EXIT_BAD_INPUT


def print_problems(path: Path, problems) -> int:
    print(say("cli.problems", source=path.name, count=len(problems)), file=sys.stderr)
    for problem in problems:
        print("  " + problem.text(), file=sys.stderr)
    return EXIT_BAD_INPUT


def command_score(args: argparse.Namespace) -> int:
    path = Path(args.year)
    if not path.is_file():
        print(say("cli.file_not_found", path=str(path)), file=sys.stderr)
        return EXIT_BAD_INPUT
    if not is_sqlite(path) and path.suffix.lower() in YEAR_FILE_SUFFIXES:  # named as a year file, but not one
        print(say("dataset.not_dataset", file=path.name), file=sys.stderr)
        return EXIT_BAD_INPUT
    if is_sqlite(path):
        if args.rules:
            print(say("dataset.rules_option"), file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            with open_read_only(path) as ds:
                rules, year = ds.rule_set(), ds.year()
                origin, noted = origin_of(ds), ds.noted_unit_names()
                program = ds.program_rule_set()
        except DatasetError as exc:
            return fail(exc)
        print_result(rules, year, args.json, noted, previous=(origin, path))
        for msg in [] if args.json else year_off_scale(rules, year.units, program):
            print(render(msg))
        return 0
    rules = json_rule_set(path, args.rules)
    if isinstance(rules, int):
        return rules
    refused = misfit(path, rules)
    if refused is not None:
        return refused
    year, problems = load_year(path, rules)
    if problems:
        return print_problems(path, problems)
    print_result(rules, year, args.json)
    return 0


def command_import_json(args: argparse.Namespace) -> int:
    path, target = Path(args.year), Path(args.to)
    if not path.is_file():
        print(say("cli.file_not_found", path=str(path)), file=sys.stderr)
        return EXIT_BAD_INPUT
    refusal = year_file_name_refusal(target)
    if refusal is not None:
        print(render(refusal), file=sys.stderr)
        return EXIT_BAD_INPUT
    if target.exists():
        print(say("dataset.exists", file=target.name), file=sys.stderr)
        return EXIT_BAD_INPUT
    rules = json_rule_set(path, args.rules)
    if isinstance(rules, int):
        return rules
    refused = misfit(path, rules)
    if refused is not None:
        return refused
    year, problems = load_year(path, rules)
    if not problems:
        try:
            problems = create_file(target, rules, args.assessor or default_assessor(), args.role, year)
        except DatasetError as exc:
            return fail(exc)
    if problems:
        return print_problems(path, problems)
    print(say("dataset.imported", file=str(target), year=year.year, units=len(year.units), title=rules.title))
    return 0


def default_assessor() -> str:
    """Who a year file made without --assessor names as its first assessor: never the computer's
    login, which would end up on the forms; the desktop asks who is working when it opens the file."""
    return "数据导入"


def command_export_json(args: argparse.Namespace) -> int:
    path = Path(args.dataset)
    try:
        with open_read_only(path) as ds:
            data = year_to_json(ds.year())
    except DatasetError as exc:
        return fail(exc)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if args.out:
        out = Path(args.out)
        write_atomically(out, text.encode("utf-8"))
        print(say("dataset.exported", file=str(out)), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def command_verify_audit(args: argparse.Namespace) -> int:
    """The full proof of a year file (core/store/audit_check.py), against the newest backup's anchor and,
    with --against, a signed score sheet or a backup. Exit 0: nothing changed outside the program;
    1: changes found (each named); 2: a file that cannot be read; 3: the trail holds, but the sheet it was
    checked against cannot vouch for it (its signer not registered in the year or not trusted here, or
    a sheet the year has no record of signing: each named)."""
    path = Path(args.dataset)
    doubts: tuple[Msg, ...] = ()
    try:
        with open_read_only(path) as ds:
            anchors = ds.newest_anchors()
            notes = []
            if args.against:
                from core.pdf.anchors import read_against
                from core.pdf.trust import trusted_certificates
                from core.store.signatures import normal_fingerprint
                registered = {c.fingerprint for c in ds.certificates()}
                against = read_against(Path(args.against), ds.year_number, ds.rule_set_ids(),
                                       known=lambda fp: normal_fingerprint(fp) in registered,
                                       trusted=trusted_certificates(),
                                       signed_sheet=lambda sha256: ds.signed_sheet(sha256) is not None)
                if against.refusal is not None:
                    print(render(against.refusal), file=sys.stderr)
                    return 1 if against.refusal.code == "audit.against_modified" else EXIT_BAD_INPUT
                from core.teamwork.origin import copy_origin
                anchor = against.anchor
                assert anchor is not None  # no refusal: an anchor
                made_in = copy_origin(ds, anchor.seq, anchor.hash, against.copy) if anchor.trail is None else None
                if made_in is not None:  # the copy's head, not the year's: said so, and the year checked alone
                    notes = [made_in.message(Path(args.against).name, path.name)]
                else:
                    anchors.append(anchor)
                    notes = list(against.notes)
                doubts = against.doubts  # the signer's, wherever the head comes from
            report = ds.check_audit(anchors=anchors)
            merged = cli_teamwork.merge_lines(ds)
            off_scale = year_off_scale(ds.rule_set(), ds.year().units, ds.program_rule_set())
    except DatasetError as exc:
        return fail(exc)
    for note in notes:
        print(render(note))
    if report.broken is not None:
        print(say("dataset.audit_broken", file=path.name, seq=report.broken))
    if report.problems:
        print(say("audit.found", file=path.name, count=len(report.problems)))
        for problem in report.problems:
            print("  " + render(problem.message))
    for result in report.anchors:
        if result.problem is None:
            print(say("audit.anchor_ok" if result.later else "audit.anchor_same", source=result.anchor.source,
                      seq=result.anchor.seq, later=result.later))
        elif result.first_difference is not None:
            print("  " + say("audit.anchor_first_difference", seq=result.first_difference))
    for doubt in doubts:  # beside the comparison: an intact signature by an unconfirmed signer proves nothing
        print("  " + render(doubt))
    for msg in off_scale:  # a fact the trail proves but the rules' credit scales do not know
        print(render(msg))
    if not report.ok:
        return 1
    print(say("dataset.audit_intact", file=path.name, count=report.count, hash=report.head))
    for line in merged:
        print(render(line))
    if doubts:
        print(say("audit.against_not_vouched", file=Path(args.against).name), file=sys.stderr)
        return EXIT_NOT_VOUCHED
    return 0


def _rules_to_adopt(given: str) -> tuple[RuleSet | None, str]:
    """The rule set `--rules` names: a rule-set file, or one known to the program by its title or 文号;
    else the one sentence why not."""
    from core.scoring import rule_library
    path = Path(given)
    if path.is_file():
        rules, problems = rule_library.read_file(path)
        return rules, "\n".join(problems)
    found = rule_library.named(given)
    if len(found) == 1:
        return found[0].rules, ""
    if found:
        return None, say("rules.adopt_ambiguous", name=given, found=[
            Msg.of("rules.named", title=k.rules.title, document=k.rules.document) for k in found])
    return None, say("rules.adopt_unknown", name=given)


def command_adopt_rules(args: argparse.Namespace) -> int:
    """Another rule set of the year becomes the year's (audited, with the reason): the program's newer
    one of the year's id, or (--rules) a revision the bureau issued. What changes is shown first."""
    from core.scoring.rule_changes import rule_changes
    from core.store.rule_updates import (
        adopt_rule_set,
        adoptable,
        newer_program_rule_set,
        newer_readings,
        rule_set_named,
    )
    path = Path(args.dataset)
    wanted: RuleSet | None = None
    if args.rules:
        wanted, refusal = _rules_to_adopt(args.rules)
        if wanted is None:
            return fail_text(refusal)
    try:
        with open_for_edit(path, args.open_anyway) as ds:
            by = ds.assessor_id(args.assessor) if args.assessor else None
            if args.assessor and by is None:
                return fail_text(say("pdf.assessor_unknown", name=args.assessor))
            if by is None and len(ds.assessors()) == 1:
                by = ds.assessors()[0].id
            if by is None:
                return fail_text(say("pdf.assessor_needed"))
            old = ds.rule_set()
            target = wanted if args.rules else newer_program_rule_set(ds)
            problem = adoptable(ds, target)
            if problem is not None:
                return fail_text(render(problem.message))
            assert target is not None
            if not (args.reason or "").strip():
                return fail_text(say("rules.adopt_reason_required"))
            added = newer_readings(old, target)
            print(say("rules.changes.heading", old=rule_set_named(old), new=rule_set_named(target)))
            print(rule_changes(ds.year(), old, target).text())
            if not args.yes:
                print(say("rules.adopt_confirm"), end="", flush=True)
                if sys.stdin.readline().strip().lower() not in ("y", "yes", "是"):
                    print(say("rules.adopt_cancelled"))
                    return 1
            edit = adopt_rule_set(ds, by, args.reason, target)
            if not edit.ok:
                return fail_text(" ".join(render(p.message) for p in edit.problems))
            new = ds.rule_set()
    except DatasetError as exc:
        return fail(exc)
    print(say("rules.adopted", file=path.name, rules=rule_set_named(new), old=old.sha256[:12], new=new.sha256[:12]))
    from core.scoring.rule_problems import reading_name
    names = sorted({reading_name(r.name) for readings in added.values() for r in readings})
    if names:
        print(say("rules.adopted_readings", readings="、".join(names)))
    return 0


def fail_text(text: str) -> int:
    print(text, file=sys.stderr)
    return EXIT_BAD_INPUT


def backup_state(info: backup.BackupInfo, changed: bool = False) -> str:
    """完好, 不可用 with why, or (`changed`: the checks of opening find a change made outside the program in it)
    有程序外的改动."""
    try:
        inspect(info.path)
    except DatasetError as exc:
        return say("dataset.backup_bad", problem=render(exc.msg))
    return say("dataset.backup_changed" if changed else "dataset.backup_good")


def year_rules(path: Path) -> RuleSet | None:
    """The year's rules (to name what was done before each backup), or None when it cannot be read."""
    try:
        with Dataset.open(path, read_only=True) as ds:
            return ds.rule_set()
    except DatasetError:
        return None


def restore_notice(path: Path, chosen: Path, now: dt.datetime) -> list[Msg]:
    """What restoring `chosen` over the year file undoes and where the file is kept; nothing when the
    year file cannot be read (a damaged file is kept whole all the same) but a change made outside the program
    that `chosen` holds."""
    try:
        with Dataset.open(path, read_only=True) as ds:
            return ds.restore_notice(chosen, recovery.kept_name(path, now))
    except DatasetError:
        return outside_warning(path, chosen)


def command_restore(args: argparse.Namespace) -> int:
    path = Path(args.dataset)
    backups = backup.list_backups(path)
    if args.list:
        if not backups:
            print(say("dataset.no_backups", file=path.name))
        rules = year_rules(path)
        chosen = newest_proved_backup(path) if backups else None  # 完好 is the file's own check; this one's
        # trail proves its facts too
        changed = recovery.outside_changes(path, backups)
        for info in backups:
            line = say("dataset.backup_line", name=info.name, time=info.taken_at.strftime("%Y-%m-%d %H:%M:%S"),
                       size=max(1, round(info.size / 1024)), state=backup_state(info, info.path in changed))
            done = last_edit(info.path, rules) if rules is not None else None
            if info.label:
                line += say(f"backup.kind.{info.label}")
            if chosen is not None and info.path == chosen.path:
                line += say("backup.default_choice")
            print(line + (say("backup.done_before", what=render(done)) if done is not None else ""))
        return 0
    refusal = recovery.backup_refusal(path, command_name())
    if refusal is not None:  # a backup named as the year file: restored over, it would be lost
        return fail(DatasetError(refusal))
    if args.backup:
        chosen = next((b for b in backups if b.name == Path(args.backup).name), None)
        if chosen is None and (found := backup.found_backup(args.backup)) is not None:
            chosen = found.info  # a backup kept elsewhere (copied to a USB stick, the desktop), told by its mark
        if chosen is None:
            print(say("dataset.backup_not_found", name=args.backup), file=sys.stderr)
            return EXIT_BAD_INPUT
    else:
        chosen = newest_proved_backup(path)  # its own trail proves its facts: no change made outside is brought back
        if chosen is None:
            print(say("dataset.no_good_backup", file=path.name), file=sys.stderr)
            return EXIT_BAD_INPUT
    try:
        inspect(chosen.path)
    except DatasetError as exc:
        return fail(exc)
    if path.exists() and is_locked(path):  # refused before anything is said of what it would do
        return fail(locked_error(path))
    now = dt.datetime.now()
    for said in restore_notice(path, chosen.path, now):  # the edits it undoes, where the file is kept
        print(render(said))
    if not args.yes:
        print(say("dataset.confirm_restore", backup=chosen.name, file=path.name), end="", flush=True)
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("y", "yes", "是"):
            print(say("dataset.restore_cancelled"))
            return 1
    try:
        kept = recovery.restore(path, chosen.path, now)
    except DatasetError as exc:
        return fail(exc)
    print(say("dataset.restored", backup=chosen.name, file=path.name))
    if kept is not None:
        print(say("dataset.restored_kept", kept=str(kept)))
    return 0


def command_mark_final(args: argparse.Namespace) -> int:
    """Mark a unit's data 定稿 (or withdraw it), as the desktop's 单位 menu does."""
    try:
        with open_for_edit(Path(args.dataset), args.open_anyway) as ds:
            unit_id, by, why_not = cli_excel.unit_and_assessor(ds, args)
            if why_not:
                return fail_text(why_not)
            assert unit_id is not None and by is not None  # --unit is required; found, or why_not said why
            final, unit = not args.withdraw, ds.unit(unit_id)
            if unit is not None and unit.facts_final == final:
                print(say("cli.final_already" if final else "cli.final_not", unit=args.unit))
                return 0
            if final and unit is not None and not args.even_unfinished:  # the desktop asks (ui/final_question.py)
                notes = {clause: note for (_, clause), note in ds.clause_notes(unit_id).items()}
                progress = clauses_done(ds.rule_set(), unit, notes, unit_id not in ds.rostered_units())
                if progress.done < progress.total:
                    print(say("cli.final_unfinished", unit=args.unit, done=progress.done, total=progress.total,
                              which=progress.not_done()), file=sys.stderr)
                    return EXIT_UNFINISHED
            edit = ds.mark_final(by, unit_id, final, args.reason)
            if not edit.ok:
                print("\n".join(render(p.message) for p in edit.problems), file=sys.stderr)
                return EXIT_BAD_INPUT
    except DatasetError as exc:
        return fail(exc)
    print(say("cli.final_marked" if final else "cli.final_withdrawn", unit=args.unit))
    return 0


def parser() -> argparse.ArgumentParser:
    top = cli_words.Parser(prog=command_name(), description="乐业吴江 就业协作联盟运营单位绩效考核")
    commands = top.add_subparsers(dest="command", required=True, parser_class=cli_words.Parser)
    score = commands.add_parser("score", help="计算并打印一个年度的考核结果")
    cli_words.year_file_argument(score, "year", "年度数据文件（.wjkh），或 JSON 交换格式的年度数据；省略时用演示年度",
                                 default=str(DEMO_YEAR))
    score.add_argument("--json", action="store_true", help="输出机器可读的 JSON（含每条的计分说明）")
    score.add_argument("--rules", help="考核细则文件（TOML）；省略时用数据中写明的考核细则（程序自带的或已导入的）")
    score.set_defaults(run=command_score)

    imp = commands.add_parser("import-json", help="由 JSON 交换格式创建年度数据文件（SQLite）")
    imp.add_argument("year", help="年度数据（JSON 交换格式）")
    imp.add_argument("--to", required=True, help="要创建的数据文件（.wjkh）；已存在时不覆盖")
    imp.add_argument("--assessor", help="导入人姓名（记入审计记录）；省略时记为“数据导入”")
    imp.add_argument("--role", default="", help="导入人角色")
    imp.add_argument("--rules", help="考核细则文件（TOML）；省略时用数据中写明的考核细则（程序自带的或已导入的）")
    imp.set_defaults(run=command_import_json)

    exp = commands.add_parser("export-json", help="把年度数据文件导出为 JSON 交换格式")
    cli_words.year_file_argument(exp, "dataset", "年度数据文件（.wjkh）")
    exp.add_argument("--out", help="输出文件；省略时写到标准输出")
    exp.set_defaults(run=command_export_json)

    ver = commands.add_parser("verify-audit", help="核对数据文件：审计记录能否证明其中的每项数据，是否在程序外被改动")
    cli_words.year_file_argument(ver, "dataset", "年度数据文件（.wjkh）")
    ver.add_argument("--against", metavar="FILE",
                     help="再与一份签名的评分表（PDF）或一份备份核对：审计记录此后是否被截短或改写")
    ver.set_defaults(run=command_verify_audit)

    res = commands.add_parser("restore", help="列出或恢复数据文件的备份")
    cli_words.year_file_argument(res, "dataset", "年度数据文件（.wjkh）")
    res.add_argument("--list", action="store_true", help="只列出备份")
    res.add_argument("--backup",
                     help="要恢复的备份文件名（备份文件夹中的），或另存在别处的备份文件；省略时用最近的完好备份")
    res.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
    res.set_defaults(run=command_restore)
    ado = commands.add_parser("adopt-rules", help="本年度改按另一版本的本年度考核细则计分：程序自带的新版，"
                                               "或局里印发的修订细则（须填写理由，记入审计）")
    ado.add_argument("--dataset", required=True, help="年度数据文件")
    ado.add_argument("--reason", required=True, help="更换细则的理由")
    ado.add_argument("--rules", help="改用的细则：细则文件的位置，或已导入细则的标题或文号；省略时用程序自带的新版细则")
    ado.add_argument("--yes", action="store_true", help="列出变化后不再询问，直接更换")
    ado.add_argument("--assessor", help="操作的考核人员；数据文件只有一位考核人员时可省略")
    add_open_anyway(ado)
    ado.set_defaults(run=command_adopt_rules)
    fin = commands.add_parser("mark-final", help="标记运营单位数据已定稿（或用 --withdraw 取消定稿），记入审计")
    fin.add_argument("--unit", required=True, help="运营单位名称")
    fin.add_argument("--dataset", required=True, help="年度数据文件（.wjkh）")
    fin.add_argument("--withdraw", action="store_true", help="取消定稿")
    fin.add_argument("--assessor", help="操作人（年度文件中的考核人员）；只有一位考核人员时可省略")
    fin.add_argument("--reason", help="理由（记入审计记录）")
    fin.add_argument("--even-unfinished", action="store_true",
                     help="尚有条款未开始或依据不全时仍标记定稿（否则不标记，并列出已完成几条）")
    add_open_anyway(fin)
    fin.set_defaults(run=command_mark_final)
    cli_grades.register(commands)
    cli_years.register(commands)
    cli_excel.register(commands)
    cli_pdf.register(commands)
    cli_teamwork.register(commands)
    cli_audit_log.register(commands)
    return top


COMMANDS = (("score", "import-json", "export-json", "verify-audit", "restore", "adopt-rules", "mark-final")
            + cli_grades.COMMANDS + cli_years.COMMANDS
            + cli_excel.COMMANDS + cli_pdf.COMMANDS + cli_teamwork.COMMANDS + cli_audit_log.COMMANDS)


def unknown_command(word: str) -> str:
    """One sentence for a first word that is no command (nor a file the desktop could open)."""
    import difflib
    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    return say("cli.unknown_command", word=word, help=f"{command_name()} --help",
               suggestion=say("cli.did_you_mean", command=close[0]) if close else "")


def main(argv: list[str]) -> int:
    cli_words.install()
    if argv and argv[0] not in COMMANDS and not argv[0].startswith("-"):
        print(unknown_command(argv[0]), file=sys.stderr)
        return EXIT_BAD_INPUT
    args = parser().parse_args(argv)
    refused = cli_output.refusal(args)  # a folder, or a missing folder, named as the output: before any work
    if refused is not None:
        print(render(refused), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return args.run(args)
    except BrokenPipeError:  # the output piped into `head` and the like, which stopped reading: not a refusal
        raise
    except OSError as exc:  # the output on a full disk, a read-only mount or a folder that takes no new file
        print(render(cli_output.write_failed(args, exc)), file=sys.stderr)
        return EXIT_BAD_INPUT
