"""Shared fixtures: tiny synthetic frames built in code, and a headless browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon


@pytest.fixture
def points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["a", "b"], "name_en": ["Alpha", "Beta"], "source": ["test", "test"]},
        geometry=[Point(76.9, 43.2), Point(71.4, 51.2)],
        crs=4326,
    )


@pytest.fixture
def routes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"route_id": ["r1"], "name_en": ["Test route"]},
        geometry=[LineString([(69.6, 42.3), (71.4, 51.2)])],
        crs=4326,
    )


@pytest.fixture
def polygons() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["p1"], "name_en": ["Square"]},
        geometry=[Polygon([(70, 45), (72, 45), (72, 47), (70, 47)])],
        crs=4326,
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium; in CI (CI=true) a missing browser fails the run."""
    from kzmap.maps.browser import BrowserNotFoundError, chromium

    try:
        with chromium() as b:
            yield b
    except BrowserNotFoundError as err:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"browser tests cannot run in CI: {err}")
        pytest.skip(str(err))


class PageReport:
    """What a page did while loaded offline: requests, console errors, dialogs."""

    def __init__(self) -> None:
        self.external_requests: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []


@pytest.fixture
def open_offline(browser: Any) -> Iterator[Any]:
    """Open a saved HTML file with every request except the file itself aborted."""
    pages: list[Any] = []

    def _open(
        path: Path, *, width: int = 1200, height: int = 800, wait: bool = True
    ) -> tuple[Any, PageReport]:
        report = PageReport()
        url = path.resolve().as_uri()
        page = browser.new_page(viewport={"width": width, "height": height})
        pages.append(page)

        def route(r: Any) -> None:
            if r.request.url == url:
                r.continue_()
            else:
                report.external_requests.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on(
            "console",
            lambda msg: (
                report.console_errors.append(msg.text) if msg.type == "error" else None
            ),
        )
        page.on("pageerror", lambda exc: report.page_errors.append(str(exc)))
        page.on("dialog", lambda d: (report.dialogs.append(d.message), d.dismiss()))
        page.goto(url)
        if not wait:  # e.g. the map is in an iframe: the test waits for it
            return page, report
        page.wait_for_function(
            # land fills are drawn in a pane of their own (kzmap.maps.basemap)
            "() => document.querySelectorAll('.leaflet-map-pane path').length > 0"
            " && (document.documentElement.dataset.kzPending || '0') === '0'",
            timeout=20_000,
        )
        return page, report

    yield _open
    for page in pages:
        page.close()


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs: a larger write there fails with ENOSPC, like a full disk."""
    import shutil
    import subprocess

    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root and mount(8) (CI runs as root)")
    mnt = tmp_path / "full"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False)
