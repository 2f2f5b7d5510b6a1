"""The parse cache of TOML texts (core/common/tomlcache.py): the same data as tomllib, from a file named
by the text's hash; a damaged or unwritable cache only costs a parse."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from core.common import tomlcache
from core.common.messages import MESSAGES_DIR
from core.scoring.rules import DEFAULT_RULE_SET

TEXT = """
title = "细则"
issued = 2022-09-01
at = 2022-09-01T08:30:00+08:00
local = 2022-09-01T08:30:00
clock = 07:32:00
share = 0.1
counts = [1, 2, 3]
[[clauses]]
id = "1.1"
dates = [2022-01-01, 2022-12-31]
"""


@pytest.fixture
def folder(tmp_path):
    tomlcache.set_folder(tmp_path / "parsed")
    yield tmp_path / "parsed"
    tomlcache.set_folder(None)


def test_the_cache_gives_back_exactly_what_tomllib_parses(folder, monkeypatch):
    expected = tomllib.loads(TEXT)
    assert tomlcache.loads(TEXT) == expected  # parsed, then stored
    [entry] = folder.iterdir()
    monkeypatch.setattr(tomllib, "loads", lambda text: pytest.fail("parsed again instead of read from the cache"))
    again = tomlcache.loads(TEXT)
    assert again == expected
    assert type(again["issued"]) is dt.date and type(again["at"]) is dt.datetime and type(again["clock"]) is dt.time
    assert again["at"].utcoffset() == dt.timedelta(hours=8) and again["local"].tzinfo is None


def test_the_real_files_round_trip(folder):
    for path in (DEFAULT_RULE_SET, MESSAGES_DIR / "zh_CN.toml"):
        text = path.read_text(encoding="utf-8")
        assert tomlcache.loads(text) == tomllib.loads(text)
        assert tomlcache.loads(text) == tomllib.loads(text)  # from the cache
    assert len(list(folder.iterdir())) == 2


def test_an_edited_text_is_never_served_stale(folder):
    assert tomlcache.loads('a = 1') == {"a": 1}
    assert tomlcache.loads('a = 2') == {"a": 2}


def test_a_damaged_entry_is_parsed_again_and_rewritten(folder):
    tomlcache.loads(TEXT)
    [entry] = folder.iterdir()
    for damage in (b"", b"\x00garbage", entry.read_bytes()[:20]):
        entry.write_bytes(damage)
        assert tomlcache.loads(TEXT) == tomllib.loads(TEXT)
    assert tomlcache.loads(TEXT) == tomllib.loads(TEXT)


def test_bad_toml_still_raises_and_leaves_nothing(folder):
    with pytest.raises(tomllib.TOMLDecodeError):
        tomlcache.loads("a = ")
    assert not folder.exists() or not list(folder.iterdir())


def test_an_unwritable_cache_only_costs_the_parse(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    tomlcache.set_folder(blocker / "parsed")
    try:
        assert tomlcache.loads(TEXT) == tomllib.loads(TEXT)
    finally:
        tomlcache.set_folder(None)


def test_without_a_folder_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tomlcache.set_folder(None)
    assert tomlcache.loads(TEXT) == tomllib.loads(TEXT)
    assert list(tmp_path.iterdir()) == []
