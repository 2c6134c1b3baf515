"""Operational scripts: `uv run python -m scripts.<name>`."""
