"""A short soak (evals/speed/soak.py): 16 users for 15 s against the real service in a subprocess on
loopback; no failed request and no memory growth beyond a generous bound."""

from __future__ import annotations

from pathlib import Path

from assistant.embedding import Embedder
from evals.questions import question_texts
from evals.speed.load import serve
from evals.speed.soak import APP, soak
from tests.live import indexed_notes

USERS = 16
SECONDS = 15
GROWTH_MB = 150


def test_sixteen_users_no_error_memory_flat(tmp_path: Path, embedder: Embedder) -> None:
    settings = indexed_notes(tmp_path / "data", embedder)
    env = {"HF_HUB_OFFLINE": "1", "ESS_DATA_DIR": str(settings.data_dir)}
    with serve(APP, env, log=tmp_path / "server.log") as server:
        result = soak(server, question_texts(), USERS, SECONDS)
    print("\n".join(result.lines()))
    assert result.errors == 0
    assert result.requests > USERS
    assert result.growth_mb < GROWTH_MB, result.lines()
