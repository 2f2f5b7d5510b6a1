"""Command-line access to the Excel side: check a workbook a unit handed in (the preview of an
import), import it into the year's dataset, match the people, assign people two units claim,
choose where a base's counts (2.1, 2.2, 4.2) and a unit's platform figures (3.1, 3.2) come from, and write the annex forms and the year's summary workbook.
Registered by cli/commands.py.

    python main.py import-xlsx KIND FILE --dataset YEAR.sqlite [--unit NAME] [--mapping "字段=列,…"] [--yes] [--full-ids]
                               [--skip-bad-rows [--left-out ROWS.xlsx]]
    python main.py match --dataset YEAR.sqlite [--unit NAME] [--full-ids]
    python main.py assign ID_NUMBER (--unit NAME | --clear) --reason TEXT --dataset YEAR.sqlite
    python main.py count-source roster|hand --unit NAME [--base NAME] --dataset YEAR.sqlite
    python main.py platform --dataset YEAR.sqlite [--unit NAME]
    python main.py platform-source platform|hand --unit NAME --dataset YEAR.sqlite
    python main.py export-summary --dataset YEAR.sqlite --out FILE.xlsx [--full-ids]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cli.launcher import command_name
from cli.reading import add_open_anyway, final_withdrawn, open_for_edit, open_read_only, tell_final_withdrawn
from core.common.identifiers import mask_id_like, mask_id_number
from core.common.messages import Msg, render
from core.excel.annex_forms import blank_note
from core.excel.check import CheckResult, check_workbook
from core.excel.kinds import import_spec, normalise_header
from core.excel.partial import left_out_rows, partial_refusal, read_and_check, rows_left_out, unlocated, write_left_out
from core.excel.write import annex_form, annex_inputs
from core.people.import_notes import YearNotes
from core.people.matching import MatchResult, PersonVerdict, ReportedOnly
from core.people.platform import DELIVERIES_KIND, RATINGS_KIND
from core.people.records import on_one_line, report_remarks_words
from core.people.table_names import ROSTER_KINDS
from core.scoring.rules import load_rule_set
from core.store.dataset import Dataset
from core.store.files import DatasetError

EXIT_BAD_INPUT = 2
EXIT_ROWS_LEFT_OUT = 3  # import-xlsx --skip-bad-rows: the rows without problems imported, the others left out
PLATFORM_CLAUSES = {DELIVERIES_KIND: "3.1", RATINGS_KIND: "3.2"}  # the clauses the platform's figures score


def say(code: str, **params) -> str:
    return render(Msg.of(code, **params))


def masked(text: str, full_ids: bool = False) -> str:
    """A line for the terminal with every ID number in it masked (first 6 and last 4 digits shown),
    wherever it stands (a name, an employer, a unit the platform names), unless asked for in full."""
    return text if full_ids else mask_id_like(text)


def command_check_xlsx(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(say("cli.file_not_found", path=str(path)), file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.unit and import_spec().kind(args.kind).scope == "year":
        return fail(say("dataset.import_year_list", kind=import_spec().kind(args.kind).label))
    unit_names: list[str] = []
    bases = None
    if args.dataset:
        try:
            with open_read_only(Path(args.dataset)) as ds:
                rules = ds.rule_set()
                units = ds.year(as_entered=True).units
        except DatasetError as exc:
            print(render(exc.msg), file=sys.stderr)
            return EXIT_BAD_INPUT
        unit_names = [u.name for u in units]
        if args.unit:
            unit = next((u for u in units if u.name == args.unit), None)
            if unit is None:
                return fail(say("cli.no_unit", unit=args.unit, file=Path(args.dataset).name))
            bases = unit.bases
    else:
        rules = load_rule_set(args.rules) if args.rules else load_rule_set()
    result = check_workbook(path, args.kind, rules)
    print_check(path, result, args.full_ids)
    # a form whose unit line names another unit than --unit is refused as import-xlsx refuses it (said above)
    other_unit = bool((args.dataset or args.unit) and print_notes(args, result, unit_names, bases).other_unit)
    return EXIT_BAD_INPUT if result.problems or other_unit else 0


def print_check(path: Path, result: CheckResult, full_ids: bool = False) -> None:
    """The preview of an import: rows checked, then every note and every problem by sheet, row and column
    (ID numbers masked unless `full_ids`: the row and column say where to look)."""
    whole = len(unlocated(result))  # problems of the file or a sheet: nothing of it can be imported
    code = "cli.xlsx_checked" if not whole else "cli.xlsx_refused" if result.rows_checked else "cli.xlsx_not_read"
    print(say(code, source=path.name, kind=Msg.of(f"kind.{result.kind}"), rows=result.rows_checked,
              bad=result.rows_with_problems, records=len(result.records), count=whole))
    if result.notes:  # set apart from the problems, as the desktop's preview sets them
        print(say("cli.notes_heading", count=len(result.notes)))
    for note in result.notes:
        print("  " + masked(note.text(), full_ids))
    if result.problems:
        print(say("cli.problems_heading", count=len(result.problems)), file=sys.stderr)
    for problem in result.problems:
        print("  " + masked(problem.text(), full_ids), file=sys.stderr)


def print_year_notes(ds: Dataset, args: argparse.Namespace, checked: CheckResult, unit_id: int | None) -> YearNotes:
    """The rows that import without a problem but count for nothing as the year stands, and the forms
    naming another unit than the one imported into (core/people/import_notes.py); what was said."""
    unit = ds.unit(unit_id, as_entered=True) if unit_id is not None else None
    roster_names = ds.match().roster_names(unit.name) if unit is not None and args.kind == "monthly_reports" else None
    return print_notes(args, checked, [u.name for u in ds.year(as_entered=True).units],
                       unit.bases if unit is not None else None, roster_names)


def print_notes(args: argparse.Namespace, checked: CheckResult, unit_names: list[str], bases: Any,
                roster_names: dict[str, str] | None = None) -> YearNotes:
    """print_year_notes with the year's unit names, the unit's bases (None: not known) and, for its monthly
    reports, its rosters' names of each ID number in hand."""
    from core.people.import_notes import year_notes
    found = year_notes(args.kind, checked.records, checked.layouts, checked.source, unit_names, bases, args.unit,
                       checked.unit_lines, roster_names)
    for note in found.all:
        print("  " + masked(note.text(), args.full_ids), file=sys.stderr)
    if found.rows:
        print(say("cli.rows_counting_for_nothing", rows=found.rows), file=sys.stderr)
    return found


def command_export_annex(args: argparse.Namespace) -> int:
    try:
        with open_read_only(Path(args.dataset)) as ds:
            rules, year = ds.rule_set(), ds.year()
            matched = {u.unit: u for u in ds.match().units} if args.annex in (2, 4) else {}
    except DatasetError as exc:
        print(render(exc.msg), file=sys.stderr)
        return EXIT_BAD_INPUT
    unit = next((u for u in year.units if u.name == args.unit), None)
    if unit is None:
        print(say("cli.no_unit", unit=args.unit, file=Path(args.dataset).name), file=sys.stderr)
        return EXIT_BAD_INPUT
    # 附件5 lists the unit's counts per base as scored (matched from the rosters or typed, per base).
    # Forms 2 and 4 list the confirmed people of the imported rosters; without them they come out
    # blank for hand filling (core.excel.write.annex_inputs, as the desktop fills them).
    records, counts = annex_inputs(args.annex, unit, matched.get(unit.name))
    if Path(args.out).suffix.lower() == ".pdf":  # the printable form (core/pdf/annex.py)
        from core.common.atomic import write_atomically
        from core.pdf.annex import annex_pdf
        from core.pdf.fonts import cjk_fonts
        fonts, problems = cjk_fonts()
        if fonts is None:
            for problem in problems:
                print(problem.text(), file=sys.stderr)
            return EXIT_BAD_INPUT
        built = annex_pdf(args.annex, rules, unit.name, fonts=fonts, year=year.year, counts=counts, records=records,
                          show_full_id_numbers=args.full_ids)
        written = Path(args.out)
        write_atomically(written, built.pdf)  # a refusal of the system: one sentence in cli/output.py
    else:
        written = annex_form(args.annex, args.out, rules, unit.name, year=year.year, counts=counts, records=records,
                             show_full_id_numbers=args.full_ids)
    print(say("cli.annex_written", annex=args.annex, unit=unit.name, path=str(written)))
    blank = blank_note(args.annex, unit, matched.get(unit.name))
    if blank is not None:  # as the desktop's export dialog says it
        print(render(blank))
    return 0


# ------------------------------------------------------------------ the people in the dataset

def fail(text: str) -> int:
    print(masked(text), file=sys.stderr)
    return EXIT_BAD_INPUT


def fail_year(exc: DatasetError) -> int:
    """A fault with the year file, said as it is: it names files (a backup's name and time look like
    digits an ID number masking would hide), never a person."""
    print(render(exc.msg), file=sys.stderr)
    return EXIT_BAD_INPUT


def source_word(words: dict[str, str]) -> Callable[[str], str]:
    """A source as an office user names it (or by its short English name), for argparse."""
    def read(value: str) -> str:
        if value in words:
            return words[value]
        if value in words.values():
            return value
        raise argparse.ArgumentTypeError(f"没有“{value}”这种来源，可写：{' 或 '.join(words)}")
    return read


def assessor_for(ds: Dataset, name: str | None) -> tuple[int | None, str | None]:
    """(assessor id, None), or (None, why not): the one named, or the dataset's only assessor."""
    if name:
        found = ds.assessor_id(name)
        return (found, None) if found is not None else (None, say("pdf.assessor_unknown", name=name))
    everyone = ds.assessors()
    return (everyone[0].id, None) if len(everyone) == 1 else (None, say("cli.assessor_needed"))


def unit_and_assessor(ds: Dataset, args: argparse.Namespace) -> tuple[int | None, int | None, str | None]:
    """(the --unit's id or None when not given, the assessor's id, None), or (…, …, why not) when the
    named unit or the assessor cannot be found."""
    unit_id = ds.unit_id(args.unit) if args.unit else None
    if args.unit and unit_id is None:
        return None, None, say("cli.no_unit", unit=args.unit, file=Path(args.dataset).name)
    by, why_not = assessor_for(ds, args.assessor)
    return unit_id, by, why_not


def parse_mapping(text: str, kind: str) -> tuple[dict[str, str | int], list[str]]:
    """--mapping "字段=列,…": a field by its label (姓名), any header that means it, or its id (name);
    a column by its header text as written in the file, or its number (1 = column A)."""
    spec = import_spec()
    fields = spec.kind(kind).fields
    names: dict[str, str] = {}
    for f in fields:
        for key in (f, render(Msg.of(f"field.{f}")), *spec.fields[f].synonyms):
            names.setdefault(normalise_header(key), f)
    mapping: dict[str, str | int] = {}
    problems = []
    for item in re.split(r"[,，;；]", text):
        item = item.strip().replace("＝", "=")
        if not item:
            continue
        if "=" not in item:
            problems.append(say("cli.mapping_bad", item=item))
            continue
        name, column = (part.strip() for part in item.split("=", 1))
        field_id = names.get(normalise_header(name))
        if field_id is None or not column:
            problems.append(say("cli.mapping_unknown_field", field=name, kind=Msg.of(f"kind.{kind}"),
                                known=[Msg.of(f"field.{f}") for f in fields]) if field_id is None
                            else say("cli.mapping_bad", item=item))
            continue
        mapping[field_id] = int(column) if column.isdigit() else column
    return mapping, problems


def remembered_mapping(ds: Dataset, kind: str, unit_id: int | None) -> tuple[Any, dict[str, str | int]] | None:
    """The column mapping of the last import of this kind (for this unit) that needed one: a layout
    the program could not recognise is read the same way the next time."""
    import json
    for source in reversed(ds.imports(unit_id) if unit_id is not None else ds.imports()):
        if source.kind == kind and source.unit_id == unit_id and source.mapping:
            stored = json.loads(source.mapping)
            return source, {f: stored[f] for f in import_spec().kind(kind).fields if f in stored}
    return None


def unit_counts(result: MatchResult, unit: str) -> str:
    found = result.unit(unit)
    if not found.has_roster:  # nothing could be confirmed or not: not "未确认 0 人"
        return say("cli.unit_no_roster", unit=unit)
    conflicts = sum(1 for c in result.conflicts if unit in c.units and c.assigned_to is None)
    return say("cli.unit_counts", unit=unit, arrivals=found.arrivals, arrivals_retained=found.arrivals_retained,
               placements=found.placements, placements_retained=found.placements_retained,
               unconfirmed=len(found.unconfirmed()), conflicts=conflicts)


def quote(word: str) -> str:
    """A word of a command printed for the user to run: Chinese names as typed, quotes only where a shell needs them."""
    import shlex
    return word if re.fullmatch(r"[^\s'\"\\$`!*?;&|<>(){}#~]+", word) else shlex.quote(word)


def skip_bad_rows_hint(args: argparse.Namespace, path: Path, rows: int) -> str:
    """The same command again, importing the good rows alone and saving the others for the unit."""
    words = [args.kind, str(path), "--dataset", args.dataset] + (["--unit", args.unit] if args.unit else []) \
        + (["--mapping", args.mapping] if args.mapping else [])
    return say("cli.skip_bad_rows_hint", rows=rows, command=" ".join(map(quote, words)), program=command_name(),
               left_out=quote(str(path.with_name(f"{path.stem}-未导入的行.xlsx"))))


def command_import_xlsx(args: argparse.Namespace) -> int:
    from core.people.tables import file_sha256
    from core.scoring.facts import COUNTS_BY_HAND, FIGURES_BY_HAND
    path = Path(args.file)
    kind = import_spec().kind(args.kind)
    if kind.scope == "year" and args.unit:
        return fail(say("dataset.import_year_list", kind=kind.label))
    if kind.scope != "year" and not args.unit:
        return fail(say("dataset.import_needs_unit", kind=kind.label))
    if args.left_out and not args.skip_bad_rows:
        return fail(say("cli.left_out_needs_skip"))
    if args.alongside and kind.scope != "unit":
        return fail(say("cli.alongside_only_rosters", kind=kind.label))
    mapping, bad = parse_mapping(args.mapping or "", args.kind)
    if bad:
        return fail("\n".join(bad))
    try:
        with open_for_edit(Path(args.dataset), args.open_anyway) as ds:
            unit_id, by, why_not = unit_and_assessor(ds, args)
            if why_not:
                return fail(why_not)
            sha256 = file_sha256(path)  # before reading: the bytes checked are the bytes recorded
            edit, read = None, None
            if args.yes and not args.skip_bad_rows and sha256 is not None:
                # nothing to ask between the check and the import: the rows are written while the file is
                # read, in one edit that a problem found rolls back (then edit is None, nothing written)
                checked, edit = ds.read_and_import(by, args.kind, path, sha256=sha256, unit_id=unit_id,
                                                   mapping=mapping or None, reason=args.reason,
                                                   alongside=args.alongside, other_unit=args.other_unit)
            else:
                read, checked = read_and_check(path, args.kind, ds.rule_set(), mapping=mapping or None)
            remembered = None if mapping or edit is not None else remembered_mapping(ds, args.kind, unit_id)
            if remembered and any(p.message.code == "excel.layout_unrecognised" for p in checked.problems):
                source, mapping = remembered
                print(say("cli.mapping_remembered", file=source.file_name,
                          mapping="，".join(f"{render(Msg.of(f'field.{f}'))}={c}" for f, c in mapping.items())))
                read, checked = read_and_check(path, args.kind, ds.rule_set(), mapping=mapping)
            print_check(path, checked, args.full_ids)
            noted = print_year_notes(ds, args, checked, unit_id)
            if sha256 is None or (checked.problems and not args.skip_bad_rows):
                hint = "\n" + skip_bad_rows_hint(args, path, len(checked.records)) \
                    if sha256 is not None and checked.problems and not partial_refusal(checked) else ""
                return fail(say("cli.import_refused", source=path.name, count=len(checked.problems)) + hint)
            refusal = partial_refusal(checked) if checked.problems else []
            if refusal:
                return fail(say("cli.partial_refused", source=path.name, reasons=[p.message for p in refusal]))
            if noted.other_unit and not args.other_unit:  # nothing written: read_and_import refused it too
                return fail(say("cli.other_unit_refused", source=path.name, unit=args.unit))
            left_out = len(rows_left_out(checked))
            replaced = ds.replaced_sources(args.kind, unit_id, checked.source, sha256, alongside=args.alongside)
            if not args.yes:
                print(say("cli.confirm_import" if not left_out else "cli.confirm_partial_import",
                          rows=len(checked.records), bad=left_out, source=path.name,
                          replaced=[say("cli.source", file=s.file_name, rows=s.rows) for s in replaced]
                          or say("cli.replaces_nothing")), end="", flush=True)
                if sys.stdin.readline().strip().lower() not in ("y", "yes", "是"):
                    print(say("cli.import_cancelled"))
                    return 1
            if edit is None:
                edit = ds.import_people(by, checked, sha256=sha256, unit_id=unit_id, mapping=mapping or None,
                                        reason=args.reason, skip_bad_rows=bool(left_out), alongside=args.alongside)
            if not edit.ok:
                return fail("\n".join(p.text() for p in edit.problems))
            source = next(s for s in ds.imports() if s.id == edit.id)
            print(say("cli.imported", source=path.name, kind=kind.label, rows=source.rows,
                      replaced=source.replaced_rows))
            tell_final_withdrawn(ds, edit)
            if left_out:
                print(say("cli.rows_left_out", rows=left_out, source=path.name))
                print(say("cli.left_out_later", program=command_name(), dataset=quote(args.dataset),
                          unit=f" --unit {quote(args.unit)}" if args.unit else ""))
                if args.left_out:
                    assert read is not None  # a partial import is asked for and read first
                    written = write_left_out(*left_out_rows(checked, read), args.left_out,
                                             title=say("cli.left_out_title", source=path.name, kind=kind.label,
                                                       rows=left_out),
                                             show_full_id_numbers=args.full_ids)
                    print(say("cli.left_out_written", path=str(written)))
                    if args.full_ids:
                        print(say("cli.full_ids_warning"), file=sys.stderr)
            result = ds.match() if args.kind not in ("platform_deliveries", "platform_ratings") else None
            if unit_id is not None:
                print(unit_counts(result, args.unit))
                reported_only = result.unit(args.unit).reported_only if result is not None else ()
                if reported_only:
                    print(say("cli.reported_only_after_import", count=len(reported_only), program=command_name(),
                              dataset=quote(args.dataset), unit=quote(args.unit)))
                unit = ds.unit(unit_id)
                if args.kind in ROSTER_KINDS and unit is not None and unit.bases \
                        and all(b.count_source == COUNTS_BY_HAND for b in unit.bases):
                    print(say("cli.counts_still_by_hand", unit=quote(args.unit), dataset=quote(args.dataset),
                              program=command_name()))
            elif args.kind in ("platform_deliveries", "platform_ratings"):
                print_platform(ds, None)
                if all(u.platform_source == FIGURES_BY_HAND for u in ds.year(as_entered=True).units):
                    print(say("cli.platform_still_by_hand", dataset=quote(args.dataset), program=command_name()))
            else:
                print(say("cli.year_counts", confirmed=sum(u.total for u in result.units),
                          unconfirmed=sum(len(u.unconfirmed()) for u in result.units),
                          conflicts=sum(1 for c in result.conflicts if c.assigned_to is None)))
    except DatasetError as exc:
        return fail_year(exc)
    return EXIT_ROWS_LEFT_OUT if left_out else 0


def person_line(p: PersonVerdict, full_ids: bool, reported: Sequence[tuple[str, str]] = ()) -> str:
    """A person's line: the verdict, the notes, the roster's 备注 and the monthly reports' (`reported`)."""
    if not p.confirmed:
        verdict = p.verdict
    elif p.retained:
        verdict = Msg.of("cli.counted_retained", months=p.months)
    else:
        verdict = Msg.of("cli.counted_not_retained", reasons=list(p.retention_reasons))
    return say("cli.person", mark="✓" if p.confirmed else "✗", name=p.name,
               id=p.id_number if full_ids else mask_id_number(p.id_number), kind=Msg.of(f"match.kind_{p.kind}"),
               base=p.base or "—", where=p.where, verdict=verdict,
               notes="".join("；" + render(n) for n in p.notes),
               remarks=remarks_words(p.record.remarks) + report_remarks_line(reported))


def reported_only_line(p: ReportedOnly, full_ids: bool) -> str:
    """A person of the monthly reports on no roster of the unit: who, the months reported, where."""
    return say("cli.reported_only_person", name=p.name, id=p.id_number if full_ids else mask_id_number(p.id_number),
               months=p.months_words, base=p.base or "—", employer=p.employer or "—", where=p.where,
               elsewhere=say("cli.reported_only_elsewhere", elsewhere=p.elsewhere_words) if p.elsewhere else "")


def remarks_words(remarks: str) -> str:
    """The roster's 备注 of a person at the end of its line (its own lines joined), or nothing."""
    text = on_one_line(remarks)
    return say("cli.person_remarks", remarks=text) if text else ""


def report_remarks_line(reported: Sequence[tuple[str, str]]) -> str:
    """The monthly reports' 备注 of a person at the end of its line, each after its month, or nothing."""
    texts = [on_one_line(render(m)) for m in report_remarks_words(reported)]
    return say("cli.person_report_remarks", remarks="；".join(texts)) if texts else ""


def command_match(args: argparse.Namespace) -> int:
    try:
        with open_read_only(Path(args.dataset)) as ds:
            result = ds.match()
            platform = platform_report(ds, [args.unit] if args.unit else None)
            listed = [u.unit for u in result.units if not args.unit or u.unit == args.unit]
            reported = {name: ds.report_remarks(uid) for name in listed if (uid := ds.unit_id(name)) is not None}
    except DatasetError as exc:
        return fail_year(exc)
    units = result.units
    if args.unit:
        units = tuple(u for u in units if u.unit == args.unit)
        if not units:
            return fail(say("cli.no_unit", unit=args.unit, file=Path(args.dataset).name))
    if not any(u.people or u.reported_only for u in result.units):
        print(say("cli.no_people", file=Path(args.dataset).name, program=command_name()))
        if platform is not None:
            platform.print(header=True)
        return 0
    for unit in units:
        print(unit_counts(result, unit.unit))
        if platform is not None:
            print(masked(platform.lines[unit.unit]))
        remarks = reported.get(unit.unit, {})
        for person in unit.people:
            print("  " + masked(person_line(person, args.full_ids, remarks.get(person.id_number, ())), args.full_ids))
        if unit.reported_only:
            print("  " + say("cli.reported_only", unit=unit.unit, count=len(unit.reported_only)))
            for other in unit.reported_only:
                print("    " + masked(reported_only_line(other, args.full_ids), args.full_ids))
    if platform is not None:
        platform.print(header=True, units=False)
    shown = {u.unit for u in units}
    conflicts = [c for c in result.conflicts if shown & set(c.units)]
    if conflicts:
        print(say("cli.conflicts", count=len(conflicts)))
        for c in conflicts:
            decision = (Msg.of("cli.conflict_open") if c.assigned_to is None
                        else Msg.of("cli.conflict_assigned", unit=c.assigned_to))
            print("  " + masked(say("cli.conflict", name=c.name, id=c.id_number, claims=[claim.text for claim in c.claims],
                                    decision=decision), args.full_ids))
        if any(c.assigned_to is None for c in conflicts):
            print(say("cli.assign_hint", program=command_name(), dataset=quote(args.dataset)))
    for problem in result.problems:
        print("  " + masked(problem.text(), args.full_ids), file=sys.stderr)
    return 0


def command_assign(args: argparse.Namespace) -> int:
    try:
        with open_for_edit(Path(args.dataset), args.open_anyway) as ds:
            unit_id, by, why_not = unit_and_assessor(ds, args)
            if why_not:
                return fail(why_not)
            edit = ds.assign_person(by, args.id_number, unit_id, args.reason)
            if not edit.ok:  # the number as typed, in full: masked, it would look like the next one in the list
                text = masked("\n".join(render(p.message) for p in edit.problems))
                if len(args.id_number) > 10:
                    text = text.replace(mask_id_number(args.id_number), args.id_number)
                print(text, file=sys.stderr)
                return EXIT_BAD_INPUT
            told = final_withdrawn(ds, edit)
    except DatasetError as exc:
        return fail_year(exc)
    print(masked(say("cli.unassigned", id=args.id_number) if unit_id is None
                 else say("cli.assigned", id=args.id_number, unit=args.unit)))
    if told is not None:
        print(told)
    return 0


def command_count_source(args: argparse.Namespace) -> int:
    try:
        with open_for_edit(Path(args.dataset), args.open_anyway) as ds:
            unit_id, by, why_not = unit_and_assessor(ds, args)
            if why_not:
                return fail(why_not)
            base_ids = None
            if args.base:
                names = dict(zip((b.name for b in ds.unit(unit_id, as_entered=True).bases), ds.base_ids(unit_id)))
                if args.base not in names:
                    return fail(say("cli.no_base", unit=args.unit, base=args.base))
                base_ids = [names[args.base]]
            edit = ds.set_count_source(by, unit_id, args.source, base_ids, reason=args.reason)
            if not edit.ok:
                return fail("\n".join(render(p.message) for p in edit.problems))
            tell_final_withdrawn(ds, edit)
            unit = ds.unit(unit_id)
            if args.source == "roster" and unit_id not in ds.rostered_units():
                print(say("cli.counts_without_roster", unit=args.unit), file=sys.stderr)
    except DatasetError as exc:
        return fail_year(exc)
    for base in unit.bases:
        if args.base in (None, base.name):
            code = "cli.base_counts_typed" if base.count_source == "hand" else "cli.base_counts"
            split: dict[str, int] = {}
            if base.type == "school" and base.trainees is not None:  # a school base telling trainees from interns
                trainees, trainees_retained = base.effective_trainees()
                code += "_split"
                split = {"trainees": trainees, "interns": base.people - trainees,
                         "trainees_retained": trainees_retained, "interns_retained": base.retained - trainees_retained}
            print(say(code, base=base.name, people=base.people, retained=base.retained,
                      source=Msg.of(f"people.source_{base.count_source}"), **split))
    return 0


# ------------------------------------------------------------------ the platform's statistics (3.1, 3.2)

class PlatformReport:
    """What the platform's exports give each unit, as lines: the exports, one line per unit (its source,
    the platform's and the typed figures, and what 3.1 and 3.2 score), the records of no unit."""

    def __init__(self, ds: Dataset, names: list[str] | None):
        from core.scoring.engine import score_year
        rules = ds.rule_set()
        self.found = ds.platform()
        typed = {u.name: u for u in ds.year(as_entered=True).units}
        scored = score_year(rules, ds.year())
        deliveries_clause = rules.clause_entering("deliveries")
        rating_clause = rules.clause_entering("platform_rating")
        self.lines: dict[str, str] = {}
        for name in names or list(typed):
            unit, mine, result = typed[name], self.found.unit(name), scored.unit(name)
            self.lines[name] = say(
                "cli.platform_unit", unit=name, source=Msg.of(f"platform.source_{unit.platform_source}"),
                deliveries=len(mine.deliveries), rating="—" if mine.rating is None else mine.rating,
                typed=len(unit.deliveries), typed_rating="—" if unit.platform_rating is None else unit.platform_rating,
                points=result.clause(deliveries_clause.id).points if deliveries_clause else 0,
                bonus=result.clause(deliveries_clause.id).bonus if deliveries_clause else 0,
                rating_bonus=result.clause(rating_clause.id).bonus if rating_clause else 0)

    def print(self, *, header: bool = True, units: bool = True) -> None:
        found = self.found
        if header:
            print(say("cli.platform_exports", deliveries=export_text(found.deliveries_export),
                      ratings=export_text(found.ratings_export)))
        if units:
            for line in self.lines.values():
                print(masked(line))
        if found.unmatched_deliveries or found.unmatched_ratings:
            print(say("cli.platform_unmatched", deliveries=found.unmatched_deliveries, ratings=found.unmatched_ratings))
        for problem in found.problems:
            print("  " + masked(problem.text()), file=sys.stderr)


def export_text(export: Any) -> Msg:
    if export is None:
        return Msg.of("cli.platform_not_imported")
    return Msg.of("cli.platform_export", file=export.file_name, at=export.local_time)


def platform_report(ds: Dataset, names: list[str] | None) -> PlatformReport | None:
    """The report when there is anything to say: an export imported, or a unit scoring the platform's figures."""
    from core.scoring.facts import FIGURES_FROM_PLATFORM
    if names and any(ds.unit_id(n) is None for n in names):
        return None
    if not ds.platform().imported and not any(u.platform_source == FIGURES_FROM_PLATFORM
                                              for u in ds.year(as_entered=True).units):
        return None
    return PlatformReport(ds, names)


def print_platform(ds: Dataset, names: list[str] | None) -> PlatformReport:
    report = PlatformReport(ds, names)
    report.print()
    return report


def command_platform(args: argparse.Namespace) -> int:
    """The platform's figures of each unit; exit 1 when records name no unit of the year (they count for none)."""
    try:
        with open_read_only(Path(args.dataset)) as ds:
            if args.unit and ds.unit_id(args.unit) is None:
                return fail(say("cli.no_unit", unit=args.unit, file=Path(args.dataset).name))
            if not ds.platform().imported:
                print(say("cli.no_platform", file=Path(args.dataset).name))
            report = print_platform(ds, [args.unit] if args.unit else None)
    except DatasetError as exc:
        return fail_year(exc)
    return 1 if report.found.problems else 0


def command_platform_source(args: argparse.Namespace) -> int:
    try:
        with open_for_edit(Path(args.dataset), args.open_anyway) as ds:
            unit_id, by, why_not = unit_and_assessor(ds, args)
            if why_not:
                return fail(why_not)
            edit = ds.set_platform_source(by, unit_id, args.source, reason=args.reason)
            if not edit.ok:
                return fail("\n".join(render(p.message) for p in edit.problems))
            tell_final_withdrawn(ds, edit)
            print_platform(ds, [args.unit])
            for kind, _ in ds.platform().lacking(args.unit) if args.source == "platform" else ():
                print(say("cli.platform_without_records", unit=args.unit, clause=PLATFORM_CLAUSES[kind],
                          what=Msg.of(f"kind.{kind}")), file=sys.stderr)
    except DatasetError as exc:
        return fail_year(exc)
    return 0


def command_export_summary(args: argparse.Namespace) -> int:
    from core.excel.write import summary_workbook
    from core.scoring.engine import score_year
    from core.scoring.report import headcounts_held_back
    from core.years.standing import e_settled_units, not_started_units, under_way_units
    try:
        with open_read_only(Path(args.dataset)) as ds:
            rules, year = ds.rule_set(), ds.year()
            matched = ds.match()
            unconfirmed, reported_only = matched.unconfirmed_by_unit(), matched.reported_only_by_unit()
            noted = ds.noted_unit_names()
            waiting, open_units = not_started_units(rules, year.units, noted), under_way_units(rules, year.units, noted)
    except DatasetError as exc:
        return fail_year(exc)
    out = Path(args.out)  # a folder, or a missing folder, is refused before (cli/output.py)
    result = score_year(rules, year)
    settled = e_settled_units(rules, year.units, result)  # their E certain though the rankings are 暂定
    summary_workbook(rules, result, unconfirmed, out, show_full_id_numbers=args.full_ids,
                     not_started=waiting, under_way=open_units, settled=settled,
                     reported_only_by_unit=reported_only)  # whole or not at all
    held = sum(headcounts_held_back(rules, unit)[1] for unit in result.units)
    print(say("cli.summary_written", path=str(out), units=len(year.units),
              unconfirmed=sum(len(people) for people in unconfirmed.values()) + held))
    if args.full_ids:
        print(say("cli.full_ids_warning"), file=sys.stderr)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    kinds = list(import_spec().kinds)
    kinds_help = "文件类型，取下列之一：\n" + "\n".join(f"{k}　{render(Msg.of(f'kind.{k}'))}" for k in kinds)
    check = commands.add_parser("check-xlsx", help="检查运营单位报送的 Excel（导入前预览，列出每处问题）")
    check.add_argument("kind", choices=kinds, metavar="KIND", help=kinds_help)
    check.add_argument("file", help="Excel 文件（.xlsx、.xls 或 .ods）")
    source = check.add_mutually_exclusive_group()
    source.add_argument("--dataset", help="按此年度数据文件中保存的考核细则检查（考核年度、日期范围）")
    source.add_argument("--rules", help="考核细则文件（TOML）；省略时用程序自带的细则")
    check.add_argument("--unit", help="将导入到的运营单位：同时核对表中写明的运营单位；"
                                      "与 --dataset 同用时还列出导入后不计分的行（如所填基地不是该单位登记的基地）")
    check.add_argument("--full-ids", action="store_true", help="问题中显示完整身份证号（默认只显示前6位和后4位）")
    check.set_defaults(run=command_check_xlsx)
    annex = commands.add_parser("export-annex", help="导出附件1–6 表格（Excel，A4 打印）")
    annex.add_argument("annex", type=int, choices=range(1, 7), help="附件编号 1–6")
    annex.add_argument("--dataset", required=True, help="年度数据文件（.wjkh）")
    annex.add_argument("--unit", required=True, help="运营单位名称")
    annex.add_argument("--out", required=True, help="输出文件（.xlsx；以 .pdf 结尾则为可打印的 PDF）")
    annex.add_argument("--full-ids", action="store_true",
                       help="显示完整身份证号（默认只显示前6位和后4位；完整号码属个人敏感信息，仅在报送主管部门核验时使用）")
    annex.set_defaults(run=command_export_annex)

    imp = commands.add_parser("import-xlsx", help="把运营单位报送的 Excel 导入年度数据文件（先预览；有问题则不导入，或用 --skip-bad-rows 只导入无误的行）")
    imp.add_argument("kind", choices=kinds, metavar="KIND", help=kinds_help)
    imp.add_argument("file", help="Excel 文件（.xlsx、.xls 或 .ods）")
    imp.add_argument("--dataset", required=True, help="年度数据文件（.wjkh）")
    imp.add_argument("--unit", help="运营单位名称（花名册、每月送工信息必填；全区见习名单和平台导出不填）")
    imp.add_argument("--mapping", help="表头认不出时指定列：字段=列，逗号分隔，如 \"姓名=员工名,身份证号=3\"（列可写表头文字或列号）")
    imp.add_argument("--yes", action="store_true", help="不再询问，预览无问题即导入")
    imp.add_argument("--alongside", action="store_true",
                     help="另一家用人单位盖章的花名册：与本单位已导入的花名册一并保留（只替换同名或内容相同的文件）；"
                          "不加此项时，再次导入同一单位的花名册会替换上次导入的")
    imp.add_argument("--other-unit", action="store_true",
                     help="表中写明的运营单位（如“运营单位（盖章）：…”）与 --unit 不同时，经核对仍导入到 --unit")
    imp.add_argument("--skip-bad-rows", action="store_true",
                     help="只导入无误的行：有问题的行不导入（记入审计），其余各行全部导入或全部不导入；"
                          "整个文件或工作表的问题（如表头无法识别）仍不导入。有行未导入时退出码为 3")
    imp.add_argument("--left-out", metavar="FILE.xlsx",
                     help="与 --skip-bad-rows 同用：把未导入的行（原单元格和问题）另存为此 Excel 文件，交运营单位更正")
    imp.add_argument("--assessor", help="操作的考核人员；数据文件只有一位考核人员时可省略")
    imp.add_argument("--reason", help="记入审计的说明")
    imp.add_argument("--full-ids", action="store_true",
                     help="问题和未导入的行清单中显示完整身份证号（默认只显示前6位和后4位）")
    add_open_anyway(imp)
    imp.set_defaults(run=command_import_xlsx)

    mat = commands.add_parser("match", help="列出每人是否确认及原因，以及多家单位申报的人员")
    mat.add_argument("--dataset", required=True, help="年度数据文件（.wjkh）")
    mat.add_argument("--unit", help="只列此运营单位")
    mat.add_argument("--full-ids", action="store_true", help="显示完整身份证号（默认只显示前6位和后4位）")
    mat.set_defaults(run=command_match)

    asg = commands.add_parser("assign", help="确认多家单位申报的人员归属哪家单位（或用 --clear 撤销）")
    asg.add_argument("id_number", help="身份证号码")
    who = asg.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit", help="归属的运营单位名称")
    who.add_argument("--clear", action="store_true", help="撤销已作的归属确认")
    asg.add_argument("--reason", required=True, help="理由（记入数据文件和审计）")
    asg.add_argument("--dataset", required=True, help="年度数据文件（.wjkh）")
    asg.add_argument("--assessor", help="操作的考核人员；数据文件只有一位考核人员时可省略")
    add_open_anyway(asg)
    asg.set_defaults(run=command_assign)

    src = commands.add_parser("count-source", help="选择基地人数来源：名单核对（roster）按导入的花名册核对，"
                                                   "手工录入（hand）仅有纸质材料时")
    src.add_argument("source", type=source_word({"名单核对": "roster", "手工录入": "hand"}), metavar="来源",
                     help="名单核对 或 手工录入（也可写 roster 或 hand）")
    src.add_argument("--unit", required=True, help="运营单位名称")
    src.add_argument("--base", help="只设此基地；省略时设该单位全部基地")
    src.add_argument("--dataset", required=True, help="年度数据文件（.wjkh）")
    src.add_argument("--assessor", help="操作的考核人员；数据文件只有一位考核人员时可省略")
    src.add_argument("--reason", help="记入审计的说明")
    add_open_anyway(src)
    src.set_defaults(run=command_count_source)

    plat = commands.add_parser("platform", help="列出用工速递系统导出中各单位的输送记录和综合评分（条款3.1、3.2），以及单位名称不符的记录")
    plat.add_argument("--dataset", required=True, help="年度数据文件（.wjkh）")
    plat.add_argument("--unit", help="只列此运营单位")
    plat.set_defaults(run=command_platform)

    psrc = commands.add_parser("platform-source",
                               help="选择条款3.1、3.2 的数据来源：用工速递（platform）按导入的用工速递系统导出，"
                                    "手工录入（hand）")
    psrc.add_argument("source", type=source_word({"用工速递": "platform", "手工录入": "hand"}), metavar="来源",
                      help="用工速递 或 手工录入（也可写 platform 或 hand）")
    psrc.add_argument("--unit", required=True, help="运营单位名称")
    psrc.add_argument("--dataset", required=True, help="年度数据文件（.wjkh）")
    psrc.add_argument("--assessor", help="操作的考核人员；数据文件只有一位考核人员时可省略")
    psrc.add_argument("--reason", help="记入审计的说明")
    add_open_anyway(psrc)
    psrc.set_defaults(run=command_platform_source)

    summ = commands.add_parser("export-summary", help="导出年度汇总表（Excel）：各单位各条款得分、总分、名次、等级，各单位未确认人员")
    summ.add_argument("--dataset", required=True, help="年度数据文件（.wjkh）")
    summ.add_argument("--out", required=True, help="输出文件（.xlsx）")
    summ.add_argument("--full-ids", action="store_true",
                      help="显示完整身份证号（默认只显示前6位和后4位；完整号码属个人敏感信息，仅在报送主管部门核验时使用）")
    summ.set_defaults(run=command_export_summary)


COMMANDS = ("check-xlsx", "export-annex", "import-xlsx", "match", "assign", "count-source", "platform",
            "platform-source", "export-summary")
