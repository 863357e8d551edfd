"""The Litestar app: HTTP only. Turns requests into calls on ``sync`` and ``schemas``."""
