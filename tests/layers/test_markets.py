from __future__ import annotations

import pytest

import kzmap.layers
from kzmap.layers import MARKETS, is_market


def test_markets_are_the_fifteen_gi_toc_markets() -> None:
    assert len(MARKETS) == 15
    assert len(set(MARKETS)) == 15
    assert all(m == m.lower().strip() for m in MARKETS)
    assert MARKETS[0] == "human trafficking"
    assert "non-renewable resource crimes" in MARKETS
    assert "fuel smuggling" not in MARKETS


def test_markets_is_exported_and_immutable() -> None:
    assert "MARKETS" in kzmap.layers.__all__
    assert isinstance(MARKETS, tuple)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("cannabis trade", True),
        ("Cannabis trade", False),
        ("cannabis", False),
        (None, False),
        (float("nan"), False),
    ],
)
def test_is_market(value: object, expected: bool) -> None:
    assert is_market(value) is expected
