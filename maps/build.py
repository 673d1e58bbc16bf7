"""Turn a map spec into a folium map, and save it as HTML, PNG and embed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import folium

from kzmap.geo.errors import LayerNotFoundError
from kzmap.geo.io import read
from kzmap.layers import available_layers, load
from kzmap.maps.drawn import add_drawn
from kzmap.maps.export import embed_html, map_to_html
from kzmap.maps.render import (
    BASEMAP_LAYERS,
    DEFAULT_BOUNDS,
    Bounds,
    add_layer,
    add_layer_control,
    add_packaged_layer,
    empty_map,
)
from kzmap.maps.routes import add_routes
from kzmap.maps.spec import Focus, LayerSpec, Spec, SpecError, find_spec
from kzmap.routes import load_routes, load_waypoints

if TYPE_CHECKING:
    import os
    from collections.abc import Callable

    import geopandas as gpd

__all__ = [
    "Outputs",
    "build",
    "filter_frame",
    "focus_bounds",
    "read_user_layer",
    "require_spec",
    "save",
]

#: Margin added around a focus, as a fraction of its width/height.
_PAD = 0.08
#: The northern route (kzmap.routes data) is usable in specs like a packaged layer.
ROUTES = "routes"


def read_user_layer(
    path: str | os.PathLike[str], *, lenient: bool = False
) -> gpd.GeoDataFrame:
    """
    Read one of the user's own layers (``--add FILE``) for drawing.

    This is the only place the map code reads a user's file: any format
    `kzmap.geo.read` takes (GeoJSON, GeoPackage, Shapefile or zipped
    Shapefile, GeoParquet, CSV with lon/lat columns), in EPSG:4326.
    `lenient` keeps the readable records of a truncated Shapefile.

    Raises
    ------
    ReadError, CRSError, DataError
        As `kzmap.geo.read`.
    """
    return read(path, lenient=lenient)


def require_spec(spec: Spec | str | os.PathLike[str]) -> Spec:
    """Return `spec`, reading it first if it is a path or a shipped spec's name."""
    if isinstance(spec, Spec):
        return spec
    return find_spec(Path(spec) if not isinstance(spec, str) else spec)


def filter_frame(
    frame: gpd.GeoDataFrame, layer: LayerSpec, *, source: str
) -> gpd.GeoDataFrame:
    """
    Keep the rows of `frame` whose columns match every filter of `layer`.

    Raises
    ------
    SpecError
        If a filter names a missing column or keeps no feature (the message
        lists the columns or the values present).
    """
    for column, wanted in layer.filter:
        if column not in frame.columns:
            columns = ", ".join(repr(str(c)) for c in frame.columns)
            msg = (
                f"{source}: layer {layer.key!r} has no column {column!r} to filter "
                f"on; its columns are {columns}."
            )
            raise SpecError(msg)
        kept = frame[frame[column].isin(list(wanted))]
        if kept.empty:
            present = sorted({str(v) for v in frame[column].dropna()})[:20]
            msg = (
                f"{source}: filter {column} = {list(wanted)!r} keeps no feature of "
                f"layer {layer.key!r}; values present: {present!r}."
            )
            raise SpecError(msg)
        frame = kept
    return frame


def _layer_frame(layer: LayerSpec, *, lenient: bool = False) -> gpd.GeoDataFrame:
    if layer.path is not None:
        return read_user_layer(layer.path, lenient=lenient)
    if layer.name == ROUTES:
        return load_routes()
    names = available_layers()
    if layer.name not in names:
        msg = (
            f"No packaged layer named {layer.name!r}. Available: "
            f"{', '.join([*names, ROUTES])}. "
            "For a file of your own, use path = '...' instead of name."
        )
        raise LayerNotFoundError(msg)
    return load(str(layer.name))


def _pad(south: float, west: float, north: float, east: float) -> Bounds:
    dy = max(north - south, 0.2) * _PAD
    dx = max(east - west, 0.2) * _PAD
    return (
        max(south - dy, -85.0),
        max(west - dx, -180.0),
        min(north + dy, 85.0),
        min(east + dx, 180.0),
    )


def _frame_bounds(frames: list[gpd.GeoDataFrame]) -> Bounds | None:
    boxes = [f.to_crs(4326).total_bounds for f in frames if not f.empty]
    if not boxes:
        return None
    west = min(b[0] for b in boxes)
    south = min(b[1] for b in boxes)
    east = max(b[2] for b in boxes)
    north = max(b[3] for b in boxes)
    return _pad(south, west, north, east)


def _code_bounds(focus: Focus, source: str) -> Bounds:
    layer = "regions" if focus.kind == "region" else "countries"
    frame = load(layer)  # LayerNotFoundError when the layer is not shipped
    fields = ["id", "iso_3166_2"] if layer == "regions" else ["id", "iso_a2", "iso_a3"]
    mask = (
        frame[[f for f in fields if f in frame.columns]].isin([focus.code]).any(axis=1)
    )
    if not mask.any():
        codes = sorted(str(v) for v in frame["id"].dropna())
        msg = (
            f"{source}: focus {focus.code!r} is not in layer {layer!r}; codes: {codes}."
        )
        raise SpecError(msg)
    bounds = _frame_bounds([frame[mask]])
    return bounds or DEFAULT_BOUNDS


def focus_bounds(
    focus: Focus, frames: dict[str, gpd.GeoDataFrame], *, source: str = "<spec>"
) -> Bounds:
    """
    Return (south, west, north, east) in degrees for `focus`.

    Parameters
    ----------
    focus
        A region/country code, a bbox, ``layers`` (all of `frames`) or one layer.
    frames
        The spec's layers by key, in EPSG:4326.
    source
        The spec's file, for messages.

    Raises
    ------
    LayerNotFoundError
        If a region focus is asked for and no ``regions`` layer is shipped.
    SpecError
        If the code is not found.
    """
    if focus.kind == "bbox" and focus.bbox is not None:
        west, south, east, north = focus.bbox
        return (south, west, north, east)
    if focus.kind in {"region", "country"}:
        return _code_bounds(focus, source)
    if focus.kind == "layers":
        return _frame_bounds(list(frames.values())) or DEFAULT_BOUNDS
    if focus.kind == "layer":
        return _frame_bounds([frames[focus.code]]) or DEFAULT_BOUNDS
    return DEFAULT_BOUNDS


def build(spec: Spec | str | os.PathLike[str], *, lenient: bool = False) -> folium.Map:
    """
    Return the map described by `spec`.

    Parameters
    ----------
    spec
        A `Spec`, a spec file path, or the name of a shipped spec
        (see `kzmap.maps.shipped_specs`).
    lenient
        Read the spec's layer files with ``lenient=True`` (the readable
        records of a truncated Shapefile are kept, with a warning), as
        `read_user_layer`.

    Returns
    -------
    folium.Map
        Basemap (unless ``basemap = false``), the spec's layers in order
        (bottom first), layer control, legend, sources panel, title block.

    Raises
    ------
    SpecError
        If the spec is invalid or a filter/focus does not match the data.
    LayerNotFoundError
        If a layer names no packaged layer (the message lists those that exist).
    """
    spec = require_spec(spec)
    source = str(spec.source or "<spec>")
    frames = {}
    for layer in spec.layers:
        frame = _layer_frame(layer, lenient=lenient)
        frames[layer.key] = filter_frame(frame, layer, source=source)
    m = empty_map(
        tiles=spec.tiles,
        lang=spec.lang,
        title=spec.shown("title"),
        subtitle=spec.shown("subtitle"),
        bounds=focus_bounds(spec.focus, frames, source=source),
    )
    named = {layer.name for layer in spec.layers}
    if spec.basemap:
        for name in BASEMAP_LAYERS:
            if name not in named and name in available_layers():
                add_packaged_layer(m, name)
    for layer in spec.layers:
        if layer.name == ROUTES:
            add_routes(
                m,
                frames[layer.key],
                waypoints=load_waypoints(),
                lang=spec.lang,
                title=layer.title,
                show=layer.show,
            )
        elif layer.name is not None:
            add_packaged_layer(
                m,
                layer.name,
                frame=frames[layer.key],
                title=layer.title,
                show=layer.show,
                labels=layer.labels,
                choropleth=layer.choropleth,
            )
        elif layer.draw != "features":
            add_drawn(
                m,
                frames[layer.key],
                draw=layer.draw,
                title=layer.title or layer.key,
                lang=spec.lang,
                show=layer.show,
                time=layer.time,
            )
        else:
            add_layer(
                m,
                frames[layer.key],
                layer=f"file:{layer.key}",
                title=layer.title or layer.key,
                show=layer.show,
                labels=layer.labels,
                choropleth=layer.choropleth,
            )
    add_layer_control(m)
    return m


@dataclass(frozen=True)
class Outputs:
    """Files written by `save`; None where that output was not asked for."""

    html: Path
    png: Path | None = None
    embed: Path | None = None
    pdf: Path | None = None
    svg: Path | None = None


def save(
    target: Spec | str | os.PathLike[str] | folium.Map,
    *,
    html: str | os.PathLike[str] | None = None,
    png: str | os.PathLike[str] | None = None,
    embed: str | os.PathLike[str] | None = None,
    scale: float | None = None,
    width: int | None = None,
    height: int | None = None,
    pdf: str | os.PathLike[str] | None = None,
    svg: str | os.PathLike[str] | None = None,
    page: str | None = None,
    lenient: bool = False,
) -> Outputs:
    """
    Write a map (or the map of a spec) as offline HTML, and optionally PNG/embed.

    Parameters
    ----------
    target
        A folium map from kzmap, or a spec (object, file or shipped name).
    html, png, embed
        Output paths; None takes the spec's ``[output]`` entry. The HTML is
        always written (the PNG is rendered from it); the default is
        ``<spec name>.html`` in the working directory.
    scale
        PNG device scale factor (2 for print); None takes the spec's.
    width, height
        PNG and embed size in CSS pixels; None takes the spec's (1280×800).
    pdf, svg
        Print layout outputs (`kzmap.maps.printing.print_map`); None takes
        the spec's.
    page
        Paper of the print layout (``"A4-landscape"``, the default when a
        PDF or SVG is asked for); given, the PNG is the print sheet too.
    lenient
        For a spec: read its layer files leniently (see `build`).

    Returns
    -------
    Outputs

    Raises
    ------
    OutputError
        If a file cannot be written; earlier files at those paths stay intact.
    """
    from kzmap.geo.output import OutputSet  # noqa: PLC0415

    if isinstance(target, folium.Map):
        spec, m = Spec(), target
    else:
        spec = require_spec(target)
        m = build(spec, lenient=lenient)
    spec = replace(
        spec,
        width=width or spec.width,
        height=height or spec.height,
        scale=scale or spec.scale,
    )
    html_path = Path(html or spec.html or _default_name(spec))
    inputs = [layer.path for layer in spec.layers if layer.path is not None]
    page_html = map_to_html(m)
    png_path = png or spec.png
    embed_path = embed or spec.embed
    pdf_path, svg_path, paper = pdf or spec.pdf, svg or spec.svg, page or spec.page
    # Every output is staged first and renamed into place together: a full
    # disk or a failed screenshot leaves none of them half-replaced.
    with OutputSet() as outputs:
        staged = outputs.stage(html_path, _text_writer(page_html), inputs=inputs)
        if embed_path:
            fragment = embed_html(
                page_html,
                title=spec.shown("title"),
                width=spec.width,
                height=spec.height,
            )
            outputs.stage(embed_path, _text_writer(fragment), inputs=inputs)
        if png_path and not paper:
            from kzmap.maps.png import png_bytes  # noqa: PLC0415 (needs Playwright)

            image = png_bytes(
                staged, width=spec.width, height=spec.height, scale=spec.scale
            )
            outputs.stage(png_path, _bytes_writer(image), inputs=inputs)
        sheets = {
            kind: path
            for kind, path in (
                ("png", png_path if paper else None),
                ("pdf", pdf_path),
                ("svg", svg_path),
            )
            if path
        }
        if sheets:
            from kzmap.maps.printing import print_bytes  # noqa: PLC0415

            data = print_bytes(
                staged,
                kinds=tuple(sheets),
                page=paper or "A4-landscape",
                scale=spec.scale,
            )
            for kind, path in sheets.items():
                outputs.stage(path, _bytes_writer(data[kind]), inputs=inputs)
    return Outputs(
        html=html_path,
        png=Path(png_path) if png_path else None,
        embed=Path(embed_path) if embed_path else None,
        pdf=Path(pdf_path) if pdf_path else None,
        svg=Path(svg_path) if svg_path else None,
    )


def _text_writer(text: str) -> Callable[[Path], None]:
    return _bytes_writer(text.encode("utf-8"))


def _bytes_writer(data: bytes) -> Callable[[Path], None]:
    def _write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return _write


def _default_name(spec: Spec) -> str:
    if spec.source is None:
        return "kazakhstan.html"
    stem = spec.source.name.removesuffix(".toml").strip("<>").split()[-1]
    return f"{stem}.html"
