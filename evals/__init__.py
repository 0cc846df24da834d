"""How we know it works: labelled grading sets, canned transcripts, simulated candidates, the eval runner."""
