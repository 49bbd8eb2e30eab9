"""actorspec's report generator (Python 3 standard library only)."""
