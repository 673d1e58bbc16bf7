"""Geocoded points whose location is only a district, region or country."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzmap.maps.escape import safe_text
from kzmap.maps.i18n import message

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

__all__ = ["APPROXIMATE", "LOCATION_FIELD", "approximate_mask", "with_location_note"]

#: ``geocode_precision`` values drawn as approximate (dashed rings).
APPROXIMATE = ("district", "region", "country")
#: Popup column added to geocoded frames.
LOCATION_FIELD = "geocode_location"
_PRECISION = "geocode_precision"


def approximate_mask(rows: pd.DataFrame) -> NDArray[np.bool_] | None:
    """Return which rows are approximate, or None if `rows` is not geocoded."""
    if _PRECISION not in rows.columns:
        return None
    return rows[_PRECISION].isin(APPROXIMATE).to_numpy()


def with_location_note(
    rows: pd.DataFrame, fields: list[tuple[str, str]], lang: str
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Add the popup line saying a point is approximate, and its field."""
    notes = {p: message(f"geocode.{p}", lang) for p in APPROXIMATE}
    text = rows[_PRECISION].map(notes).where(rows[_PRECISION].isin(APPROXIMATE))
    rows = rows.assign(**{LOCATION_FIELD: text.fillna("")})
    label = safe_text(message("geocode.location", lang))
    return rows, [*fields, (LOCATION_FIELD, label)]
