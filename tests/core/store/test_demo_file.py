"""The demo year file: made whole in the data folder the first time, then left as the user worked on it."""

from core.store.dataset import Dataset
from core.store.demo import DEMO_FILE_NAME, ensure_demo


def test_the_demo_year_is_made_once_and_then_kept(tmp_path):
    path = ensure_demo(tmp_path, "演示考核人员")
    assert path == tmp_path / DEMO_FILE_NAME and path.is_file()
    ds = Dataset.open(path)
    try:
        assert len(ds.year().units) == 13
    finally:
        ds.close()
    made = path.stat().st_mtime_ns
    assert ensure_demo(tmp_path, "另一位") == path and path.stat().st_mtime_ns == made
