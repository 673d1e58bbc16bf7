"""Maps shown inline in a notebook are drawn with the network blocked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from kzmap.maps import default_map

pytestmark = pytest.mark.browser

_NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01-layers-tour.ipynb"


def _drawn(open_offline: Any, tmp_path: Path, output_html: str) -> Any:
    """Open `output_html` as a notebook would show it; return the map frame."""
    page_path = tmp_path / "output.html"
    page_path.write_text(
        f"<!doctype html><html><body>{output_html}</body></html>", encoding="utf-8"
    )
    page, report = open_offline(page_path, wait=False)
    frame = page.frame_locator("iframe")
    frame.locator(".leaflet-overlay-pane path").first.wait_for(timeout=20_000)
    assert frame.locator(".leaflet-container").count() == 1
    assert frame.locator(".leaflet-overlay-pane path").count() > 100
    assert report.external_requests == []
    assert report.page_errors == []
    return frame


def test_repr_html_draws_the_offline_page(open_offline: Any, tmp_path: Path) -> None:
    html = default_map(lang="kk")._repr_html_()
    assert "&lt;script src=&quot;http" not in html  # no CDN script links
    frame = _drawn(open_offline, tmp_path, html)
    assert "Шартты белгілер" in frame.locator("#kzmap-legend").inner_text()


@pytest.mark.notebook
def test_notebook_01_map_is_drawn_offline(open_offline: Any, tmp_path: Path) -> None:
    nb = nbformat.read(_NOTEBOOK, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": "."}}
    ).execute()
    shown = [
        out["data"]["text/html"]
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if "kzmap-inline" in out.get("data", {}).get("text/html", "")
    ]
    assert len(shown) == 1
    _drawn(open_offline, tmp_path, shown[0])
