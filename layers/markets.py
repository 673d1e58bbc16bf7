"""The criminal-market vocabulary shared by every curated layer and map palette."""

from __future__ import annotations

__all__ = ["MARKETS", "is_market"]

#: The fifteen criminal markets scored by the Global Initiative Against
#: Transnational Organized Crime (GI-TOC) in its Global Organized Crime Index
#: (2023 and 2025 editions), spelled as the Index spells them, in the Index's
#: order (people, trade, environment, drugs, cyber, financial).
#:
#: Every ``market`` value in a packaged layer is one of these strings or null.
#: Null is used only where no Index market fits a sourced flow (for example
#: smuggled genuine medicines, which the sources do not call counterfeit); the
#: layer's ``commodity`` field then says what moved. Fuel smuggling belongs to
#: "non-renewable resource crimes", as in the Index (the Kazakhstan summary
#: discusses it with extractive crime under "Environment"). Mafia-style groups
#: are an Index *actor* type, not a market: layers file their activity under the
#: market it serves (usually "extortion and protection racketeering").
#:
#: Map palettes key on this tuple, so its order is stable: append, never reorder.
MARKETS: tuple[str, ...] = (
    "human trafficking",
    "human smuggling",
    "extortion and protection racketeering",
    "arms trafficking",
    "trade in counterfeit goods",
    "illicit trade in excisable goods",
    "flora crimes",
    "fauna crimes",
    "non-renewable resource crimes",
    "heroin trade",
    "cocaine trade",
    "cannabis trade",
    "synthetic drug trade",
    "cyber-dependent crimes",
    "financial crimes",
)


def is_market(value: object) -> bool:
    """
    Tell whether `value` is one of the `MARKETS` names (exact, case-sensitive).

    Parameters
    ----------
    value
        Any object; only a `str` equal to a `MARKETS` entry counts. None and
        NaN return False.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_market("cannabis trade"), is_market("Cannabis"), is_market(None)
    (True, False, False)
    """
    return isinstance(value, str) and value in MARKETS
