"""The DVC stages, one module each (`python -m pipeline.<stage>`), and what they share."""
