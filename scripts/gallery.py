"""Re-take the gallery pictures in docs/img (see docs/gallery.md).

Print sheets are made by ``kzmap render [--spec NAME] --lang L --png sheet.png
--page PAPER`` and cut to page 1 (the numbered sources follow below the sheet
in the PNG). Screen pictures are the saved page in headless Chromium at the
given window size, offline (every request but the page itself is refused),
as a reader sees it: nothing is opened or folded by hand. Every picture is
stored as a 256-colour palette PNG to keep docs/img small.

Run one picture at a time (CPU is scarce), all of them by default:

    .venv/bin/python scripts/gallery.py [NAME ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from kzmap.maps.browser import chromium, goto_offline

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
#: Page 1 of a sheet at 96 dpi, CSS pixels: (width, height) by orientation.
A4 = {"landscape": (1123, 794), "portrait": (794, 1123)}


@dataclass(frozen=True)
class Shot:
    """One gallery picture: what to render and how to look at it."""

    name: str
    spec: str | None
    lang: str
    page: str | None = None  # print paper, e.g. "A4-portrait"; None: screen
    size: tuple[int, int] = (1400, 900)  # screen window


SHOTS = (
    Shot("print-default-en", None, "en", page="A4-landscape"),
    Shot("print-default-kk-portrait", None, "kk", page="A4-portrait"),
    Shot("print-saryagash-ru", "saryagash_tunnels", "ru", page="A4-portrait"),
    Shot("print-northern-kk", "northern_route", "kk", page="A4-landscape"),
    Shot("print-fuel-en", "almaty_jetisu_fuel", "en", page="A4-landscape"),
    Shot("screen-default-ru", None, "ru"),
    Shot("screen-default-phone", None, "en", size=(390, 844)),
    Shot("screen-saryagash-en", "saryagash_tunnels", "en"),
    Shot("screen-fuel-kk", "almaty_jetisu_fuel", "kk", size=(800, 600)),
    Shot("screen-northern-phone", "northern_route", "en", size=(390, 844)),
)


def _render(shot: Shot, folder: Path) -> tuple[Path, Path | None]:
    """Write the HTML page (and the print sheet PNG) into `folder`."""
    html = folder / f"{shot.name}.html"
    argv = [sys.executable, "-m", "kzmap.maps.cli", "render", "--lang", shot.lang]
    argv += ["-o", str(html)]
    if shot.spec:
        argv += ["--spec", shot.spec]
    sheet = None
    if shot.page:
        sheet = folder / f"{shot.name}-sheet.png"
        argv += ["--png", str(sheet), "--page", shot.page]
    # a spec's [output] paths are relative: keep them out of the repository
    subprocess.run(argv, cwd=folder, check=True, capture_output=True)
    return html, sheet


def _screen(html: Path, size: tuple[int, int], out: Path) -> None:
    """Screenshot `html` offline in a window of `size`."""
    url = html.resolve().as_uri()
    width, height = size
    phone = width < 500
    with chromium() as browser:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            is_mobile=phone,
            has_touch=phone,
        )
        page = context.new_page()
        goto_offline(page, url, timeout=120_000)
        page.wait_for_timeout(300)  # the label pass runs just after the last move
        page.screenshot(path=str(out))
        context.close()


def _palette(source: Path, out: Path, crop: tuple[int, int] | None) -> int:
    """Store `source` (cut to `crop`) as a 256-colour PNG; return its size."""
    image = Image.open(source).convert("RGB")
    if crop is not None:
        image = image.crop((0, 0, *crop))
    # max coverage refined by k-means keeps every colour within about 19
    # levels and the land tints true (median cut merged the red and brown
    # route branches; fast octree flattened the relief; plain max coverage
    # turned the cream land green)
    small = image.quantize(colors=256, method=Image.Quantize.MAXCOVERAGE, kmeans=3)
    tmp = out.with_suffix(".tmp.png")
    small.save(tmp, optimize=True)
    tmp.replace(out)
    return out.stat().st_size


def main() -> None:
    """Take the pictures named on the command line (all by default)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="picture names (default: all)")
    args = parser.parse_args()
    known = {s.name: s for s in SHOTS}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown picture {unknown}; choose from {', '.join(known)}")
    shots = [known[n] for n in args.names] if args.names else list(SHOTS)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for shot in shots:
            html, sheet = _render(shot, folder)
            out = IMG / f"{shot.name}.png"
            if sheet is not None:
                orientation = (
                    "portrait" if "portrait" in str(shot.page) else "landscape"
                )
                size = _palette(sheet, out, A4[orientation])
            else:
                raw = folder / f"{shot.name}-raw.png"
                _screen(html, shot.size, raw)
                size = _palette(raw, out, None)
            print(f"{out.relative_to(ROOT)}: {size:,} bytes")
    total = sum(p.stat().st_size for p in IMG.glob("*.png"))
    print(f"docs/img: {total:,} bytes")


if __name__ == "__main__":
    main()
