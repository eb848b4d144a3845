"""Archivist: a static site generator for scholarly article archives."""

__version__ = "0.1.0"
