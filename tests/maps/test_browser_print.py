"""Print layout: furniture outside the map frame; PNG, vector PDF and SVG written."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path

import pytest
from PIL import Image

from kzmap.maps.cli import main
from kzmap.maps.printing import _options, parse_page

pytestmark = pytest.mark.browser

_PARTS = [
    ".kzmap-sheet-head",
    "#kzmap-legend",
    ".kzmap-north",
    ".kzmap-sheet-orient .leaflet-control-scale",
    ".kzmap-locator",
    ".kzmap-sheet-date",
    ".kzmap-disclaimer",
    ".kzmap-sheet-sources",
]
_BOXES = """parts => {
  const box = s => { const e = document.querySelector(s);
    if (!e) return null; const r = e.getBoundingClientRect();
    return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
  const inFrame = '.kzmap-sheet-frame .leaflet-control';
  return {frame: box('.kzmap-sheet-frame'),
    parts: parts.map(s => [s, box(s)]),
    controls: Array.from(document.querySelectorAll(inFrame))
      .filter(e => e.getBoundingClientRect().width > 0).length,
    frameRect: ['x', 'y', 'width', 'height'].map(a => Number(
      document.querySelector('.kzmap-locator-frame').getAttribute(a))),
    inset: document.querySelector('svg.kzmap-locator').viewBox.baseVal.width,
    labels: Array.from(document.querySelectorAll(
        '.leaflet-tooltip.kzmap-label, .leaflet-tooltip.kzmap-place'))
      .filter(e => getComputedStyle(e).visibility !== 'hidden')
      .map(e => { const r = e.getBoundingClientRect();
                  return [r.left, r.top, r.right, r.bottom, e.textContent]; })};
}"""


@pytest.mark.parametrize("paper", ["A4-landscape", "A3-portrait", "Letter"])
def test_nothing_overlaps_the_map_frame(
    open_offline, tmp_path, monkeypatch, paper: str
) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "sary.html"
    assert main(["render", "--spec", "saryagash_tunnels", "-o", str(out)]) == 0
    size = parse_page(paper)
    page, report = open_offline(out, width=size.css_px[0], height=size.css_px[1])
    page.wait_for_function("() => document.body.classList.contains('kzmap-ready')")
    page.add_script_tag(content=(files("kzmap.maps") / "js" / "print.js").read_text())
    page.evaluate(f"() => L.kzmap.printSheet(window.kzmapView, {_options('en', size)})")
    page.wait_for_function("() => document.body.dataset.kzPrinted === '1'")
    boxes = page.evaluate(_BOXES, _PARTS)
    frame = boxes["frame"]
    assert frame["r"] - frame["l"] > 300
    assert frame["b"] - frame["t"] > 300
    for name, box in boxes["parts"]:
        assert box is not None, name
        apart = (
            box["r"] <= frame["l"]
            or frame["r"] <= box["l"]
            or box["b"] <= frame["t"]
            or frame["b"] <= box["t"]
        )
        assert apart, (name, box, frame)
    assert boxes["controls"] == 0  # no panel inside the frame
    # the locator shows the frame, inside the inset and smaller than it
    x, y, width, height = boxes["frameRect"]
    assert width > 0
    assert height > 0
    assert x >= 0
    assert y >= 0
    assert x + width <= boxes["inset"]
    # labels in the frame keep apart on paper too
    labels = boxes["labels"]
    assert any(label[4] == "Saryagash" for label in labels)
    for n, a in enumerate(labels):
        for b in labels[n + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)
    # the full citation list is there, every entry
    heading = page.locator(".kzmap-sheet-sources .kzmap-panel-title").inner_text()
    count = int(re.search(r"\((\d+)\)", heading)[1])
    assert count > 20
    assert page.locator(".kzmap-sheet-sources li").count() == count
    assert report.external_requests == []
    assert report.page_errors == []


def test_pdf_svg_and_png_of_the_print_sheet(tmp_path: Path) -> None:
    # A separate process: Playwright's sync API runs once per process.
    args = ["--spec", "saryagash_tunnels", "-o", str(tmp_path / "s.html")]
    outs = ["--pdf", str(tmp_path / "s.pdf"), "--svg", str(tmp_path / "s.svg")]
    outs += ["--png", str(tmp_path / "s.png"), "--page", "A4-landscape"]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kzmap.maps.cli",
            "render",
            *args,
            *outs,
            "--scale",
            "1",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    pdf = (tmp_path / "s.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    # the sheet, then the sources on a second page; text is embedded fonts
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2
    assert b"/FontFile" in pdf
    # all vector: no picture in it (label halos are strokes, not blurred shadows)
    assert re.search(rb"/Subtype\s*/Image", pdf) is None
    root = ET.parse(tmp_path / "s.svg").getroot()
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text or "" for t in root.iter(f"{ns}text")]
    assert any("Saryagash sector" in t for t in texts)
    assert any(re.match(r"Sources \(\d\d\)", t) for t in texts)
    assert any("Boundaries are not authoritative" in t for t in texts)
    # the map's own vector paths (regions, borders, tunnels, crossings, cities)
    assert len(list(root.iter(f"{ns}path"))) > 60
    with Image.open(tmp_path / "s.png") as image:
        width, height = image.size
    assert abs(width - parse_page("A4-landscape").css_px[0]) <= 1  # 297 mm, rounded
    assert height >= parse_page("A4-landscape").css_px[1]


def test_unknown_paper_is_a_clear_error(tmp_path, capsys) -> None:
    code = main(["render", "--layers", "borders", "-o", str(tmp_path / "m.html"),
                 "--pdf", str(tmp_path / "m.pdf"), "--page", "B5"])  # fmt: skip
    assert code != 0
    assert "Unknown page 'B5'" in capsys.readouterr().err
