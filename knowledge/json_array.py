"""Read a JSON array one entry at a time: the index files are arrays of 10⁵ objects at 100× the seed
notes, and building the whole list of dicts first would double a loading process's peak memory."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

_DECODER = json.JSONDecoder()
_BETWEEN = " \t\r\n,"


def entries(text: str, what: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Each object of the JSON array `text` with its own JSON text; ValueError naming `what` otherwise."""
    n = len(text)
    i = n - len(text.lstrip())
    if i >= n or text[i] != "[":
        raise ValueError(f"{what}: expected a JSON array")
    i += 1
    while True:
        while i < n and text[i] in _BETWEEN:
            i += 1
        if i >= n:
            raise ValueError(f"{what}: the JSON array is not closed")
        if text[i] == "]":
            return
        start = i
        obj, i = _DECODER.raw_decode(text, i)
        if not isinstance(obj, dict):
            raise ValueError(f"{what}: every entry must be an object")
        yield obj, text[start:i]


def interner() -> Callable[[T], T]:
    """A function returning one shared copy of each equal value it is given: the entries of an index file
    repeat the same item ids, sources and topic lists thousands of times."""
    seen: dict[Any, Any] = {}
    return lambda value: seen.setdefault(value, value)
