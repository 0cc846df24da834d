"""Retrieval benchmark: paraphrased queries scored against the question bank."""
