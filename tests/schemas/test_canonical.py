"""Canonical JSON: the fast path through ``json``'s C encoder writes exactly what the rules do."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.canonical import _canonical, canonical_json

NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([-18.0, 0.0, -0.0, 1e-7, 1.5e21, 1e21, 123456789012345680000.0, 0.1, -12.5, 5e-324]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.text())
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
        st.tuples(inner, inner),
    ),
    max_leaves=30,
)


@settings(max_examples=600, deadline=None)
@given(VALUES)
def test_the_fast_path_writes_what_the_rules_write(value: Any) -> None:
    assert canonical_json(value) == _canonical(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": -18.0, "a": [1e-7, 2.5, "冷柜"]}, '{"a":[1e-7,2.5,"冷柜"],"b":-18}'),
        ({"z": {"y": True, "x": None}, "\n": "\u0001"}, '{"\\n":"\\u0001","z":{"x":null,"y":true}}'),
        ([0.0, -0.0, 1e21, 1.5], "[0,0,1e+21,1.5]"),
    ],
)
def test_numbers_keys_and_strings_are_written_as_javascript_writes_them(value: Any, text: str) -> None:
    assert canonical_json(value) == text


def test_nan_and_infinity_have_no_json_form_on_either_path() -> None:
    for bad in (math.nan, math.inf, {"a": [-math.inf]}):
        with pytest.raises(ValueError, match="NaN and infinity"):
            canonical_json(bad)
