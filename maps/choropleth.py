"""Class breaks and colours for choropleths of a numeric column (via mapclassify)."""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import mapclassify
import numpy as np
import pandas as pd

from kzmap.geo.errors import DataError, UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "NO_DATA_COLOUR",
    "SCHEMES",
    "SEQUENTIAL",
    "ChoroplethOptions",
    "Classes",
    "Scheme",
    "classify",
]

Scheme = Literal["quantiles", "equal_interval", "fisher_jenks", "user_defined"]
#: Deterministic mapclassify schemes (k-means based ones are left out: their
#: random start would break byte-identical output).
SCHEMES: tuple[Scheme, ...] = (
    "quantiles",
    "equal_interval",
    "fisher_jenks",
    "user_defined",
)
#: Sequential ramp, light to dark (ColorBrewer YlOrBr, which Paul Tol lists as
#: colour-blind safe); k classes take k evenly spaced colours from it.
SEQUENTIAL = (
    "#FFF7BC",
    "#FEE391",
    "#FEC44F",
    "#FB9A29",
    "#EC7014",
    "#CC4C02",
    "#993404",
    "#662506",
)
NO_DATA_COLOUR = "#D9D9D9"


@dataclass(frozen=True)
class ChoroplethOptions:
    """Fill polygons by classes of numeric `column` (see `classify`)."""

    column: str
    scheme: Scheme = "quantiles"
    k: int = 5
    bins: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Classes:
    """Classes of a choropleth: upper bounds, their colours and the data range."""

    column: str
    scheme: Scheme
    minimum: float
    upper_bounds: tuple[float, ...]
    colours: tuple[str, ...]
    counts: tuple[int, ...]
    missing: int

    def colour_of(self, value: object) -> str:
        """Return the fill colour of `value` (`NO_DATA_COLOUR` if not a number)."""
        number = _number(value)
        if number is None:
            return NO_DATA_COLOUR
        for bound, colour in zip(self.upper_bounds, self.colours, strict=True):
            if number <= bound:
                return colour
        return self.colours[-1]

    def labels(self) -> list[str]:
        """Return one raw label per class, ``"low – high"``."""
        lows = [self.minimum, *self.upper_bounds[:-1]]
        return [
            f"{_fmt(lo)} – {_fmt(hi)}"
            for lo, hi in zip(lows, self.upper_bounds, strict=True)
        ]


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.3g}" if abs(value) >= 1 else f"{value:.3g}"


def _ramp(k: int) -> tuple[str, ...]:
    if k == 1:
        return (SEQUENTIAL[len(SEQUENTIAL) // 2],)
    last = len(SEQUENTIAL) - 1
    return tuple(SEQUENTIAL[round(i * last / (k - 1))] for i in range(k))


def _breaks(
    values: np.ndarray, scheme: Scheme, k: int, bins: Sequence[float] | None
) -> tuple[float, ...]:
    if scheme == "user_defined":
        if not bins:
            msg = "Scheme 'user_defined' needs `bins` (ascending upper bounds)."
            raise UsageError(msg)
        return tuple(float(b) for b in bins)
    with warnings.catch_warnings():
        # FisherJenks says it runs without numba (slower, same breaks).
        warnings.filterwarnings("ignore", message="Numba not installed")
        if scheme == "quantiles":
            result = mapclassify.Quantiles(values, k=k)
        elif scheme == "equal_interval":
            result = mapclassify.EqualInterval(values, k=k)
        else:
            result = mapclassify.FisherJenks(values, k=k)
    return tuple(float(b) for b in result.bins)


def classify(
    values: pd.Series,
    *,
    column: str,
    scheme: Scheme = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
) -> Classes:
    """
    Split the numbers in `values` into at most `k` classes with colours.

    Parameters
    ----------
    values
        The column to classify; None/NaN count as "no data".
    column
        Its name, for messages and the legend title.
    scheme
        One of `SCHEMES`.
    k
        Number of classes, 1–8; lowered to the number of distinct values.
    bins
        Upper class bounds for ``scheme="user_defined"``, ascending.

    Returns
    -------
    Classes

    Raises
    ------
    DataError
        If the column is not numeric or holds no number.
    UsageError
        If `scheme` or `k` is not allowed.

    Examples
    --------
    >>> c = classify(pd.Series([1, 2, 3, 4]), column="n", k=2)
    >>> c.upper_bounds, c.labels()
    ((2.5, 4.0), ['1 – 2.5', '2.5 – 4'])
    """
    if scheme not in SCHEMES:
        msg = f"Unknown choropleth scheme {scheme!r}; use one of {', '.join(SCHEMES)}."
        raise UsageError(msg)
    if not 1 <= k <= len(SEQUENTIAL):
        msg = f"Choropleth k={k!r} is out of range; use 1 to {len(SEQUENTIAL)}."
        raise UsageError(msg)
    if not (pd.api.types.is_numeric_dtype(values) or values.isna().all()):
        msg = (
            f"Column {column!r} is not numeric (dtype {values.dtype}); a choropleth "
            "needs numbers. Convert it first or pick another column."
        )
        raise DataError(msg)
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    finite = numbers[np.isfinite(numbers)]
    if finite.empty:
        msg = f"Column {column!r} holds no finite number to classify."
        raise DataError(msg)
    array = finite.to_numpy()
    k = min(k, int(finite.nunique()))
    bounds = _breaks(array, scheme, k, bins)
    if any(b <= a for a, b in itertools.pairwise(bounds)):
        msg = f"Choropleth bins {list(bounds)!r} must be strictly ascending."
        raise UsageError(msg)
    colours = _ramp(len(bounds))
    classes = Classes(
        column=column,
        scheme=scheme,
        minimum=float(array.min()),
        upper_bounds=bounds,
        colours=colours,
        counts=(),
        missing=int(len(values) - len(finite)),
    )
    assigned = [classes.colour_of(v) for v in array]
    counts = tuple(assigned.count(c) for c in colours)
    return Classes(**{**classes.__dict__, "counts": counts})
