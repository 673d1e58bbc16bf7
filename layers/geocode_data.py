"""The packaged gazetteer: loader and name index for the offline geocoder."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

import pandas as pd

from kzmap.layers.geocode_text import loose_key, split_qualifier

if TYPE_CHECKING:
    import numpy as np

__all__ = ["GazetteerIndex", "gazetteer_index", "load_gazetteer"]

_FILE = "gazetteer.csv"
_TEXT = ("id", "name", "kind", "precision", "country", "region_id", "names",
         "source", "source_url", "date", "confidence")  # fmt: skip
_DTYPES: dict[str, str] = {
    **dict.fromkeys(_TEXT, "str"), "lon": "float64", "lat": "float64",
    "population": "Int64",
}  # fmt: skip


def load_gazetteer() -> pd.DataFrame:
    """
    Load the packaged gazetteer, one row per place.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``name`` (English), ``kind`` (``town``, ``crossing``,
        ``district``, ``region``, ``city`` for a region-level city,
        ``country``), ``precision`` (``point`` ... ``country``), ``country``
        (ISO 3166-1 alpha-2), ``region_id`` (ISO 3166-2, Kazakhstan only,
        else missing), ``lon``/``lat`` (EPSG:4326; a unit's representative
        point), ``population``, ``names`` (every spelling, ``|``-separated)
        and the provenance columns ``source``, ``source_url``, ``date``,
        ``confidence``.

    Examples
    --------
    >>> table = load_gazetteer()
    >>> table.set_index("id").loc["city-shymkent", "country"]
    'KZ'
    """
    with (files("kzmap.layers") / "data" / _FILE).open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=_DTYPES, keep_default_na=False, na_values={
            "region_id": [""], "population": [""], "source_url": [""]
        })  # fmt: skip


@dataclass(frozen=True)
class GazetteerIndex:
    """
    The gazetteer with its names indexed by exact and loose key.

    Attributes
    ----------
    table
        `load_gazetteer()`.
    exact
        Match key -> row positions in `table`.
    loose
        Loose key -> row positions.
    loose_keys
        The loose keys as a list, for fuzzy search.
    qualified
        (key, row) -> the qualifier kinds of the row's names with that key,
        None for a name without one (``"Almaty"`` None, ``"Almaty region"``
        ``"region"``).
    lon, lat
        The table's coordinates as arrays (EPSG:4326).
    id, name, kind, precision, country, region_id, population
        The table's columns as tuples (missing region: None; population: 0),
        for fast lookups one row at a time.
    """

    table: pd.DataFrame
    exact: dict[str, tuple[int, ...]]
    loose: dict[str, tuple[int, ...]]
    loose_keys: list[str]
    qualified: dict[tuple[str, int], frozenset[str | None]]
    lon: np.ndarray
    lat: np.ndarray
    id: tuple[str, ...]
    name: tuple[str, ...]
    kind: tuple[str, ...]
    precision: tuple[str, ...]
    country: tuple[str, ...]
    region_id: tuple[str | None, ...]
    population: tuple[int, ...]


def _add(index: dict[str, list[int]], key: str, row: int) -> None:
    rows = index.setdefault(key, [])
    if row not in rows:
        rows.append(row)


@lru_cache(maxsize=1)
def gazetteer_index() -> GazetteerIndex:
    """Return the packaged gazetteer indexed by name (built once, then cached)."""
    table = load_gazetteer()
    exact: dict[str, list[int]] = {}
    loose: dict[str, list[int]] = {}
    qualified: dict[tuple[str, int], set[str | None]] = {}
    for row, names in enumerate(table["names"]):
        for name in names.split("|"):
            key, qualifier = split_qualifier(name)
            if key:
                qualified.setdefault((key, row), set()).add(qualifier)
                _add(exact, key, row)
                _add(loose, loose_key(key), row)
    return GazetteerIndex(
        table=table,
        exact={k: tuple(v) for k, v in exact.items()},
        loose={k: tuple(v) for k, v in loose.items()},
        loose_keys=list(loose),
        qualified={k: frozenset(v) for k, v in qualified.items()},
        lon=table["lon"].to_numpy(dtype=float),
        lat=table["lat"].to_numpy(dtype=float),
        **{c: _strings(table[c]) for c in ("id", "name", "kind", "precision")},
        country=_strings(table["country"]),
        region_id=tuple(None if pd.isna(v) else str(v) for v in table["region_id"]),
        population=tuple(int(v) for v in table["population"].fillna(0)),
    )


def _strings(column: pd.Series) -> tuple[str, ...]:
    return tuple(str(v) for v in column)
