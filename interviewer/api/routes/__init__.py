"""Routes by concern: sessions, grading, bank, health."""
