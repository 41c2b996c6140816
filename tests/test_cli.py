import json
import subprocess
import sys
from pathlib import Path

from assistant.config import Settings
from tests.fixtures import ANSWER_KEYS


def _cli(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"ESS_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_ask_json_prints_the_api_shape(indexed: tuple[Settings, object]) -> None:
    out = _cli(["ask", "Qu'est-ce que l'utilité sociale ?", "--json"], indexed[0].data_dir)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert set(body) == ANSWER_KEYS
    assert body["llm_shown"] is False and body["llm_rejected"] is None  # no LLM configured


def test_error_is_one_french_line_without_traceback(tmp_path: Path) -> None:
    out = _cli(["ask", "Qu'est-ce qu'une SCIC ?"], tmp_path)
    assert out.returncode == 1
    assert out.stderr.strip() == "Erreur : index vide : lancez `ess-assistant ingest`"
    assert "Traceback" not in out.stderr


def test_a_follow_up_is_read_with_the_earlier_questions(indexed: tuple[Settings, object]) -> None:
    # "et pour une région ?" alone asks nothing; after a question on SCICs it asks about them.
    out = _cli(
        ["ask", "et pour une région ?", "--apres", "Comment créer une SCIC avec ma commune ?"],
        indexed[0].data_dir,
    )
    assert out.returncode == 0, out.stderr
    first = out.stdout.splitlines()[0]
    assert first == "Question comprise : Comment créer une SCIC avec une région ?"
    assert "SCIC" in out.stdout.split("Sources :")[0]
