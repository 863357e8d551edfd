"""Domain exceptions raised by ``sync``; ``server.problems`` maps each to a problem type."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error ``sync`` raises on purpose."""


class NotFound(DomainError):
    """No such thing, or not in the caller's organisation."""


class Forbidden(DomainError):
    """The caller's role may not do this."""


class OutOfScope(DomainError):
    """The thing exists, but outside the caller's assigned sites or districts."""


class AuthenticationFailed(DomainError):
    """Missing, unknown or revoked token, or wrong username or password."""


class LoginThrottled(DomainError):
    """Too many failed logins for this username; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after} s")
        self.retry_after = retry_after


class AlreadyExists(DomainError):
    """A unique name or id is taken."""


class InvalidInput(DomainError):
    """Input that decodes but breaks a rule (an unknown district, a wrong role for an assignment)."""
