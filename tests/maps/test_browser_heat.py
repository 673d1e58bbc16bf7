"""`--as heat|points|cluster` and `--time` for your own points, and in specs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kzmap.maps import SpecError, read_spec
from kzmap.maps.cli import main

_CSV = (
    "lon,lat,date,kind\n76.95,43.25,2024-03-01,heroin\n"
    "71.43,51.13,2025-06-10,cannabis\n69.6,42.3,2023-01-05,heroin\n"
)


@pytest.fixture
def seizures(tmp_path: Path) -> Path:
    path = tmp_path / "seizures.csv"
    path.write_text(_CSV, encoding="utf-8")
    return path


def test_cli_add_as_points_with_time(seizures: Path, tmp_path: Path) -> None:
    out = tmp_path / "pts.html"
    code = main(
        ["render", "--add", str(seizures), "--as", "cluster", "--time", "date",
         "-o", str(out)]
    )  # fmt: skip
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert "L.kzmap.timeSlider(" in page
    assert "L.kzmap.points(" in page or "kzmap points layer" in page


def test_spec_time_needs_points(tmp_path: Path) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text(
        '[[layers]]\npath = "x.csv"\nas = "heat"\ntime = "date"\n', encoding="utf-8"
    )
    with pytest.raises(SpecError, match="'time' needs"):
        read_spec(spec)


@pytest.mark.browser
def test_heat_is_drawn_offline(
    seizures: Path, tmp_path: Path, open_offline: Any
) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text(
        f'title = "Seizures"\n[[layers]]\npath = "{seizures.name}"\nas = "heat"\n',
        encoding="utf-8",
    )
    out = tmp_path / "heat.html"
    assert main(["render", "--spec", str(spec), "-o", str(out)]) == 0
    page, report = open_offline(out)
    canvas = page.locator("canvas.kzmap-heat")
    assert canvas.get_attribute("data-kz-heat-points") == "3"
    # listed in the layer control, and switching it off removes the canvas
    page.locator(".leaflet-control-layers-overlays label", has_text="seizures").click()
    assert page.locator("canvas.kzmap-heat").count() == 0
    assert report.external_requests == []
    assert report.page_errors == []
