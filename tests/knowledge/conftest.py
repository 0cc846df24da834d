from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.index import KnowledgeIndex
from knowledge.store import ChromaStore


@pytest.fixture
def small_index(tmp_path: Path, e5) -> KnowledgeIndex:
    store = ChromaStore("test", path=tmp_path / "chroma")
    return KnowledgeIndex(tmp_path / "index", e5, store)
