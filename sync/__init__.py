"""The merge engine, its SQLite store, accounts and scope, evidence. No HTTP.

Imports ``schemas``; never imports ``server`` or Litestar.
"""
