"""Domain models and pure rules (no file access here)."""
