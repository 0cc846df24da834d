"""Fixtures shared by the store tests: every backend (SQLite; PostgreSQL when configured) and an interview."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from interviewer.session.interview import Interview
from tests.fakes.interview import BACKENDS, KeywordGrader, make_bank, store_opener


@pytest.fixture(params=BACKENDS)
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    with store_opener(request.param, tmp_path) as open_store_:
        yield open_store_


@pytest.fixture
def interview() -> Interview:
    return Interview(make_bank(), KeywordGrader())
