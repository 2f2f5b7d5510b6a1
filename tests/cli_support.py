"""The command line run in the test's own process: `cli.main(argv)` with its input, output, working
folder and environment as a separate process would have them, the result shaped like
`subprocess.run`'s. A few end-to-end tests still start `main.py` for real (`run_process`)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class _Output(io.TextIOWrapper):
    """A text stream with a bytes buffer beneath, like a process's stdout."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", newline="")

    def text(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


@contextlib.contextmanager
def _environment(env: dict[str, str] | None, drop: tuple[str, ...]) -> Iterator[None]:
    saved = dict(os.environ)
    try:
        for name in drop:
            os.environ.pop(name, None)
        os.environ.update(env or {})
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run(*args: str, stdin: str | None = None, cwd: Path = ROOT, env: dict[str, str] | None = None,
        drop_env: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """`python main.py ARGS` in this process: exit code, standard output and error as text."""
    import cli

    out, err = _Output(), _Output()
    code: int | str | None
    with _environment(env, drop_env), contextlib.chdir(cwd), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        saved_stdin = sys.stdin
        sys.stdin = io.StringIO(stdin or "")
        try:
            code = cli.main(list(args))
        except SystemExit as exit_:  # argparse on a wrong command line
            code = exit_.code
        finally:
            sys.stdin = saved_stdin
    if isinstance(code, str):  # sys.exit("message") prints the message and exits 1
        err.write(code + "\n")
        code = 1
    return subprocess.CompletedProcess(["main.py", *args], code or 0, out.text(), err.text())


def run_process(*args: str, stdin: str | None = None, cwd: Path = ROOT,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python main.py ARGS` as a separate process, as a user starts it."""
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", input=stdin, env={**os.environ, **(env or {})})
