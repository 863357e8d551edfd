"""The password policy for new and changed passwords: length, not the username, not a common password.

The common passwords are the 20,000 of Royce Williams's list as Django ships it
(``common-passwords.txt.gz`` beside this module; source and licence in
``common-passwords.LICENSE``), read once when this module is imported. Every rule's refusal
says which rule failed, in Chinese and English (:class:`sync.errors.WeakPassword`).
"""

from __future__ import annotations

import gzip
from pathlib import Path

from sync.errors import WeakPassword

MIN_LENGTH = 10
LIST_PATH = Path(__file__).with_name("common-passwords.txt.gz")


def _load(path: Path) -> frozenset[str]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


COMMON = _load(LIST_PATH)


def check_new_password(username: str, password: str) -> None:
    """Refuse a new password that breaks a rule (:class:`WeakPassword`, naming the rule); return otherwise."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(
            "length", f"密码至少需要 {MIN_LENGTH} 个字符 / the password must have at least {MIN_LENGTH} characters"
        )
    if username and username.casefold() in password.casefold():
        raise WeakPassword("username", "密码不能包含用户名 / the password must not contain the username")
    if password.casefold() in COMMON or password.strip().lower() in COMMON:
        raise WeakPassword(
            "common", "这是常见密码, 容易被猜到 / this is a common password, easily guessed: choose another"
        )
