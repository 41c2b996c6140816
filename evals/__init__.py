"""Evaluation: the question set, pure metrics, and the runner that measures answers against it."""
