"""Domain exceptions raised by ``sync``; ``server.problems`` maps each to a problem type."""

from __future__ import annotations

import errno
import sqlite3

STORAGE_RETRY_S = 300  # how long a device waits before it tries a write again on a full disk


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


class InvalidFilter(DomainError):
    """Query filters that are each well-formed but do not fit together (a minimum above the maximum)."""


class InvalidInput(DomainError):
    """Input that decodes but breaks a rule (an unknown district, a wrong role for an assignment)."""


class Rejected(DomainError):
    """One op refused inside a push: a problem type name, a detail and JSON Pointer errors.

    The push goes on with the next op; the device keeps the op and shows why.
    """

    def __init__(self, type_: str, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.type = type_
        self.detail = detail
        self.errors = errors or []


class EpochChanged(DomainError):
    """A push sent with an epoch the database no longer carries: it was restored from a backup since.

    Nothing was applied. ``epoch`` is the new one, ``restored_seq`` the backup's op-log mark and
    ``last_seq`` the last ``client_seq`` the server holds for the client: the device re-sends from there.
    """

    def __init__(self, epoch: str, restored_seq: int, last_seq: int) -> None:
        super().__init__(
            f"the server was restored from a backup (epoch {epoch}); it holds this device's ops up to"
            f" client_seq {last_seq}: pull again from 0, re-send from client_seq {last_seq + 1} and re-offer"
            f" inspections changed after seq {restored_seq}"
        )
        self.epoch, self.restored_seq, self.last_seq = epoch, restored_seq, last_seq


class InvalidImage(DomainError):
    """Evidence that is not a whole, safe image of an accepted format; the message says what is wrong."""


class HashMismatch(DomainError):
    """The uploaded bytes do not hash to the declared SHA-256; nothing was stored."""


class CustodyConflict(DomainError):
    """A photo's chain of custody is recorded with another capture hash; custody, once declared, never changes."""


class OffsetMismatch(DomainError):
    """A chunk sent at another offset than the upload's stored one; ``offset`` is where to resume."""

    def __init__(self, offset: int, sent: int) -> None:
        super().__init__(f"Upload-Offset {sent} does not match the stored offset {offset}; resume from {offset}")
        self.offset = offset


class ChecksumMismatch(DomainError):
    """A chunk whose bytes do not match its Upload-Checksum; the chunk was discarded."""


class UploadTooLarge(DomainError):
    """An upload, or a chunk of one, larger than allowed."""


class UploadQuotaExceeded(DomainError):
    """A user's unfinished uploads already reach their count or declared bytes (settings)."""


class UnsupportedMediaType(DomainError):
    """A kind of evidence, media type or checksum algorithm that is not accepted."""


class InvalidActionTransition(DomainError):
    """A corrective action asked to move where its status does not allow (or its finding was withdrawn)."""


class DeadlineInPast(DomainError):
    """A corrective-action deadline before today."""


class EvidenceRequired(DomainError):
    """A manual verification with no evidence: a photo, or a note with a later inspection, is needed."""


class WebhookTargetRefused(InvalidInput):
    """A webhook URL or address that may not be posted to (internal, metadata, userinfo, control characters)."""


class WeakPassword(InvalidInput):
    """A new password that breaks the policy; ``rule`` names which (``length``, ``username``, ``common``)."""

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(detail)
        self.rule = rule


class StorageFull(DomainError):
    """The data folder's disk (or quota) is full: nothing of the write was kept; try again after ``retry_after``."""

    def __init__(self, detail: str = "the server's storage is full", retry_after: int = STORAGE_RETRY_S) -> None:
        super().__init__(f"{detail}; nothing of this request was kept, try again in {retry_after} s")
        self.retry_after = retry_after


def is_storage_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk is full: SQLite's SQLITE_FULL, or ENOSPC/EDQUOT from a file write."""
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
