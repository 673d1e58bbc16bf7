"""Messages and checks for hostile input shared by the readers."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from pyproj import Transformer
from pyproj.exceptions import ProjError

from kzmap.geo.crs import STORAGE_CRS

if TYPE_CHECKING:
    from pyproj import CRS

    from kzmap.geo.problems import ProblemLog

__all__ = ["require_transform", "truncation_message", "utf8_or_fail"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8_or_fail(text: str, source_index: list[int], log: ProblemLog) -> bytes:
    """Encode the cleaned GeoJSON; a lone UTF-16 surrogate is a located error."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    features = json.loads(text).get("features", [])
    for position, feat in enumerate(features):
        props = feat.get("properties") or {}
        for key, value in props.items():
            for part, what in ((key, "its name"), (value, "its value")):
                if isinstance(part, str) and _SURROGATE.search(part):
                    log.add(
                        "encoding.surrogate",
                        f"{what} holds a lone UTF-16 surrogate escape (such as "
                        "\\ud800), which is not text in any encoding; fix the "
                        "escape in the file.",
                        feature=source_index[position],
                        field=_SURROGATE.sub("\ufffd", key),
                    )
    log.raise_errors()
    log.fail(
        "encoding.surrogate",
        "the file holds lone UTF-16 surrogate escapes (such as \\ud800), "
        "which are not text; fix them in the file.",
    )
    return b""  # not reached: log.fail raises


def truncation_message(total: int, n_lost: int, lost: list[int], *, kept: bool) -> str:
    """Say how many Shapefile records were lost, and what to do about it."""
    first = ", ".join(str(i) for i in lost[:5]) + (" …" if n_lost > 5 else "")
    which = f" (features {first})" if lost else ""
    head = (
        f"the Shapefile is truncated: {n_lost} of its {total} records{which} "
        "lie past the end of its .shp or .dbf"
    )
    if kept:
        return f"{head}; kept the {total - n_lost} readable features (lenient)."
    return (
        f"{head}, so only {total - n_lost} are readable. Re-export the "
        "Shapefile, or pass `lenient=True` (CLI: --lenient) to keep the "
        "readable features."
    )


def require_transform(crs: CRS | None, log: ProblemLog) -> None:
    """Fail naming the CRS if PROJ cannot transform it to lon/lat WGS84."""
    if crs is None or crs.equals(STORAGE_CRS):
        return
    try:
        Transformer.from_crs(crs, STORAGE_CRS, always_xy=True)
    except ProjError as err:
        log.fail(
            "crs.unknown",
            f"the layer's CRS {crs.name!r} cannot be transformed to lon/lat "
            "WGS84 (an engineering or unknown CRS); reproject the file, or "
            "pass `crs=` if you know the real one.",
            cause=err,
        )
