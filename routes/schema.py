"""Column names and allowed values of route data, and their validators."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kzmap.geo.errors import DataError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import pandas as pd

__all__ = [
    "BORDER_SEQUENCE",
    "BRANCH_COLUMNS",
    "BRANCH_ID",
    "BRANCH_TRANSLATIONS",
    "CONFIDENCE",
    "LEG_MODES",
    "LOCATION_BASIS",
    "ROLES",
    "ROUTE_ID",
    "SEQ",
    "WAYPOINT_COLUMNS",
    "parse_sequence",
    "validate_branches",
    "validate_waypoints",
]

#: Identifier column of a route or branch (one row per route).
ROUTE_ID = "id"
#: Waypoint column naming the branch the waypoint belongs to.
BRANCH_ID = "branch_id"
#: Waypoint column giving the 1-based order along the branch.
SEQ = "seq"
#: Branch column: ISO alpha-2 codes of the countries crossed, in order, comma-separated.
BORDER_SEQUENCE = "border_sequence"

ROLES = frozenset(
    {"origin", "river_crossing", "hub", "border_crossing", "destination", "waypoint"}
)
CONFIDENCE = frozenset({"confirmed", "reported", "approximate"})
#: ``source``: coordinate stated in the source; ``town``: well-known location of the
#: named town or crossing; ``inferred``: the waypoint is placed from road geography
#: and no drug-route source names it (always ``confidence = "approximate"``).
LOCATION_BASIS = frozenset({"source", "town", "inferred"})

#: Optional waypoint column ``leg_mode``: how the leg arriving at the waypoint
#: travels when it is not overland through an official crossing. Empty means
#: overland; ``water`` (boat or ferry) and ``green_border`` (away from any post)
#: are allowed only when the waypoint's source says so.
LEG_MODES = frozenset({"water", "green_border"})

WAYPOINT_COLUMNS = (
    BRANCH_ID,
    SEQ,
    "id",
    "name_en",
    "name_ru",
    "name_kk",
    "lon",
    "lat",
    "country",
    "role",
    "description",
    "source",
    "source_url",
    "date",
    "confidence",
    "location_basis",
    "precision_km",
)

BRANCH_COLUMNS = (
    ROUTE_ID,
    "name_en",
    "name_ru",
    "name_kk",
    "description",
    "commodities",
    "actors",
    "value_estimate",
    "value_source",
    "value_source_url",
    BORDER_SEQUENCE,
    "source",
    "source_url",
    "date",
    "confidence",
)

#: Optional branch keys: the free text in Russian and Kazakh (the page shows
#: ``<field>_<lang>`` where present); a branch without actors has no actors_ru.
BRANCH_TRANSLATIONS = tuple(
    f"{field}_{lang}"
    for field in ("description", "commodities", "actors")
    for lang in ("ru", "kk")
)

#: Branch keys that may be empty: no URL, an undated source, no named actors.
_OPTIONAL_BRANCH_KEYS = frozenset({"source_url", "value_source_url", "date", "actors"})

_REQUIRED_TEXT = ("id", "name_en", "role", "source", "confidence", "location_basis")


def parse_sequence(text: str) -> list[str]:
    """
    Split a comma-separated country sequence into codes.

    Examples
    --------
    >>> parse_sequence("AF, TJ,KG")
    ['AF', 'TJ', 'KG']
    """
    return [part.strip() for part in text.split(",") if part.strip()]


def _blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def _row_problems(row: Mapping[str, object], where: str) -> list[str]:
    problems = [
        f"{where}: field {key!r} is empty; every waypoint needs it."
        for key in _REQUIRED_TEXT
        if _blank(row.get(key))
    ]
    checks = (
        ("role", ROLES),
        ("confidence", CONFIDENCE),
        ("location_basis", LOCATION_BASIS),
    )
    for key, allowed in checks:
        value = row.get(key)
        if not _blank(value) and value not in allowed:
            problems.append(
                f"{where}: field {key!r} is {value!r}; expected one of "
                f"{', '.join(sorted(allowed))}."
            )
    mode = row.get("leg_mode")
    if not _blank(mode) and mode not in LEG_MODES:
        problems.append(
            f"{where}: field 'leg_mode' is {mode!r}; expected empty or one of "
            f"{', '.join(sorted(LEG_MODES))}."
        )
    lon, lat = row.get("lon"), row.get("lat")
    if not isinstance(lon, int | float) or not -180 <= lon <= 180:
        problems.append(f"{where}: field 'lon' is {lon!r}; expected -180..180 degrees.")
    if not isinstance(lat, int | float) or not -90 <= lat <= 90:
        problems.append(f"{where}: field 'lat' is {lat!r}; expected -90..90 degrees.")
    if row.get("location_basis") == "inferred" and row.get("confidence") != (
        "approximate"
    ):
        problems.append(
            f"{where}: an inferred waypoint must have confidence 'approximate', "
            f"not {row.get('confidence')!r}."
        )
    return problems


def validate_waypoints(frame: pd.DataFrame, *, name: str) -> None:
    """
    Check a waypoint table against the route schema; raise once listing every problem.

    Parameters
    ----------
    frame
        One row per waypoint with the columns of `WAYPOINT_COLUMNS`.
    name
        How messages refer to the table (a file name).

    Raises
    ------
    DataError
        If a column is missing, a value is empty or not allowed, an id repeats,
        or a branch's ``seq`` values are not 1, 2, 3, ...
    """
    missing = [c for c in WAYPOINT_COLUMNS if c not in frame.columns]
    if missing:
        msg = f"{name}: missing column(s) {', '.join(missing)}."
        raise DataError(msg)
    problems: list[str] = []
    for n, row in enumerate(frame.to_dict("records")):
        problems += _row_problems(
            {str(k): v for k, v in row.items()}, f"{name} row {n + 1}"
        )
    duplicated = frame["id"][frame["id"].duplicated()].tolist()
    if duplicated:
        problems.append(f"{name}: waypoint id(s) repeated: {duplicated!r}.")
    for branch, group in frame.groupby(BRANCH_ID, sort=False):
        seqs = group[SEQ].tolist()
        if seqs != list(range(1, len(seqs) + 1)):
            problems.append(
                f"{name}: branch {branch!r} has seq {seqs!r}; expected 1, 2, 3, ... "
                "in file order."
            )
        if len(seqs) < 2:
            problems.append(f"{name}: branch {branch!r} has fewer than 2 waypoints.")
    if problems:
        raise DataError("\n".join(problems))


def validate_branches(
    branches: Sequence[Mapping[str, object]], *, name: str, waypoint_branches: set[str]
) -> None:
    """
    Check branch records; raise once listing every problem.

    Parameters
    ----------
    branches
        One mapping per branch with the keys of `BRANCH_COLUMNS`.
    name
        How messages refer to the records (a file name).
    waypoint_branches
        Branch ids used by the waypoint table; each branch needs waypoints and
        each waypoint a branch.

    Raises
    ------
    DataError
        If a key is missing or empty, a confidence is not allowed, or branches
        and waypoints do not match.
    """
    problems: list[str] = []
    ids = []
    for n, branch in enumerate(branches):
        where = f"{name} branch {n + 1} ({branch.get(ROUTE_ID)!r})"
        ids.append(str(branch.get(ROUTE_ID)))
        for key in BRANCH_COLUMNS:
            if key not in branch:
                problems.append(f"{where}: key {key!r} is missing.")
            elif key not in _OPTIONAL_BRANCH_KEYS and _blank(branch[key]):
                problems.append(f"{where}: key {key!r} is empty.")
        if branch.get("confidence") not in CONFIDENCE:
            problems.append(
                f"{where}: confidence {branch.get('confidence')!r} is not one of "
                f"{', '.join(sorted(CONFIDENCE))}."
            )
    if len(set(ids)) != len(ids):
        problems.append(f"{name}: branch ids repeat: {ids!r}.")
    if set(ids) != waypoint_branches:
        problems.append(
            f"{name}: branches {sorted(set(ids))!r} do not match the waypoint "
            f"table's branch_id values {sorted(waypoint_branches)!r}."
        )
    if problems:
        raise DataError("\n".join(problems))
