"""The knowledge layer: corpus parsing, the question bank, and hybrid retrieval."""
