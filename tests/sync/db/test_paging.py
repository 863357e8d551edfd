"""Cursors: a sort key round-trips; anything else is refused as invalid input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.db.paging import decode_cursor, encode_cursor
from sync.errors import InvalidInput


@given(st.integers(min_value=0, max_value=2**62), st.text(max_size=40))
def test_a_cursor_gives_back_its_key(seq: int, text: str) -> None:
    assert decode_cursor(encode_cursor([seq, text]), (int, str)) == [seq, text]


@pytest.mark.parametrize(
    "cursor", ["", "!!", "e30", encode_cursor([1]), encode_cursor(["a", 1]), encode_cursor([1.5, "a"])]
)
def test_a_cursor_of_another_shape_or_not_a_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidInput, match="cursor"):
        decode_cursor(cursor, (int, str))
