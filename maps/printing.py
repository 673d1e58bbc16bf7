"""Print layout: a saved map laid out on a page, as PNG, PDF or SVG."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from kzmap.geo.errors import UsageError
from kzmap.geo.output import write_bytes_atomic, write_text_atomic
from kzmap.maps.browser import chromium, goto_offline
from kzmap.maps.i18n import message

if TYPE_CHECKING:
    import os

    from playwright.sync_api import Page

__all__ = [
    "PAGE_SIZES",
    "PageSize",
    "locator_svg",
    "parse_page",
    "print_bytes",
    "print_map",
]

#: Paper sizes in millimetres, portrait (width, height).
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "a4": (210.0, 297.0),
    "a3": (297.0, 420.0),
    "letter": (215.9, 279.4),
}
_PAGE = re.compile(r"^(?P<size>[a-z0-9]+)(?:-(?P<turn>portrait|landscape))?$")
_PX_PER_MM = 96 / 25.4
_LANG = re.compile(r'<html lang="(?P<lang>en|ru|kk)"')
#: The locator inset's extent (west, south, east, north): Central Asia and
#: around it, as scripts/build_locator.py clips maps/static/locator.geojson.
_INSET = (30.0, 25.0, 110.0, 62.0)
_INSET_WIDTH = 220.0
#: ISO 3166-1 numeric code of Kazakhstan, shaded on the inset.
_KZ = "398"


@dataclass(frozen=True)
class PageSize:
    """A sheet of paper: name and size in millimetres as laid out."""

    name: str
    width_mm: float
    height_mm: float

    @property
    def css_px(self) -> tuple[int, int]:
        """Width and height in CSS pixels (96 per inch)."""
        return (
            math.floor(self.width_mm * _PX_PER_MM),
            math.floor(self.height_mm * _PX_PER_MM),
        )


def parse_page(text: str) -> PageSize:
    """
    Return the paper `text` names.

    ``A4``, ``A3`` or ``Letter``, optionally followed by ``-portrait`` or
    ``-landscape`` (the default).

    Examples
    --------
    >>> parse_page("A4-portrait")
    PageSize(name='A4-portrait', width_mm=210.0, height_mm=297.0)
    >>> parse_page("letter").width_mm
    279.4

    Raises
    ------
    UsageError
        If the size or orientation is unknown.
    """
    match = _PAGE.match(text.strip().lower())
    if not match or match["size"] not in PAGE_SIZES:
        sizes = ", ".join(
            s.capitalize() if s == "letter" else s.upper() for s in PAGE_SIZES
        )
        msg = (
            f"Unknown page {text!r}: use {sizes}, optionally with -portrait or "
            "-landscape (e.g. A4-landscape)."
        )
        raise UsageError(msg)
    short, long = PAGE_SIZES[match["size"]]
    turn = match["turn"] or "landscape"
    name = "Letter" if match["size"] == "letter" else match["size"].upper()
    width, height = (long, short) if turn == "landscape" else (short, long)
    return PageSize(name=f"{name}-{turn}", width_mm=width, height_mm=height)


def _ring_path(coords: list[tuple[float, float]], scale: float, cos: float) -> str:
    west, _, _, north = _INSET
    points = [
        f"{(x - west) * cos * scale:.1f},{(north - y) * scale:.1f}" for x, y in coords
    ]
    return "M" + "L".join(points) + "Z"


def locator_svg(lang: str = "en") -> str:
    """
    Return the locator inset: Central Asia and around it as a small inline SVG.

    Kazakhstan is shaded; the print script draws the map frame on it (the
    ``data-*`` attributes give the projection: plate carrée scaled by the
    cosine of the inset's middle latitude). The countries are Natural Earth
    1:110m (maps/static/locator.geojson, built by scripts/build_locator.py).
    """
    west, south, east, north = _INSET
    cos = math.cos(math.radians((south + north) / 2))
    scale = _INSET_WIDTH / ((east - west) * cos)
    height = (north - south) * scale
    data = json.loads(
        (files("kzmap.maps") / "static" / "locator.geojson").read_text(encoding="utf-8")
    )
    paths = []
    for feature in data["features"]:
        d = "".join(
            _ring_path([(x, y) for x, y in polygon[0]], scale, cos)
            for polygon in feature["geometry"]["coordinates"]
        )
        kz = feature["properties"]["id"] == _KZ
        fill = "#8c8478" if kz else "#ece9e2"
        paths.append(
            f'<path d="{d}" fill="{fill}" stroke="#8a8075" stroke-width="0.4" '
            'stroke-linejoin="round"/>'
        )
    label = message("print.locator", lang)
    return (
        f'<svg class="kzmap-locator" viewBox="0 0 {_INSET_WIDTH:.0f} {height:.0f}" '
        f'role="img" aria-label="{label}" data-west="{west}" data-north="{north}" '
        f'data-scale="{scale:.5f}" data-cos="{cos:.6f}">'
        f'<rect width="{_INSET_WIDTH:.0f}" height="{height:.0f}" fill="#d3e3ee"/>'
        + "".join(paths)
        + '<rect class="kzmap-locator-frame" fill="rgba(192,57,43,0.12)" '
        'stroke="#c0392b" stroke-width="1.6"/></svg>'
    )


def _options(lang: str, page: PageSize) -> str:
    options = {
        "width": page.width_mm,
        "height": page.height_mm,
        "portrait": page.height_mm > page.width_mm,
        "locator": locator_svg(lang),
        "date": f"{message('print.date', lang)} {dt.date.today().isoformat()}",
        "locatorTitle": message("print.locator", lang),
        "north": message("print.north", lang),
        "title": message("print.default_title", lang),
    }
    return json.dumps(options, ensure_ascii=False)


def _open(page: Page, url: str, lang: str, size: PageSize) -> None:
    goto_offline(page, url)
    script = (files("kzmap.maps") / "js" / "print.js").read_text(encoding="utf-8")
    page.add_script_tag(content=script)
    page.evaluate(f"() => L.kzmap.printSheet(window.kzmapView, {_options(lang, size)})")
    page.wait_for_function(
        "() => document.body.dataset.kzPrinted === '1'", timeout=30_000
    )


def _render(
    url: str, lang: str, size: PageSize, scale: float, wanted: dict[str, Path]
) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    width, height = size.css_px
    with chromium() as browser:
        page = browser.new_page(
            viewport={"width": width, "height": height}, device_scale_factor=scale
        )
        _open(page, url, lang, size)
        if "png" in wanted:
            out["png"] = page.screenshot(full_page=True)
        if "svg" in wanted:
            out["svg"] = str(page.evaluate("() => L.kzmap.sheetToSvg()")).encode()
        if "pdf" in wanted:
            out["pdf"] = page.pdf(
                width=f"{size.width_mm}mm",
                height=f"{size.height_mm}mm",
                print_background=True,
                margin={"top": "0", "bottom": "0", "left": "0", "right": "0"},
            )
    return out


def print_map(
    html_path: str | os.PathLike[str],
    *,
    png: str | os.PathLike[str] | None = None,
    pdf: str | os.PathLike[str] | None = None,
    svg: str | os.PathLike[str] | None = None,
    page: str | PageSize = "A4-landscape",
    scale: float = 2.0,
) -> list[Path]:
    """
    Lay the saved map at `html_path` out on a page and write PNG/PDF/SVG.

    The sheet holds the map frame and, outside it, the title, legend, scale
    bar, north arrow, locator inset, date, boundary disclaimer and the full
    list of sources (which flows onto further pages in the PDF). Chromium
    runs headless with every request but the page itself blocked.

    Parameters
    ----------
    html_path
        A page saved by kzmap.
    png, pdf, svg
        Outputs to write (atomically); None skips one.
    page
        Paper: ``A4``, ``A3`` or ``Letter``, ``-portrait`` or ``-landscape``.
    scale
        PNG pixels per CSS pixel (2 gives about 190 dpi).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    wanted = {
        kind: Path(path)
        for kind, path in (("png", png), ("pdf", pdf), ("svg", svg))
        if path is not None
    }
    if not wanted:
        return []
    data = print_bytes(html_path, kinds=tuple(wanted), page=page, scale=scale)
    written = []
    for kind, path in wanted.items():
        if kind == "svg":
            written.append(write_text_atomic(path, data[kind].decode()))
        else:
            written.append(write_bytes_atomic(path, data[kind]))
    return written


def print_bytes(
    html_path: str | os.PathLike[str],
    *,
    kinds: tuple[str, ...],
    page: str | PageSize = "A4-landscape",
    scale: float = 2.0,
) -> dict[str, bytes]:
    """
    Lay the saved map at `html_path` out on a page; return each kind's bytes.

    Parameters
    ----------
    html_path
        A page saved by kzmap.
    kinds
        Any of ``"png"``, ``"pdf"`` and ``"svg"``.
    page, scale
        As for `print_map`.

    Returns
    -------
    dict
        The encoded sheet per kind (SVG as UTF-8).
    """
    size = page if isinstance(page, PageSize) else parse_page(page)
    wanted = {kind: Path(kind) for kind in kinds}
    url = Path(html_path).resolve().as_uri()
    with Path(html_path).open(encoding="utf-8", errors="replace") as file:
        head = file.read(2000)
    found = _LANG.search(head)
    lang = found["lang"] if found else "en"
    # Playwright's sync API cannot run inside a running asyncio loop (Jupyter).
    with ThreadPoolExecutor(max_workers=1) as pool:
        data = pool.submit(_render, url, lang, size, scale, wanted).result()
    return dict(data)
