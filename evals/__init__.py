"""Evaluation of answer quality: the question set, pure metrics, and the runner that measures
answers against it. Speed, load and scale measures live apart in `evals.speed`."""
