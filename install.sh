#!/usr/bin/env bash
# Installs ESS Assistant and everything it needs on a fresh machine (CPU only, offline models).
set -euo pipefail
cd "$(dirname "$0")"
python3 -m pip install --upgrade pip
# The CPU build of torch first, so that sentence-transformers does not pull a CUDA build.
python3 -m pip install torch==2.13.0
python3 -m pip install -e ".[dev]"
