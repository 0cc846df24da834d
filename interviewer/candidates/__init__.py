"""Candidates over time: the graded answers of their sessions, progress per topic and item, and reviews.

Pure functions on pydantic objects and the attempts a store returns; no FastAPI, no SQL.
"""
