"""Mock interviewer for LLM / ML engineering interviews."""

__version__ = "0.1.0"
