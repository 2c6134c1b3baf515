"""The application package. docs/ARCHITECTURE.md describes its layers."""

__version__ = "0.1.0"
