"""Offline geocoding of place names against the packaged gazetteer."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kzmap.geo.errors import DataError, UsageError
from kzmap.layers.geocode_data import GazetteerIndex, gazetteer_index
from kzmap.layers.geocode_text import PRECISIONS, loose_key, split_qualifier

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["GEOCODE_COLUMNS", "geocode", "geocode_summary"]

#: Columns `geocode` adds (or overwrites).
GEOCODE_COLUMNS = (
    "lon", "lat", "geocode_match", "geocode_precision", "geocode_score",
    "geocode_status", "geocode_id",
)  # fmt: skip
_RANK = {p: i for i, p in enumerate(PRECISIONS)}
# A qualifier word ("district", "область", "КПП") picks these kinds first.
_KINDS_FOR = {
    "region": ("region", "city"),
    "district": ("district",),
    "town": ("town", "city"),
    "point": ("crossing",),
}
_SAME_PLACE_KM = 5.0
_NEAR_KM = 30.0
_SPLIT = re.compile(r"[,;]")


@dataclass(frozen=True)
class _Answer:
    status: str  # matched | ambiguous | unmatched | invalid
    match: str
    row: int = -1
    precision: str | None = None
    score: float = math.nan


def _km(index: GazetteerIndex, a: int, b: int) -> float:
    """Great-circle distance between two gazetteer rows, in km (haversine)."""
    lon1, lat1, lon2, lat2 = map(
        math.radians, (index.lon[a], index.lat[a], index.lon[b], index.lat[b])
    )
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _primary(name: str) -> str:
    return loose_key(split_qualifier(name)[0])


def _covers(index: GazetteerIndex, fine: int, coarse: int) -> bool:
    """Whether candidate `coarse` should give way to the same-named `fine`.

    A region, district or country gives way to a place inside it with the
    same main name (the unit is named after its town); a crossing gives way
    to the town it is named after.
    """
    kind = index.kind[coarse]
    if kind == "crossing":
        return bool(index.kind[fine] == "town") and (
            _km(index, fine, coarse) <= _NEAR_KM
        )
    if _RANK[index.precision[fine]] >= _RANK[index.precision[coarse]]:
        return False
    if _primary(index.name[fine]) != _primary(index.name[coarse]):
        return False  # Taraz was once Zhambyl; Zhambyl region is not named after it
    if kind in ("region", "city"):
        return bool(index.region_id[fine] == index.id[coarse])
    if kind == "district":
        same = index.region_id[fine] == index.region_id[coarse]
        return bool(same) and _km(index, fine, coarse) <= _NEAR_KM
    return kind == "country" and bool(index.country[fine] == index.id[coarse])


def _drop_nested(index: GazetteerIndex, rows: list[int]) -> list[int]:
    return [c for c in rows if not any(_covers(index, f, c) for f in rows if f != c)]


def _best(index: GazetteerIndex, rows: list[int]) -> int:
    return min(
        rows,
        key=lambda r: (
            str(index.id[r]).startswith("gn-"),
            _RANK[index.precision[r]],
            -index.population[r],
        ),
    )


_UNIT_KINDS = frozenset({"district", "region", "country"})


def _describe(index: GazetteerIndex, row: int) -> str:
    where = index.region_id[row]
    where = index.country[row] if where is None else where
    return f"{index.name[row]} ({index.kind[row]}, {where}, {index.id[row]})"


def _resolve(
    index: GazetteerIndex, rows: list[int], hint: str | None, score: float
) -> _Answer:
    """Pick one place among same-named candidates, or report them as ambiguous."""
    kinds = index.kind
    if hint is not None:
        preferred = [r for r in rows if kinds[r] in _KINDS_FOR[hint]]
        rows = preferred or rows
    countries = [r for r in rows if kinds[r] == "country"]
    if hint is None and countries:  # "Kazakhstan" is the country, not a village
        rows = countries
    elif hint is None:
        # A bare name is the place itself: districts are mostly named after a
        # town (Korday, Tselinograd), and "X district" / "X region" pick the unit.
        places = [r for r in rows if kinds[r] not in _UNIT_KINDS]
        rows = places or rows
    rows = _drop_nested(index, rows)
    first, country = rows[0], index.country
    if all(
        country[r] == country[first] and _km(index, first, r) <= _SAME_PLACE_KM
        for r in rows
    ):
        row = _best(index, rows)
        precision = index.precision[row]
        if hint in ("district", "region") and _RANK[hint] > _RANK[precision]:
            precision = hint  # "X district" answered by its town: district-level
        return _Answer("matched", index.name[row], row, precision, score)
    names = "; ".join(_describe(index, r) for r in rows[:6])
    more = f"; and {len(rows) - 6} more" if len(rows) > 6 else ""
    return _Answer("ambiguous", f"candidates: {names}{more}", score=score)


def _candidates(
    index: GazetteerIndex, key: str, min_score: float
) -> tuple[list[int], float]:
    """Rows whose name matches `key`: exact, then loose, then fuzzy."""
    if key in index.exact:
        return list(index.exact[key]), 100.0
    loose = loose_key(key)
    if loose in index.loose:
        return list(index.loose[loose]), 95.0
    if len(loose) < 4:
        return [], 0.0
    from rapidfuzz import fuzz, process  # noqa: PLC0415 (only for misspellings)

    hits = process.extract(
        loose, index.loose_keys, scorer=fuzz.ratio, limit=5, score_cutoff=min_score
    )
    if not hits:
        return [], 0.0
    top = min(float(hits[0][1]), 94.0)
    rows = [r for name, s, _ in hits if s >= hits[0][1] - 2 for r in index.loose[name]]
    return list(dict.fromkeys(rows)), round(top, 1)


def _place_filter(index: GazetteerIndex, code: str) -> Callable[[int], bool]:
    return lambda r: code in (index.country[r], index.region_id[r], index.id[r])


def _hint_code(index: GazetteerIndex, text: str) -> str | None:
    """Return the ISO code a region or country name (``"Turkistan"``) stands for."""
    key, _ = split_qualifier(text)
    codes = {
        str(index.id[r])
        for r in index.exact.get(key, ())
        if index.kind[r] in ("region", "city", "country")
    }
    return codes.pop() if len(codes) == 1 else None


def _answer(
    index: GazetteerIndex,
    text: object,
    filters: Sequence[tuple[Callable[[int], bool], bool]],
    min_score: float,
) -> _Answer:
    """Geocode one cell value."""
    if not isinstance(text, str):
        return _Answer("invalid", f"not text: {text!r} ({type(text).__name__})")
    parts = [p for p in _SPLIT.split(text) if p.strip()]
    if not parts:
        return _Answer("unmatched", "empty")
    key, hint = split_qualifier(parts[0])
    if not any(c.isalpha() for c in key):
        return _Answer("invalid", f"not a place name: {text!r}")
    rows, score = _candidates(index, key, min_score)
    # "Almaty" means the city, "Almaty region" the region: prefer candidates
    # whose own name has (or lacks) a qualifier word like the text's
    alike = [r for r in rows if hint in index.qualified.get((key, r), ())]
    rows = alike or rows
    if not rows:
        return _Answer("unmatched", "no gazetteer name matches")
    for keep, hard in filters:  # country: a constraint; within: a preference
        inside = [r for r in rows if keep(r)]
        rows = inside if hard else inside or rows
    if not rows:
        return _Answer("unmatched", "no match inside the country")
    for part in parts[1:]:  # "Saryagash district, Turkistan region"
        code = _hint_code(index, part)
        inside = [r for r in rows if code and _place_filter(index, code)(r)]
        rows = inside or rows
    return _resolve(index, rows, hint, score)


def _require_column(frame: pd.DataFrame, column: str) -> pd.Series:
    available = ", ".join(map(repr, map(str, frame.columns))) or "none"
    if column not in frame.columns:
        msg = (
            f"column={column!r} is not a column of the table; "
            f"available columns: {available}."
        )
        raise UsageError(msg)
    values = frame[column]
    text = values.map(lambda v: isinstance(v, str) and bool(v.strip()))
    if not len(values) or not text.any():
        msg = (
            f"Column {column!r} has no place names: its {len(values)} rows are "
            f"empty or not text. Name the place column with column=...; "
            f"available columns: {available}."
        )
        raise DataError(msg)
    return values


def _filters(
    index: GazetteerIndex, country: str | None, within: str | None
) -> list[tuple[Callable[[int], bool], bool]]:
    filters = []
    known = set(index.country) | set(index.id)
    for name, value in (("country", country), ("within", within)):
        if value is None:
            continue
        code = value if value in known else None
        code = code or _hint_code(index, value)
        if code is None:
            msg = (
                f"{name}={value!r} is not a country code (KZ, KG, ...), an ISO "
                f"3166-2 region code (KZ-55, ...) or a region or country name."
            )
            raise UsageError(msg)
        filters.append((_place_filter(index, code), name == "country"))
    return filters


def geocode(
    frame: pd.DataFrame,
    *,
    column: str,
    country: str | None = None,
    within: str | None = None,
    min_score: float = 85.0,
) -> pd.DataFrame:
    """
    Geocode a column of place names offline, against the packaged gazetteer.

    Names match after folding case, accents, Kazakh letters, hyphens and
    spaces, Cyrillic romanisation and qualifier words ("g.", "город",
    "district", "ауданы", "область", "КПП", ...); exact keys first, then
    loose spellings (Shimkent/Shymkent, Dzhambul/Jambul), then fuzzy
    matching for misspellings. A qualifier word chooses the kind of place
    ("Almaty region" is the region, "Korday checkpoint" the crossing); text
    after a comma narrows by region or country ("Dostyk, Almaty region").

    Parameters
    ----------
    frame
        Any table; it is not modified.
    column
        Column holding the place text (English, Russian or Kazakh).
    country
        ISO 3166-1 alpha-2 code (``"KZ"``) that every match must lie in;
        None: any country of the gazetteer.
    within
        A hint that settles ambiguous names: a country code, an ISO 3166-2
        region code (``"KZ-43"``) or a region name. Candidates inside it are
        preferred; a name with no candidate inside keeps its other matches.
        None: no hint.
    min_score
        Lowest fuzzy-match score (0-100) accepted for a misspelt name.

    Returns
    -------
    pandas.DataFrame
        A copy of `frame` (same rows, same order) with ``lon``/``lat``
        (EPSG:4326; NaN unless matched), ``geocode_match`` (the gazetteer
        name, or the candidates or reason), ``geocode_precision``
        (``point``, ``town``, ``district``, ``region``, ``country``; a unit
        gets its representative point), ``geocode_score`` (100 exact, 95
        loose spelling, < 95 fuzzy), ``geocode_status`` (``matched``,
        ``ambiguous``, ``unmatched``, ``invalid`` for non-text) and
        ``geocode_id`` (gazetteer id).

    Raises
    ------
    UsageError
        If `column` is not in `frame`, or `country`/`within` is unknown.
    DataError
        If `column` holds no text at all.

    Examples
    --------
    >>> table = pd.DataFrame({"place": ["Chimkent", "Алма-Ата", "Aral"]})
    >>> out = geocode(table, column="place")
    >>> out["geocode_match"].tolist()[:2], out["geocode_status"].tolist()[2]
    (['Shymkent', 'Almaty'], 'ambiguous')
    >>> geocode(table, column="place", within="KZ")["geocode_id"].tolist()[2]
    'city-aral'
    """
    values = _require_column(frame, column)
    index = gazetteer_index()
    filters = _filters(index, country, within)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    answers = [_answer(index, text, filters, min_score) for text in uniques]
    answers.append(_Answer("unmatched", "empty"))  # code -1: missing value
    rows = np.array([a.row for a in answers])[codes]
    found = rows >= 0
    out = frame.copy()
    out["lon"] = np.where(found, index.lon[rows], np.nan)
    out["lat"] = np.where(found, index.lat[rows], np.nan)
    for name, field in (
        ("geocode_match", "match"),
        ("geocode_precision", "precision"),
        ("geocode_score", "score"),
        ("geocode_status", "status"),
    ):
        out[name] = np.array([getattr(a, field) for a in answers], dtype=object)[codes]
    out["geocode_score"] = out["geocode_score"].astype(float)
    ids = np.array(index.id, dtype=object)[rows]
    ids[~found] = None
    out["geocode_id"] = ids
    return out


def geocode_summary(result: pd.DataFrame, *, column: str, limit: int = 50) -> str:
    """
    Describe a `geocode` result: counts, then every row not geocoded.

    Parameters
    ----------
    result
        The frame `geocode` returned.
    column
        The place column that was geocoded.
    limit
        Most rows to list; the rest are counted.

    Returns
    -------
    str
        Lines of text, the first a one-line total.
    """
    status = result["geocode_status"]
    matched = result.loc[status == "matched", "geocode_precision"].value_counts()
    levels = ", ".join(f"{p} {int(matched.get(p, 0))}" for p in PRECISIONS)
    counts = {
        s: int((status == s).sum()) for s in ("ambiguous", "unmatched", "invalid")
    }
    lines = [
        f"geocoded {int(matched.sum())} of {len(result)} rows ({levels}); "
        f"{counts['ambiguous']} ambiguous, {counts['unmatched']} unmatched, "
        f"{counts['invalid']} not text."
    ]
    missed = result[status != "matched"]
    for label, row in missed.head(limit).iterrows():
        lines.append(
            f"  row {label}: {row[column]!r}: {row['geocode_status']}: "
            f"{row['geocode_match']}"
        )
    if len(missed) > limit:
        lines.append(f"  ... and {len(missed) - limit} more rows not geocoded.")
    return "\n".join(lines)
