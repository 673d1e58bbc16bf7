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


def _render_added(seizures: Path, kind: str, time: str, out: Path) -> int:
    """Run ``kzmap render --add SEIZURES --as KIND --time TIME -o OUT``."""
    argv = ["--add", str(seizures), "--as", kind, "--time", time, "-o", str(out)]
    return main(["render", *argv])


def test_cli_add_as_points_with_time(seizures: Path, tmp_path: Path) -> None:
    out = tmp_path / "pts.html"
    assert _render_added(seizures, "cluster", "date", out) == 0
    page = out.read_text(encoding="utf-8")
    assert "L.kzmap.timeSlider(" in page
    assert "L.kzmap.points(" in page or "kzmap points layer" in page


def test_spec_time_needs_points_cluster_or_heat(tmp_path: Path) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text('[[layers]]\npath = "x.csv"\ntime = "date"\n', encoding="utf-8")
    with pytest.raises(SpecError, match="'time' needs"):
        read_spec(spec)
    spec.write_text(
        '[[layers]]\npath = "x.csv"\nas = "heat"\ntime = "date"\n', encoding="utf-8"
    )
    assert read_spec(spec).layers[0].time == "date"


def test_heat_time_names_a_missing_column(
    seizures: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "h.html"
    assert _render_added(seizures, "heat", "when", out) == 2
    assert "no column 'when'" in capsys.readouterr().err
    assert not out.exists()


def _slide_to(page: Any, first: str, last: str) -> None:
    page.evaluate(
        """([a, b]) => {
          const day = (s) => String(Date.parse(s + 'T00:00:00Z') / 86400000);
          const from = document.querySelector('.kzmap-timeslider-from');
          const to = document.querySelector('.kzmap-timeslider-to');
          from.value = day(a); to.value = day(b);
          from.dispatchEvent(new Event('input')); to.dispatchEvent(new Event('input'));
        }""",
        [first, last],
    )


@pytest.mark.browser
def test_heat_follows_the_time_slider_from_cli_and_spec(
    seizures: Path, tmp_path: Path, open_offline: Any
) -> None:
    out = tmp_path / "cli.html"
    assert _render_added(seizures, "heat", "date", out) == 0
    spec = tmp_path / "s.toml"
    spec.write_text(
        f'[[layers]]\npath = "{seizures.name}"\nas = "heat"\ntime = "date"\n',
        encoding="utf-8",
    )
    out2 = tmp_path / "spec.html"
    assert main(["render", "--spec", str(spec), "-o", str(out2)]) == 0
    for path in (out, out2):
        page, report = open_offline(path)
        canvas = page.locator("canvas.kzmap-heat")
        assert canvas.get_attribute("data-kz-heat-points") == "3"
        _slide_to(page, "2024-01-01", "2025-12-31")  # two of the three dates
        assert canvas.get_attribute("data-kz-heat-points") == "2"
        label = page.locator(".kzmap-timeslider-range").inner_text()
        assert "2024-01-01" in label
        assert "· 2 " in label
        _slide_to(page, "2023-01-01", "2023-01-31")
        assert canvas.get_attribute("data-kz-heat-points") == "1"
        assert report.page_errors == []
        assert report.external_requests == []


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
