"""Entry point: wires the command line and (later) the desktop together."""

import sys

from core import cli


def main(argv: list[str]) -> int:
    if not argv:
        # The desktop is not built yet; on its own the program shows the demo year's results.
        return cli.main(["score"])
    return cli.main(argv)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stdout = None
        sys.exit(0)
