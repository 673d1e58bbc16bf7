"""Render an HTML map to PNG in headless Chromium, with the network blocked."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from kzmap.geo.output import write_bytes_atomic
from kzmap.maps.browser import chromium, goto_offline

if TYPE_CHECKING:
    import os

__all__ = ["html_to_png", "png_bytes"]

#: JS condition true once Leaflet has created the map and drawn its vector layers.
_READY = (
    "() => document.querySelector('.leaflet-container') !== null && "
    "document.querySelectorAll('.leaflet-overlay-pane path').length > 0 && "
    "(document.documentElement.dataset.kzPending || '0') === '0' && "
    "document.querySelector('.leaflet-zoom-anim, .leaflet-pan-anim') === null && "
    "(document.getElementById('kzmap-page') === null || "
    "document.body.classList.contains('kzmap-ready'))"
)
_PRINT_MODE = """() => {
    document.body.classList.add('kzmap-print');
    document.querySelectorAll('details:not(.kzmap-filters)')
        .forEach(d => { d.open = true; });
}"""


def html_to_png(
    html_path: str | os.PathLike[str],
    png_path: str | os.PathLike[str],
    *,
    width: int = 1280,
    height: int = 800,
    scale: float = 1.0,
) -> Path:
    """
    Screenshot the page at `html_path` into `png_path`.

    Every request except the ``file://`` page itself is aborted, so the PNG
    shows what an offline reader sees.

    Parameters
    ----------
    html_path
        A saved kzmap page.
    png_path
        Output PNG, written atomically.
    width, height
        Viewport size in CSS pixels.
    scale
        Device scale factor (2 doubles the pixel size, for print).

    Returns
    -------
    pathlib.Path
        `png_path`.
    """
    data = png_bytes(html_path, width=width, height=height, scale=scale)
    return write_bytes_atomic(png_path, data)


def png_bytes(
    html_path: str | os.PathLike[str],
    *,
    width: int = 1280,
    height: int = 800,
    scale: float = 1.0,
) -> bytes:
    """
    Screenshot the page at `html_path` and return the PNG bytes.

    Parameters
    ----------
    html_path
        A saved kzmap page.
    width, height, scale
        As for `html_to_png`.

    Returns
    -------
    bytes
        The PNG image.
    """
    url = Path(html_path).resolve().as_uri()
    # Playwright's sync API refuses to run in a thread with a running asyncio
    # loop (Jupyter kernels, or a test that already drives a browser), so the
    # screenshot is always taken in a worker thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_screenshot, url, width, height, scale).result()


def _screenshot(url: str, width: int, height: int, scale: float) -> bytes:
    """Load `url` in headless Chromium with the network blocked; return PNG bytes."""
    with chromium() as browser:
        page = browser.new_page(
            viewport={"width": width, "height": height}, device_scale_factor=scale
        )
        goto_offline(page, url, _READY)
        # Print mode: no zoom buttons or layer switcher, sources panel expanded.
        page.evaluate(_PRINT_MODE)
        page.wait_for_timeout(600)  # Leaflet redraws vectors after its last move
        page.wait_for_function(_READY, timeout=30_000)
        return page.screenshot(full_page=False)
