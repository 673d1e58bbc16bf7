"""The legacy ``crs`` member of a GeoJSON file: which names kzmap accepts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCRSError

if TYPE_CHECKING:
    from kzmap.geo.problems import ProblemLog

__all__ = ["crs_member"]

# Legacy GJ2008 "crs" names kzmap accepts; anything else (URLs, PROJJSON) is refused.
_CRS_NAME = re.compile(
    r"^(?:urn:ogc:def:crs:EPSG:[0-9.]*:|EPSG:)(\d{4,6})$|"
    r"^(?:urn:ogc:def:crs:OGC:1\.3:CRS84|OGC:CRS84)$",
    re.IGNORECASE,
)


def crs_member(doc: dict[str, object], log: ProblemLog) -> CRS | None:
    """Return the CRS named by a legacy ``crs`` member (None if there is none)."""
    member = doc.get("crs")
    if member is None:
        return None
    props = member.get("properties") if isinstance(member, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    match = _CRS_NAME.match(name) if isinstance(name, str) else None
    if match is None:
        log.fail(
            "crs.geojson_member",
            f"the 'crs' member {member!r} is not an EPSG code or CRS84. RFC 7946 "
            "removed 'crs': reproject the file to lon/lat WGS84 and delete it.",
        )
    try:
        crs = CRS.from_epsg(int(match[1])) if match[1] else CRS("OGC:CRS84")
    except ProjCRSError as err:
        log.fail(
            "crs.unknown",
            f"the 'crs' member names {name}, which is not a known CRS; use a "
            "real EPSG code, or reproject the file to lon/lat and delete 'crs'.",
            cause=err,
        )
    if not match.group(1):
        # CRS84 is exactly RFC 7946's lon/lat WGS84; GDAL (and so geopandas'
        # to_file) writes this member by default, so it is not worth a warning.
        return crs
    log.add(
        "geojson.crs_member",
        f"the file has a legacy 'crs' member ({name}); RFC 7946 GeoJSON is always "
        "lon/lat WGS84. kzmap honours it and reprojects; drop the member once "
        "the file is in lon/lat.",
        severity="warning",
    )
    return crs
