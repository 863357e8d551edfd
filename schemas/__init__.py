"""Checklist templates: model, catalog, JSON Schema output and answer checks.

Pure code: no HTTP, no SQL. Imported by ``sync`` and ``server``, never the reverse.
"""
