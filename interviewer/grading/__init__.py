"""Grading: one rubric, an offline (embedder) grader and an LLM grader that falls back to it."""
