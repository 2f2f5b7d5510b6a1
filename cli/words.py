"""The command line's own words in Chinese: argparse writes "usage:", "options", "error:" and the
like through gettext, whose catalogue has no Chinese; these are the texts it asks for."""

from __future__ import annotations

import argparse
import re

from core.scoring.report import display_width

WORDS = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "参数",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必填的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多一个值",
    "expected at least one argument": "至少一个值",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 中须给出一个",
    "invalid %(type)s value: %(value)r": "无效的值 %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
}


def chinese(text: str) -> str:
    return WORDS.get(text, text)


def chinese_n(singular: str, plural: str, n: int) -> str:
    return chinese(singular if n == 1 else plural)


def install() -> None:
    """argparse looks its words up through these module globals at the moment it writes them."""
    argparse._ = chinese  # type: ignore[attr-defined]
    argparse.ngettext = chinese_n  # type: ignore[attr-defined]


# an example in quotes, a run of ASCII (an option, a file type), spaces, one other character: each kept whole
_TOKENS = re.compile(r'"[^"\n]{1,40}"|[!-~]+|\s+|.')
_NO_LINE_START = set("、，。；：）」』”")


def wrapped(text: str, width: int) -> list[str]:
    """`text` in lines at most `width` columns wide (a Chinese character takes two), its own line breaks
    kept; a line breaks between Chinese characters or at a space, never inside an option or a name."""
    lines = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0
        for token in _TOKENS.findall(paragraph):
            size = display_width(token)
            if line and used + size > width and not token.isspace() and token not in _NO_LINE_START:
                lines.append(line.rstrip())
                line, used = "", 0
            if not line and token.isspace():
                continue
            line, used = line + token, used + size
        lines.append(line.rstrip())
    return lines


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help, wrapped by display width (textwrap counts a Chinese character as one column and
    breaks a file type such as traineeship_list in two)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrapped(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrapped(text, width - len(indent)))


YEAR_OPTION = "year_file_option_for_"  # the dest of --dataset beside a command's positional year file


def year_file_argument(parser: argparse.ArgumentParser, dest: str, help: str, **kwargs) -> None:
    """The year file of a command that takes it as an argument of its own, taken as --dataset too, as the
    other commands take it (Parser.parse_known_args settles which was given)."""
    parser.add_argument(dest, nargs="?", help=f"{help}；也可写作 --dataset 文件", **kwargs)
    parser.add_argument("--dataset", dest=YEAR_OPTION + dest, metavar="DATASET", help=argparse.SUPPRESS)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose help is wrapped by display width (every command's, as subparsers are made
    of the same class)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        namespace, extras = super().parse_known_args(args, namespace)
        for key in [k for k in vars(namespace) if k.startswith(YEAR_OPTION)]:
            dest, option = key[len(YEAR_OPTION):], getattr(namespace, key)
            delattr(namespace, key)
            given, default = getattr(namespace, dest, None), self.get_default(dest)
            if option is not None:
                if given not in (None, default, option):
                    self.error(f"年度数据文件给了两个（{given} 和 --dataset {option}），请只给一个")
                setattr(namespace, dest, option)
            elif given is None:
                self.error("缺少年度数据文件（.wjkh）：写在命令中，或用 --dataset 文件")
        return namespace, extras
