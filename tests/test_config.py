"""Settings read from the environment as the README documents them."""

from pathlib import Path

import pytest

from assistant.config import Settings


@pytest.mark.parametrize("value", ["notes:../shared/corpus", '["notes", "../shared/corpus"]'])
def test_corpus_folders_from_the_environment(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("ESS_CORPUS_DIRS", value)
    assert Settings().corpus_dirs == [Path("notes"), Path("../shared/corpus")]
