"""The packaged northern-route data: waypoints, branches and their lines."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any

import geopandas as gpd
import pandas as pd

from kzmap.geo.crs import STORAGE_CRS
from kzmap.routes.geodesy import DEFAULT_MAX_SEGMENT_KM
from kzmap.routes.model import routes_from_waypoints
from kzmap.routes.schema import (
    BRANCH_COLUMNS,
    BRANCH_ID,
    BRANCH_TRANSLATIONS,
    ROUTE_ID,
    WAYPOINT_COLUMNS,
    validate_branches,
    validate_waypoints,
)

__all__ = [
    "branch_ids",
    "load_branches",
    "load_network",
    "load_routes",
    "load_waypoints",
]

_DATA = files("kzmap.routes") / "data"
_WAYPOINTS = "waypoints.csv"
_BRANCHES = "branches.toml"

#: Branch fields stored as TOML lists; frames hold them as "; "-joined text.
_LIST_FIELDS = ("commodities", "actors")


def _read_waypoints() -> pd.DataFrame:
    with (_DATA / _WAYPOINTS).open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(
            fh,
            dtype={
                c: "string" for c in WAYPOINT_COLUMNS if c not in {"seq", "lon", "lat"}
            },
            keep_default_na=False,
            na_values={
                "source_url": [""],
                "date": [""],
                "name_ru": [""],
                "name_kk": [""],
                "description_ru": [""],
                "description_kk": [""],
                "leg_mode": [""],
            },
        )
    frame = frame.astype(
        {"seq": int, "lon": float, "lat": float, "precision_km": float}
    )
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.StringDtype):
            frame[column] = (
                frame[column].astype(object).where(frame[column].notna(), None)
            )
    return frame


def _toml() -> dict[str, Any]:
    return tomllib.loads((_DATA / _BRANCHES).read_text(encoding="utf-8"))


def _flat(record: dict[str, object]) -> dict[str, object]:
    """Join list fields with "; " and turn empty strings into None."""
    out: dict[str, object] = {}
    for key, value in record.items():
        text = "; ".join(str(v) for v in value) if isinstance(value, list) else value
        out[key] = None if text == "" else text
    return out


def load_waypoints() -> gpd.GeoDataFrame:
    """
    Load the packaged waypoints of the northern route as Points in EPSG:4326.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per waypoint, in branch order then ``seq`` order, with the
        columns of `kzmap.routes.schema.WAYPOINT_COLUMNS`.

    Raises
    ------
    DataError
        If the shipped file breaks the schema (a packaging bug).

    Examples
    --------
    >>> wp = load_waypoints()
    >>> wp.loc[wp["id"] == "NR-A-12", "name_en"].tolist()
    ['Korday crossing']
    """
    frame = _read_waypoints()
    validate_waypoints(frame, name=_WAYPOINTS)
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"], crs=STORAGE_CRS)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=STORAGE_CRS)


def load_branches() -> pd.DataFrame:
    """
    Load the attributes of each packaged branch (no geometry).

    List fields (``commodities``, ``actors``) are joined with ``"; "``; every
    branch also carries the network-wide ``value_estimate`` and its source.

    Returns
    -------
    pandas.DataFrame
        One row per branch with the columns of `kzmap.routes.schema.BRANCH_COLUMNS`,
        then those of `kzmap.routes.schema.BRANCH_TRANSLATIONS` that the file has
        (None for a branch without that key).

    Raises
    ------
    DataError
        If the shipped file breaks the schema (a packaging bug).
    """
    data = _toml()
    network = data.get("network", {})
    records = [dict(b) for b in data.get("branch", [])]
    for record in records:
        for key in ("value_estimate", "value_source", "value_source_url"):
            record.setdefault(key, network.get(key))
    used = set(_read_waypoints()[BRANCH_ID])
    validate_branches(records, name=_BRANCHES, waypoint_branches=used)
    frame = pd.DataFrame([_flat(r) for r in records])
    translated = [c for c in BRANCH_TRANSLATIONS if c in frame.columns]
    frame = frame[[*BRANCH_COLUMNS, *translated]]
    return frame.astype(object).where(frame.notna(), None)


def load_network() -> dict[str, str]:
    """Return the route-wide fields (name, value estimate, actors...) as text."""
    network = _toml().get("network", {})
    flat = _flat(dict(network))
    return {k: str(v) for k, v in flat.items() if v is not None}


def branch_ids() -> list[str]:
    """Return the packaged branch ids in file order, e.g. ``["NR-A", ...]``."""
    return [str(b["id"]) for b in _toml().get("branch", [])]


def load_routes(*, max_segment_km: float = DEFAULT_MAX_SEGMENT_KM) -> gpd.GeoDataFrame:
    """
    Load the packaged branches as geodesic LineStrings, one row per branch.

    Parameters
    ----------
    max_segment_km
        Longest gap between line vertices, in km.

    Returns
    -------
    geopandas.GeoDataFrame
        The branch attributes of `load_branches` plus ``n_waypoints`` and the
        line (EPSG:4326) through the branch's waypoints in order.

    Examples
    --------
    >>> load_routes()["id"].tolist()[:3]
    ['NR-A', 'NR-B1', 'NR-B2']
    """
    branches = load_branches()
    routes = routes_from_waypoints(
        load_waypoints(), branches=branches, max_segment_km=max_segment_km
    )
    order = {b: n for n, b in enumerate(branches[ROUTE_ID])}
    ranked = routes.assign(_order=routes[ROUTE_ID].map(order)).sort_values("_order")
    return ranked.drop(columns="_order").reset_index(drop=True)
