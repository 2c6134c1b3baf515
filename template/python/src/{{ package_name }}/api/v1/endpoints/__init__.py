"""Endpoint modules, one per resource."""
