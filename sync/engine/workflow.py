"""The inspection workflow: draft → submitted → returned ↔ submitted → approved / rejected.

Inspectors submit (only complete answers) and delete drafts; supervisors and
admins return with comments pinned to items, approve (never with open
conflicts) and reject with a reason.
"""

from __future__ import annotations

from schemas.answers import check_answers
from sync.engine.document import CommentState
from sync.engine.merge import Context
from sync.engine.ops import Transition
from sync.errors import Rejected

INSPECTOR_MOVES = {("draft", "submitted"), ("returned", "submitted")}
REVIEW_MOVES = {("submitted", "returned"), ("submitted", "approved"), ("submitted", "rejected")}
DELETABLE = {"draft", "returned"}
EDITABLE = {"draft", "submitted", "returned"}


def check_transition(status: str, op: Transition, ctx: Context, open_conflicts: int) -> None:
    """Raise :class:`Rejected` unless the caller may move the inspection from ``status`` to ``op.to``."""
    move = (status, op.to)
    if move in INSPECTOR_MOVES:
        if ctx.role not in ("inspector", "admin"):
            raise Rejected("forbidden", f"only the inspector submits; you are {ctx.role}")
        return
    if move not in REVIEW_MOVES:
        raise Rejected("invalid-transition", f"an inspection cannot move from {status} to {op.to}")
    if ctx.role not in ("supervisor", "admin"):
        raise Rejected("forbidden", f"only a supervisor may mark an inspection {op.to}; you are {ctx.role}")
    if op.to == "approved" and open_conflicts:
        raise Rejected("open-conflicts", f"resolve the {open_conflicts} open conflict(s) before approving")
    if op.to == "returned" and not (op.comments or op.reason.strip()):
        raise Rejected("invalid-input", "say what to correct: add a comment on an item or a reason")
    if op.to == "rejected" and not op.reason.strip():
        raise Rejected("invalid-input", "give a reason for rejecting the inspection")


def apply_transition(
    status: str, op: Transition, ctx: Context, open_conflicts: int, doc_comments: list[CommentState]
) -> str:
    """Check and perform a transition; returns the new status. Submitting needs complete answers."""
    if status == op.to:
        return status
    check_transition(status, op, ctx, open_conflicts)
    if op.to == "submitted":
        return "submitted"
    for i, comment in enumerate(op.comments):
        doc_comments.append(CommentState(f"{ctx.op_id}:{i}", comment.path, comment.text, ctx.user_id, ctx.now, ctx.seq))
    if op.reason.strip():
        doc_comments.append(CommentState(f"{ctx.op_id}:reason", "", op.reason, ctx.user_id, ctx.now, ctx.seq))
    return op.to


def check_complete(ctx: Context, doc_answers: dict[str, object]) -> None:
    """Raise :class:`Rejected` listing every missing or invalid answer.

    The plain answers are checked at once when they all fit (``TemplateIndex.fits_plain``, in C);
    the others, and all of them when one does not fit, one by one.
    """
    plain = {key: value for key, value in doc_answers.items() if key in ctx.index.plain}
    known_valid = plain.keys() if ctx.index.fits_plain(plain) else ()
    errors = check_answers(ctx.template, doc_answers, complete=True, known_valid=known_valid, items=ctx.index.items)
    if errors:
        raise Rejected(
            "invalid-answers",
            f"{len(errors)} answer(s) missing or invalid; the inspection stays a draft",
            [{"pointer": e.pointer, "detail": e.detail} for e in errors],
        )
