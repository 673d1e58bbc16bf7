"""Crosswalk from pre-reform ISO 3166-2:KZ alpha codes to the current numeric ones."""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING

import pandas as pd

from kzmap.geo.errors import DataError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["legacy_to_current", "load_crosswalk"]

_PATH = files("kzmap.layers") / "data" / "regions_crosswalk.csv"
_COLUMNS = ["legacy_id", "current_id", "relation", "area_share", "note"]


def load_crosswalk() -> pd.DataFrame:
    """
    Load the crosswalk between the legacy and current first-level units.

    One row per (legacy unit, current unit) pair. ``relation`` is ``"same"``
    (one legacy unit is one current unit; only the code changed), ``"split"``
    (the legacy unit was divided; this row names one of the successors) or
    ``"part"`` (the legacy unit is now only part of the current unit).
    Besides the 16 units of the ``regions_legacy`` layer it lists ``KZ-SHY``,
    Shymkent's alpha code after 2018. ``area_share`` is the share of the
    legacy unit's area (geokz 2018 frame) lying in the current unit, measured
    district by district (``"0.4382"``: 43.82 %); the shares of one legacy
    unit add up to 1 less the slivers (at most 0.12 %) lying in districts
    counted to another unit.

    Returns
    -------
    pandas.DataFrame
        A fresh frame with string columns ``legacy_id`` (e.g. ``"KZ-VOS"``),
        ``current_id`` (e.g. ``"KZ-10"``), ``relation``, ``area_share`` and
        ``note`` (``""`` where there is none), sorted by ``legacy_id`` then
        ``current_id``.

    Examples
    --------
    >>> table = load_crosswalk()
    >>> table.loc[table["legacy_id"] == "KZ-KAR", "current_id"].tolist()
    ['KZ-35', 'KZ-62']
    """
    with _PATH.open(encoding="utf-8") as f:
        frame = pd.read_csv(f, dtype=str, keep_default_na=False)
    return frame[_COLUMNS]


def legacy_to_current(codes: str | Iterable[str]) -> dict[str, tuple[str, ...]]:
    """
    Map legacy ISO 3166-2:KZ alpha codes to the current numeric codes.

    Parameters
    ----------
    codes
        One legacy code (``"KZ-ALM"``) or an iterable of them; repeats are
        fine. Codes must match exactly (upper case, with the ``KZ-`` prefix).

    Returns
    -------
    dict of str to tuple of str
        Each distinct input code mapped to its current code(s), sorted: one
        code where the unit is unchanged, several where it was split. Note
        that a split unit's data cannot be assigned to one successor without
        further information.

    Raises
    ------
    DataError
        If any code is not a legacy code of the crosswalk; all unknown codes
        are listed at once.

    Examples
    --------
    >>> legacy_to_current(["KZ-VOS", "KZ-AKM"])
    {'KZ-VOS': ('KZ-10', 'KZ-63'), 'KZ-AKM': ('KZ-11',)}
    """
    wanted = [codes] if isinstance(codes, str) else list(codes)
    table = load_crosswalk()
    successors: dict[str, list[str]] = {}
    for old, new in zip(table["legacy_id"], table["current_id"], strict=True):
        successors.setdefault(str(old), []).append(str(new))
    mapping = {old: tuple(sorted(new)) for old, new in successors.items()}
    unknown = sorted({c for c in wanted if c not in mapping})
    if unknown:
        msg = (
            f"Unknown legacy ISO 3166-2:KZ code(s) {unknown!r}. Expected one of "
            f"{', '.join(sorted(mapping))}; current numeric codes such as 'KZ-10' "
            "need no mapping."
        )
        raise DataError(msg)
    return {c: mapping[c] for c in dict.fromkeys(wanted)}
