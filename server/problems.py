"""RFC 9457 problem details: the one table from domain errors to problem types.

Every non-2xx response is ``application/problem+json`` with a stable ``type``.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.plugins.problem_details import ProblemDetailsConfig, ProblemDetailsException, ProblemDetailsPlugin
from litestar.types import ExceptionHandlersMap

from schemas.catalog import TemplateError, VersionExists
from sync.engine.ops import Rejection
from sync.errors import (
    AlreadyExists,
    AuthenticationFailed,
    ChecksumMismatch,
    CustodyConflict,
    DeadlineInPast,
    DomainError,
    EpochChanged,
    EvidenceRequired,
    Forbidden,
    HashMismatch,
    InvalidActionTransition,
    InvalidFilter,
    InvalidImage,
    InvalidInput,
    LoginThrottled,
    NotFound,
    OffsetMismatch,
    OutOfScope,
    Rejected,
    StorageFull,
    UnsupportedMediaType,
    UploadQuotaExceeded,
    UploadTooLarge,
    WeakPassword,
    WebhookTargetRefused,
    is_storage_full,
)
from sync.outputs.pdf import FontMissing

PREFIX = "urn:xunjian:problem:"

# problem type slug -> (status, title). docs/problems.md lists every one; tests/test_docs.py keeps it so.
PROBLEM_TYPES: dict[str, tuple[int, str]] = {
    "bad-request": (400, "The request is malformed"),
    "invalid-body": (400, "The request body or a parameter does not fit the expected shape"),
    "too-deeply-nested": (400, "The JSON body nests too deeply"),
    "unauthorized": (401, "Authentication required"),
    "forbidden": (403, "Your role may not do this"),
    "out-of-scope": (403, "Outside your assigned sites or districts"),
    "not-found": (404, "Not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "already-exists": (409, "Already exists"),
    "version-exists": (409, "This checklist version is already published with different content"),
    "epoch-changed": (409, "The server was restored from a backup; recover, then push again"),
    "sequence-gap": (409, "An op is missing before this one; resend from the expected client_seq"),
    "protocol-error": (409, "A client_seq was reused by a different op"),
    "invalid-transition": (409, "The inspection cannot move to that status from its current one"),
    "open-conflicts": (409, "Open conflicts must be resolved first"),
    "invalid-action-transition": (409, "The corrective action cannot move to that status from its current one"),
    "offset-mismatch": (409, "Upload-Offset does not match the stored offset of the upload"),
    "tus-version": (412, "This tus protocol version is not supported"),
    "body-too-large": (413, "The request body is too large"),
    "upload-too-large": (413, "The upload is larger than allowed"),
    "unsupported-media-type": (415, "This kind of evidence, media type or checksum is not accepted"),
    "range-not-satisfiable": (416, "The requested range lies outside the file"),
    "invalid-template": (422, "The checklist template is invalid"),
    "invalid-workbook": (422, "The file is not a readable checklist workbook"),
    "invalid-input": (422, "The request breaks a rule"),
    "webhook-target-refused": (422, "Webhooks may not post to this address"),
    "weak-password": (422, "The password breaks the password policy"),
    "invalid-answers": (422, "Answers do not fit the checklist version"),
    "invalid-image": (422, "The file is not an acceptable image"),
    "hash-mismatch": (422, "The uploaded bytes do not match the declared SHA-256"),
    "custody-conflict": (409, "This photo's camera original is recorded with another capture hash"),
    "deadline-in-past": (422, "The deadline is in the past"),
    "evidence-required": (422, "Verification needs evidence: a photo, or a note with a later inspection"),
    "too-many-attempts": (429, "Too many failed logins"),
    "upload-quota": (429, "Too many unfinished uploads: finish or cancel some first"),
    "checksum-mismatch": (460, "The chunk does not match its Upload-Checksum"),
    "storage-full": (507, "The server's storage is full; nothing was kept, try again later"),
    "font-missing": (503, "No CJK font to render the PDF report"),
    "internal-error": (500, "Internal server error"),
}

_BY_STATUS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "already-exists",
    413: "body-too-large",
}

_DOMAIN: list[tuple[type[Exception], str]] = [
    (StorageFull, "storage-full"),
    (FontMissing, "font-missing"),
    (EpochChanged, "epoch-changed"),
    (LoginThrottled, "too-many-attempts"),
    (AuthenticationFailed, "unauthorized"),
    (OutOfScope, "out-of-scope"),
    (Forbidden, "forbidden"),
    (NotFound, "not-found"),
    (VersionExists, "version-exists"),
    (AlreadyExists, "already-exists"),
    (TemplateError, "invalid-template"),
    (WebhookTargetRefused, "webhook-target-refused"),
    (WeakPassword, "weak-password"),
    (InvalidInput, "invalid-input"),
    (InvalidFilter, "bad-request"),
    (InvalidImage, "invalid-image"),
    (HashMismatch, "hash-mismatch"),
    (CustodyConflict, "custody-conflict"),
    (OffsetMismatch, "offset-mismatch"),
    (ChecksumMismatch, "checksum-mismatch"),
    (UploadTooLarge, "upload-too-large"),
    (UploadQuotaExceeded, "upload-quota"),
    (UnsupportedMediaType, "unsupported-media-type"),
    (InvalidActionTransition, "invalid-action-transition"),
    (DeadlineInPast, "deadline-in-past"),
    (EvidenceRequired, "evidence-required"),
]

_PARAMETERS = ("query", "path", "header", "cookie")  # where a validation error's source is a parameter
log = logging.getLogger("xunjian")


def problem(slug: str, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> ProblemDetailsException:
    """A problem of one of :data:`PROBLEM_TYPES`."""
    status, title = PROBLEM_TYPES[slug]
    return ProblemDetailsException(
        type_=PREFIX + slug, title=title, status_code=status, detail=detail, headers=headers, extra=extra or None
    )


def expand_rejection(rejection: Rejection) -> dict[str, Any]:
    """A sync rejection (problem type name, detail, pointers) as a full problem object."""
    status, title = PROBLEM_TYPES[rejection.type]
    body: dict[str, Any] = {
        "type": PREFIX + rejection.type,
        "title": title,
        "status": status,
        "detail": rejection.detail,
    }
    if rejection.errors:
        body["errors"] = rejection.errors
    return body


def _from_domain(exc: Exception) -> ProblemDetailsException:
    if isinstance(exc, Rejected):
        return problem(exc.type, exc.detail, errors=exc.errors) if exc.errors else problem(exc.type, exc.detail)
    for cls, slug in _DOMAIN:
        if isinstance(exc, cls):
            headers = None
            if isinstance(exc, LoginThrottled | StorageFull):
                headers = {"Retry-After": str(exc.retry_after)}
                return problem(slug, str(exc), headers=headers, retry_after=exc.retry_after)
            if isinstance(exc, EpochChanged):
                return problem(slug, str(exc), epoch=exc.epoch, restored_seq=exc.restored_seq, last_seq=exc.last_seq)
            if isinstance(exc, OffsetMismatch):
                return problem(slug, str(exc), headers={"Upload-Offset": str(exc.offset)}, offset=exc.offset)
            if isinstance(exc, WeakPassword):
                return problem(slug, str(exc), rule=exc.rule)
            if isinstance(exc, AuthenticationFailed):
                headers = {"WWW-Authenticate": 'Bearer realm="xunjian"'}
            return problem(slug, str(exc), headers=headers)
    raise exc


def _from_http(exc: HTTPException) -> ProblemDetailsException:
    if isinstance(exc, ValidationException):
        errors = [_pointer_error(e) for e in (exc.extra if isinstance(exc.extra, list) else [])]
        return problem("invalid-body", _validation_detail(exc, errors), errors=errors)
    slug = _BY_STATUS.get(exc.status_code, "internal-error" if exc.status_code >= 500 else "bad-request")
    title = PROBLEM_TYPES[slug][1]
    return ProblemDetailsException(
        type_=PREFIX + slug, title=title, status_code=exc.status_code, detail=exc.detail, headers=exc.headers
    )


def _pointer_error(error: Any) -> dict[str, str]:
    if not isinstance(error, dict):
        return {"pointer": _path_to_pointer(str(error)), "detail": str(error)}
    message, key = str(error.get("message", "invalid")), str(error.get("key", ""))
    source = error.get("source", "")
    if key and str(getattr(source, "value", source)) in _PARAMETERS and not message.startswith(f"{key}:"):
        message = f"{key}: {message}"  # say which parameter
    return {"pointer": _path_to_pointer(message) or ("/" + key if key and key != "body" else ""), "detail": message}


def _path_to_pointer(message: str) -> str:
    """msgspec says ``... - at `$.ops[2].value` ``; turn that path into a JSON Pointer."""
    marker = "at `$"
    if marker not in message:
        return ""
    path = message.split(marker, 1)[1].split("`", 1)[0]
    return path.replace("[", ".").replace("]", "").replace(".", "/")


def _validation_detail(exc: ValidationException, errors: list[dict[str, str]]) -> str:
    if errors:
        return "; ".join(e["detail"] for e in errors)
    return str(exc.detail)


def _internal(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if is_storage_full(exc):  # a full disk met outside a transaction (a file write): 507, not a bug
        log.warning("storage full on %s %s: %s", request.method, request.url.path, exc)
        full = StorageFull()
        status, title = PROBLEM_TYPES["storage-full"]
        body = {"type": PREFIX + "storage-full", "title": title, "status": status, "detail": str(full)}
        body["retry_after"] = full.retry_after
        headers = {"Retry-After": str(full.retry_after)}
        return Response(
            msgspec.json.encode(body), status_code=status, media_type="application/problem+json", headers=headers
        )
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    status, title = PROBLEM_TYPES["internal-error"]
    body = {
        "type": PREFIX + "internal-error",
        "title": title,
        "status": status,
        "detail": "the server failed to handle this request; nothing was changed by it",
    }
    return Response(msgspec.json.encode(body), status_code=status, media_type="application/problem+json")


def problem_plugin() -> ProblemDetailsPlugin:
    """The problem-details plugin wired with the domain table."""
    mapping: dict[type[Exception], Any] = {HTTPException: _from_http, DomainError: _from_domain}
    mapping[TemplateError] = _from_domain
    mapping[VersionExists] = _from_domain
    return ProblemDetailsPlugin(ProblemDetailsConfig(exception_to_problem_detail_map=mapping))


def fallback_handlers() -> ExceptionHandlersMap:
    """The handler for anything unexpected: a generic 500 problem, logged, no internals."""
    return {Exception: _internal}
