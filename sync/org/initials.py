"""Pinyin initials of site names and addresses, so a phone finds 联华超市 by typing "lhcs".

Computed on the server with pypinyin and shipped with the site list: the phone then carries no
table of Chinese characters (a full initials table is tens of kilobytes; a site's initials are a
few bytes). Letters and digits in the text are kept as they are, lower-cased; a polyphonic
character takes its most common reading.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def pinyin_initials(text: str) -> str:
    """Each character's first pinyin letter, and the text's own letters and digits.

    Args:
        text: a site's name or address, e.g. 联华超市(解放路店).

    Returns:
        The initials in lower case, e.g. ``lhcsjfld``.
    """
    # imported when first needed: its dictionaries take a second or more to load, not at server start
    from pypinyin import Style, lazy_pinyin  # noqa: PLC0415

    parts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default", strict=False)
    return "".join(c for c in "".join(parts).lower() if c.isascii() and c.isalnum())
