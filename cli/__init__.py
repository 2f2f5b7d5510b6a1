"""The command line, a face of core/ beside the desktop's ui/: `python main.py COMMAND …` lands in `main`."""

from cli.commands import COMMANDS, main

__all__ = ["COMMANDS", "main"]
