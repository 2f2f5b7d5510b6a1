"""Where the program keeps a user's own files (keys, trusted certificates, imported rule sets, caches):
in the user's profile, never in a year's dataset nor beside the program, so an update or an uninstall
leaves them."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

APP_DIR_NAME = "leye-wujiang"


def profile_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """The user's own settings folder for this program (outside any dataset)."""
    if sys.platform == "win32":
        base = environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(base) / "LeyeWujiang"
    base = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / APP_DIR_NAME


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path:
    if sys.platform == "win32":
        base = environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "LeyeWujiang" / "cache"
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / APP_DIR_NAME
