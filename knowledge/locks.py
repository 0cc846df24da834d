"""An exclusive advisory file lock that refuses at once instead of waiting (released by the OS if the
process dies): one ingest per index, one change per knowledge base."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from knowledge.errors import Conflict


@contextlib.contextmanager
def exclusive(path: Path, busy: str) -> Iterator[None]:
    """Hold a lock on `path` for the block; raise Conflict(`busy`) if another process holds it."""
    import fcntl

    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Conflict(busy) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
