"""A test's own user profile: every variable the program finds the user's folders by (core/common/places.py:
XDG_CONFIG_HOME and XDG_CACHE_HOME on Linux, APPDATA and LOCALAPPDATA on Windows) pointed into a folder of the
test's, so that no test reads or writes a real user's profile, on any OS."""

from __future__ import annotations

from pathlib import Path

import pytest


def profile_environ(folder: Path) -> dict[str, str]:
    """The variables that put the user's settings folder (imported rule sets, keys, trusted certificates) in
    `folder`: for a command started by the test, or a core function given its environment."""
    return {"XDG_CONFIG_HOME": str(folder), "APPDATA": str(folder)}


def cache_environ(folder: Path) -> dict[str, str]:
    """The variables that put the user's cache folder in `folder`."""
    return {"XDG_CACHE_HOME": str(folder), "LOCALAPPDATA": str(folder)}


def use_profile(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Path:
    """The user's settings folder is `folder` for the rest of the test; returns it."""
    for name, value in profile_environ(folder).items():
        monkeypatch.setenv(name, value)
    return folder
