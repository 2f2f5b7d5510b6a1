"""The PDF documents and their signatures on the command line. Registered by cli/commands.py.

    python main.py export-pdf record|sheet|summary --dataset YEAR.sqlite [--unit NAME] --out FILE.pdf
        [--sign KEY.p12 [--yes]]
    python main.py verify FILE.pdf [--dataset YEAR.sqlite]
    python main.py make-key OUT.p12 --name NAME [--organisation ORG]
    python main.py import-key SOURCE.p12 [--to FOLDER]
    python main.py reopen --dataset YEAR.sqlite --unit NAME --reason TEXT [--assessor NAME]

The key's password is read from the environment variable LEYE_SIGN_PASSWORD, or asked for.
Failures print one line on stderr and exit non-zero (2: the input; 1: a PDF that is modified or
signed with a certificate the dataset does not know).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from cli.reading import add_open_anyway, open_for_edit, open_read_only
from core.common.messages import Msg, render
from core.pdf.signing import (
    SigningError,
    certificate_subject,
    colon_hex,
    create_key,
    default_key_dir,
    import_key,
    load_signer,
    quiet_libraries,
    verification_lines,
    verify_pdf,
)
from core.pdf.trust import (
    add_trusted,
    certificates_in,
    remove_trusted,
    same_name_others,
    trust_own_key,
    trusted,
    trusted_certificates,
)
from core.store.dataset import Dataset
from core.store.files import DatasetError

EXIT_BAD_INPUT = 2
EXIT_NOT_VERIFIED = 1
EXIT_UNTRUSTED = 3  # intact, but the signer is not trusted on this computer
PASSWORD_ENV = "LEYE_SIGN_PASSWORD"
COMMANDS = ("export-pdf", "verify", "make-key", "import-key", "reopen", "trust")


def say(code: str, **params) -> str:
    return render(Msg.of(code, **params))


def fail(text: str, code: int = EXIT_BAD_INPUT) -> int:
    print(text, file=sys.stderr)
    return code


def password(confirm: bool = False) -> str | None:
    """From LEYE_SIGN_PASSWORD, else asked (twice when making a key); None when not given."""
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    if not sys.stdin.isatty():  # no terminal to hide the typing: a password is never read in the clear
        return None
    try:
        value = getpass.getpass(say("pdf.ask_password"))
        if confirm and value and getpass.getpass(say("pdf.ask_password_again")) != value:
            print(say("pdf.password_mismatch"), file=sys.stderr)
            return None
    except (EOFError, KeyboardInterrupt):
        return None
    return value or None


def confirmed(question: str) -> bool:
    """A yes from the terminal; no terminal (a script) is a no: it must say --yes."""
    if not sys.stdin.isatty():
        return False
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes", "是")
    except (EOFError, KeyboardInterrupt):
        return False


def command_export_pdf(args: argparse.Namespace) -> int:
    quiet_libraries()
    from core.common.atomic import write_atomically
    from core.pdf.export import Exporter
    from core.pdf.sheets import Visit
    path, out = Path(args.dataset), Path(args.out)  # a folder, or a missing folder, is refused before (cli/output.py)
    signer = None
    visit = Visit(args.date or "", args.place or "",
                  tuple(n.strip() for n in (args.assessors or "").replace("，", ",").split(",") if n.strip()),
                  args.representative or "")
    try:
        # signing records the signed sheet in the year: an edit, refused on a year changed outside the program
        with open_read_only(path) if not args.sign else open_for_edit(path, args.open_anyway) as ds:
            exporter = Exporter(ds, font=args.font)
            if args.sign:
                refused = exporter.signing_refused(args.kind)  # a field copy: said before the password is asked
                if refused is not None:
                    return fail(render(refused))
                secret = password()
                if secret is None:
                    return fail(say("pdf.password_missing", env=PASSWORD_ENV))
                signer = load_signer(args.sign, secret)
            if signer is not None and args.kind == "sheet":  # asked, as the desktop asks: the office decides
                copies_out = exporter.copies_out_on_signing(args.unit)
                if copies_out is not None:
                    print(render(copies_out), file=sys.stderr)
                    if not args.yes and not confirmed(say("pdf.sign_copies_out_ask")):
                        return fail(say("pdf.sign_copies_out_refused"))
            if signer is not None and args.kind == "sheet" and not args.yes:
                provisional = exporter.provisional_on_signing(args.unit)
                if provisional is not None:
                    print(render(provisional.message()), file=sys.stderr)
                    if not confirmed(say("pdf.sign_provisional_ask")):
                        return fail(say("pdf.sign_provisional_refused"))
            done, problems = exporter.export(args.kind, args.unit, signer=signer, assessor=args.assessor, visit=visit)
            for font_notice in exporter.notices:
                print(render(font_notice.message), file=sys.stderr)
    except (DatasetError, SigningError) as exc:
        return fail(render(exc.msg))
    if problems or done is None:
        return fail(" ".join(render(p.message) for p in problems))
    write_atomically(out, done.pdf)  # a refusal of the system: one sentence in cli/output.py
    details = [say("pdf.done_pages", pages=done.pages)]
    if done.version is not None:
        details.append(say("pdf.version", version=done.version))
    if done.signed:
        details.append(say("pdf.done_signed", fingerprint=done.fingerprint))
    if done.copy_of_signed:
        details.append(say("pdf.done_copy"))
        if signer is not None:
            print(say("pdf.sign_locked_copy", unit=done.unit, version=done.version), file=sys.stderr)
    if done.locked:
        details.append(say("pdf.done_locked"))
    print(say("pdf.done", file=str(out), details="，".join(details)))
    return 0


def sheet_figures_verdict(ds: Dataset, data: bytes) -> Msg | None:
    """Whether a score sheet the year signed (these bytes) still shows the unit's figures (None: not known)."""
    import hashlib

    from core.scoring.engine import score_year
    from core.store.sheet_figures import signed_sheet_verdict
    rules = ds.rule_set()
    decimals = rules.reading("ranking_display_decimals") if "ranking_display_decimals" in rules.readings else 2
    return signed_sheet_verdict(ds, hashlib.sha256(data).hexdigest(), score_year(rules, ds.year()), decimals)


def command_verify(args: argparse.Namespace) -> int:
    quiet_libraries()
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError:
        return fail(say("cli.file_not_found", path=str(path)))
    check, figures, origin = None, None, None
    if args.dataset:
        try:
            with Dataset.open(Path(args.dataset), read_only=True) as ds:
                known = {c.fingerprint for c in ds.certificates()}
                figures = sheet_figures_verdict(ds, data)
                origin = document_origin(ds, data, path.name)
        except DatasetError as exc:
            return fail(render(exc.msg))
        from core.store.signatures import normal_fingerprint
        check = lambda fp: normal_fingerprint(fp) in known  # noqa: E731
    result = verify_pdf(data, name=path.name, known=check, trusted=trusted_certificates())
    if result.problems:  # a signature shown but no longer holding is a modified file; the others cannot be read
        return fail(render(result.problems[0].message), EXIT_NOT_VERIFIED if result.signature_lost else EXIT_BAD_INPUT)
    dataset = Path(args.dataset).name if args.dataset else None
    for line in verification_lines(result, dataset):
        print(line)
    not_of_this_year = False
    if origin is not None and result.intact:
        from core.pdf.anchors import sheet_version_signed
        trail, signed_here = origin
        if trail is not None:
            print(render(trail[1]))
            not_of_this_year = trail[0] is False
        version = sheet_version_signed(result.signatures[-1].reason) if result.signatures else None
        if version is not None and not signed_here:
            print(say("audit.doubt_not_signed_here", file=path.name, version=version))
            not_of_this_year = True
    if figures is not None and result.intact:
        print(render(figures))
    if not result.intact:
        return fail(say("pdf.verify_failed_modified", file=path.name), EXIT_NOT_VERIFIED)
    if not_of_this_year:
        return fail(say("pdf.verify_failed_other_year", file=path.name, dataset=dataset), EXIT_NOT_VERIFIED)
    if result.known is False:
        return fail(say("pdf.verify_failed_unknown", file=path.name, dataset=dataset), EXIT_NOT_VERIFIED)
    if not result.trusted:
        return fail(say("pdf.verify_failed_untrusted", file=path.name), EXIT_UNTRUSTED)
    return 0


def document_origin(ds: Dataset, data: bytes, name: str) -> tuple[tuple[bool | None, Msg] | None, bool]:
    """Whether a document comes from the year `ds`, as the desktop's verify card tells it: the audit head it was
    made at against the year's trail (None: it carries none; a field copy's head is said as such), and whether
    the year recorded signing these bytes as a score sheet."""
    import hashlib

    from core.pdf.anchors import keyword_anchor
    from core.teamwork.origin import document_trail
    head = keyword_anchor(data)
    trail = document_trail(ds, head.seq, head.hash, head.copy, name) if head is not None else None
    return trail, ds.signed_sheet(hashlib.sha256(data).hexdigest()) is not None


def command_make_key(args: argparse.Namespace) -> int:
    quiet_libraries()
    target = Path(args.out)
    if target.exists():
        return fail(say("pdf.key_exists", file=str(target)))
    secret = password(confirm=True)
    if secret is None:
        return fail(say("pdf.password_missing", env=PASSWORD_ENV))
    try:
        info = create_key(target, args.name, secret, organisation=args.organisation or "")
    except SigningError as exc:
        return fail(render(exc.msg))
    trust_own_key(info.path, secret)
    print(say("pdf.key_made", file=str(info.path), subject=info.subject, fingerprint=info.fingerprint))
    return 0


def command_import_key(args: argparse.Namespace) -> int:
    quiet_libraries()
    secret = password()
    if secret is None:
        return fail(say("pdf.password_missing", env=PASSWORD_ENV))
    try:
        info = import_key(args.source, Path(args.to) if args.to else default_key_dir(), secret)
    except SigningError as exc:
        return fail(render(exc.msg))
    trust_own_key(info.path, secret)
    print(say("pdf.key_imported", file=str(info.path), subject=info.subject, fingerprint=info.fingerprint))
    return 0


def command_trust(args: argparse.Namespace) -> int:
    """trust list | trust add FILE [--yes] | trust remove FINGERPRINT"""
    quiet_libraries()
    if args.action == "list":
        found = trusted()
        for item in found:
            print(say("trust.listed", subject=item.subject, fingerprint=item.fingerprint,
                      kind=say("trust.kind_authority" if item.authority else "trust.kind_signer")))
        if not found:
            print(say("trust.none"))
        return 0
    if args.action == "remove":
        if not args.target:
            return fail(say("trust.not_found", fingerprint=""))
        gone = remove_trusted(args.target)
        if gone is None:
            return fail(say("trust.not_found", fingerprint=args.target))
        print(say("trust.removed", subject=gone.subject, fingerprint=gone.fingerprint))
        return 0
    path = Path(args.target or "")
    if not path.is_file():
        return fail(say("cli.file_not_found", path=str(path)))
    try:
        certs = certificates_in(path)
    except SigningError as exc:
        return fail(render(exc.msg))
    already = trusted()
    warnings = [render(m) for cert in certs for m in same_name_others(cert, already)]
    for line in warnings:  # another certificate under the same name is trusted here: this one may be a forger's
        print(line, file=sys.stderr)
    if not args.yes:
        print(say("trust.confirm"))
        for cert in certs:
            print("  " + say("trust.listed", subject=certificate_subject(cert), fingerprint=colon_hex(cert.sha256),
                             kind=""))
        try:
            answer = input("[y/N] ").strip().lower()
        except EOFError:
            answer = ""
        if answer not in ("y", "yes", "是"):
            return fail(say("trust.cancelled"))
    for cert in certs:
        item = add_trusted(cert)
        print(say("trust.added", subject=item.subject, fingerprint=item.fingerprint,
                  authority=say("trust.added_authority") if item.authority else ""))
    return 0


def command_reopen(args: argparse.Namespace) -> int:
    try:
        with open_for_edit(Path(args.dataset), args.open_anyway) as ds:
            unit_id = ds.unit_id(args.unit)
            if unit_id is None:
                return fail(say("cli.no_unit", file=Path(args.dataset).name, unit=args.unit))
            by = ds.assessor_id(args.assessor) if args.assessor else None
            if args.assessor and by is None:
                return fail(say("pdf.assessor_unknown", name=args.assessor))
            if by is None and len(ds.assessors()) == 1:
                by = ds.assessors()[0].id
            if by is None:
                return fail(say("pdf.assessor_needed"))
            edit = ds.reopen_unit(by, unit_id, args.reason)
            if not edit.ok:
                return fail(" ".join(render(p.message) for p in edit.problems))
            version = ds.next_sheet_version(unit_id)
    except DatasetError as exc:
        return fail(render(exc.msg))
    print(say("pdf.reopened", unit=args.unit, version=version))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    exp = commands.add_parser("export-pdf", help="导出现场核查记录、考核评分表或考核结果汇总表（PDF），可加电子签名")
    exp.add_argument("kind", choices=("record", "sheet", "summary"),
                     help="record 现场核查记录；sheet 考核评分表；summary 考核结果汇总表")
    exp.add_argument("--dataset", required=True, help="年度数据文件（.wjkh）")
    exp.add_argument("--unit", help="运营单位名称（record、sheet 必填）")
    exp.add_argument("--out", required=True, help="输出的 PDF 文件")
    exp.add_argument("--sign", metavar="KEY.p12", help=f"用此密钥文件加电子签名（密码从环境变量 {PASSWORD_ENV} 读取或询问）；"
                                                       "签名的考核评分表即定稿并锁定该单位数据")
    exp.add_argument("--yes", action="store_true",
                     help="签名的考核评分表为暂定（尚有其他单位数据未定稿，排名类条款得分及等级可能变动），"
                          "或含本单位的外业副本尚未合并回来时，不再询问，仍然签名")
    exp.add_argument("--assessor", help="签名定稿记在哪位考核人员名下；省略时按证书姓名")
    exp.add_argument("--font", help="中文 TrueType 字体文件（.ttf/.ttc）；省略时自动查找")
    exp.add_argument("--date", help="现场核查日期（record）")
    exp.add_argument("--place", help="现场核查地点（record）")
    exp.add_argument("--assessors", help="参加核查的考核人员，逗号分隔（record）")
    exp.add_argument("--representative", help="运营单位代表（record）；省略时用联系人")
    add_open_anyway(exp)
    exp.set_defaults(run=command_export_pdf)

    ver = commands.add_parser("verify", help="校验 PDF 的电子签名：是否完好、签名人、时间、证书指纹")
    ver.add_argument("file", help="PDF 文件")
    ver.add_argument("--dataset", help="年度数据文件：核对证书是否为本年度登记的证书")
    ver.set_defaults(run=command_verify)

    key = commands.add_parser("make-key", help="生成签名密钥和自签名证书（受密码保护的 PKCS#12 文件）")
    key.add_argument("out", help=f"要创建的 .p12 文件（建议放在 {default_key_dir()}）；已存在时不覆盖")
    key.add_argument("--name", required=True, help="签名人姓名（写入证书）")
    key.add_argument("--organisation", default="", help="单位名称（写入证书）")
    key.set_defaults(run=command_make_key)

    imp = commands.add_parser("import-key", help="导入已有的 .p12 密钥文件（如人社局签发）到个人密钥文件夹")
    imp.add_argument("source", help=".p12 文件")
    imp.add_argument("--to", help=f"密钥文件夹；省略时为 {default_key_dir()}")
    imp.set_defaults(run=command_import_key)

    tru = commands.add_parser("trust", help="本机信任的证书：list 列出；add 文件 信任证书文件或已签名 PDF 的签名人；remove 指纹 取消信任")
    tru.add_argument("action", choices=("list", "add", "remove"), help="list 列出；add 添加；remove 取消")
    tru.add_argument("target", nargs="?", help="add：证书文件（.cer/.crt/.pem）或已签名的 PDF；remove：证书指纹")
    tru.add_argument("--yes", action="store_true", help="add 时不再询问")
    tru.set_defaults(run=command_trust)

    reo = commands.add_parser("reopen", help="解除签名定稿对运营单位数据的锁定（须填写理由，记入审计）")
    reo.add_argument("--dataset", required=True, help="年度数据文件（.wjkh）")
    reo.add_argument("--unit", required=True, help="运营单位名称")
    reo.add_argument("--reason", required=True, help="解除锁定的理由")
    reo.add_argument("--assessor", help="操作的考核人员；数据文件只有一位考核人员时可省略")
    add_open_anyway(reo)
    reo.set_defaults(run=command_reopen)
