"""How a typed search is compared with names and ID numbers: both sides NFKC-normalised (full-width digits and
letters typed by a Chinese input method are their ASCII selves), case-folded and without white space."""

from __future__ import annotations

import functools
import unicodedata


@functools.lru_cache(maxsize=65536)  # the same names and numbers are compared at every key typed
def search_key(text: str) -> str:
    """The text as searches compare it: ３２０５ is 3205, ｘ is X, “张 三” is 张三."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def found_in(typed: str, *texts: str) -> bool:
    """Whether the typed search (as typed) is part of one of the texts; an empty search finds everything."""
    key = search_key(typed)
    return not key or any(key in search_key(text) for text in texts)
