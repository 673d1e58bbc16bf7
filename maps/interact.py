"""Click picking on a kzmap page: every feature under a click, and a chooser."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import zlib
from importlib.resources import files
from typing import TYPE_CHECKING

from branca.element import Element, Figure, MacroElement

from kzmap.maps.compact import DataBlock
from kzmap.maps.escape import safe_text
from kzmap.maps.i18n import market_label, message
from kzmap.maps.offline import require_asset
from kzmap.maps.popups import display_name
from kzmap.maps.sources import row_source_key

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import folium

    from kzmap.maps.page import PageState

__all__ = [
    "BACKGROUND_LAYERS",
    "FILTER_KEYS",
    "filter_properties",
    "install_pick",
    "places_payload",
]

#: Base areas a click lists only when it hits nothing else, so that a region
#: underneath never hides a line, point or smaller area on top of it.
BACKGROUND_LAYERS = frozenset({"countries", "regions", "regions_legacy"})

_CSS = """<style>
.kzmap-chooser-head{font-weight:650;margin-bottom:3px;}
.kzmap-chooser ul{list-style:none;margin:0;padding:0;}
.kzmap-chooser-item{display:block;width:100%;text-align:left;border:0;
background:none;padding:3px 2px;cursor:pointer;font:inherit;color:inherit;}
.kzmap-chooser-item:hover,.kzmap-chooser-item:focus{background:#eef3f8;}
.kzmap-chooser-layer{color:#666;font-size:11px;}
.kzmap-chooser-layer::before{content:"· ";}
.kzmap-popup .kzmap-meta{color:#444;margin:3px 0;}
.kzmap-popup .kzmap-lang-note{color:#666;font-size:11px;font-style:italic;}
.kzmap-filters{max-width:260px;max-height:45vh;overflow:auto;}
.kzmap-filters summary{cursor:pointer;font-weight:650;}
.kzmap-filters fieldset{border:0;margin:3px 0;padding:0;}
.kzmap-filters legend{font-weight:600;padding:0;}
.kzmap-filters label{display:block;}
.kzmap-filter-n,.kzmap-legend-n{color:#666;}
.kzmap-filters input[type=number]{width:5em;}
.kzmap-filtered-out{display:none;}
.kzmap-search input{width:200px;font:inherit;padding:2px 4px;}
.kzmap-search ul{list-style:none;margin:2px 0 0;padding:0;max-height:40vh;
overflow:auto;}
.kzmap-search button{display:block;width:100%;text-align:left;border:0;
background:none;padding:2px;cursor:pointer;font:inherit;}
.kzmap-search button:hover,.kzmap-search button:focus{background:#eef3f8;}
.kzmap-metric-only .leaflet-control-scale-line:nth-child(2){display:none;}
</style>"""


#: Feature properties the in-page filters read: market label, confidence, date,
#: names (search box) and the key of the feature's entry in the sources panel.
FILTER_KEYS = ("_kz_m", "_kz_c", "_kz_d", "_kz_s", "_kz_src")
_CONFIDENCE = frozenset({"confirmed", "reported", "approximate"})


def filter_properties(
    rows: Sequence[Mapping[str, object]], lang: str
) -> dict[str, list[str]]:
    """
    Return the escaped market label, confidence and ISO date of each row.

    Missing values are ""; a confidence outside the three kzmap values too.
    ``_kz_s`` holds the feature's names in every language, for the search box;
    ``_kz_src`` the key of its citation (`kzmap.maps.sources.row_source_key`).
    """
    market = [
        safe_text(market_label(m, lang)) if isinstance(m, str) else ""
        for m in (r.get("market") for r in rows)
    ]
    confidence = [str(r.get("confidence") or "") for r in rows]
    confidence = [c if c in _CONFIDENCE else "" for c in confidence]
    date = [safe_text(r.get("date"))[:10] for r in rows]
    names = [
        " | ".join(
            dict.fromkeys(
                n
                for n in (
                    safe_text(display_name(r, lang)),
                    *(
                        safe_text(r.get(k))
                        for k in ("name_en", "name_ru", "name_kk", "name")
                    ),
                    safe_text(r.get("name_other_side")),
                )
                if n
            )
        )
        for r in rows
    ]
    keys = [row_source_key(r) for r in rows]
    return dict(zip(FILTER_KEYS, (market, confidence, date, names, keys), strict=True))


class _Pick(MacroElement):  # type: ignore[misc]  # branca is untyped
    """Inlines pick.js and starts it once the page's layers exist."""

    def __init__(self, m: folium.Map, state: PageState) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KzmapPick"
        self._map = m
        self._state = state

    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Inline pick.js and its style; start it when the page has loaded."""
        figure = self.get_root()
        if isinstance(figure, Figure):
            require_asset(figure, "pick.js")
            require_asset(figure, "filters.js")
            require_asset(figure, "search.js")
            require_asset(figure, "compact.js")
            figure.header.add_child(Element(_CSS), name="kzmap_pick_css")
            places = places_payload(self._state.lang, self._state.bounds)
            figure.html.add_child(DataBlock(_PLACES_ID, places), name=_PLACES_ID)
            figure.script.add_child(
                Element(_script(self._map, self._state)), name="kzmap_pick"
            )


def _js_name(element: object) -> str:
    name = str(getattr(element, "get_name", lambda: "")())
    if not name.replace("_", "").isalnum():  # folium builds names from hex ids
        msg = f"Unexpected element name {name!r}."
        raise ValueError(msg)
    return name


def _script(m: folium.Map, state: PageState) -> str:
    background = ",".join(
        _js_name(layer.element)
        for layer in state.layers
        if layer.key in BACKGROUND_LAYERS
    )
    options = json.dumps({"heading": safe_text(message("pick.heading", state.lang))})
    units = json.dumps({k: message(f"units.{k}", state.lang) for k in ("m", "km")})
    metric = (
        f'  {_js_name(m)}.getContainer().classList.add("kzmap-metric-only");\n'
        if state.lang != "en"
        else ""
    )
    groups = ",".join(
        f'[{_js_name(layer.element)},"'
        + (f"kzmap-legend-{n}" if layer.legend and layer.legend.entries else "")
        + f'",{n}]'
        for n, layer in enumerate(state.layers)
    )
    return (
        'document.addEventListener("DOMContentLoaded", function () {\n'
        f"  var filters = {_filter_text(state.lang)};\n"
        f"  filters.groups = [{groups}];\n"
        # once every compact layer is filled; a promise, not a timer, so the
        # controls are in place before layout.js fits the view a last time
        "  var filled = L.kzmap.whenLoaded ? L.kzmap.whenLoaded()"
        " : Promise.resolve();\n"
        "  filled.then(function () {\n"
        f"    L.kzmap.filters(filters).addTo({_js_name(m)});\n"
        f"    L.kzmap.search({_search_text(state.lang)}).addTo({_js_name(m)});\n"
        "  });\n"
        f"  var options = {options};\n{metric}"
        f"  options.background = [{background}];\n"
        f"  L.kzmap.pick({_js_name(m)}, options);\n"
        f"  L.kzmap.units = {units};\n"
        f"  {_js_name(m)}.fire('moveend');\n"
        "});\n"
    )


def _filter_text(lang: str) -> str:
    text: dict[str, object] = {
        k: safe_text(message(f"filters.{k}", lang))
        for k in ("title", "market", "confidence", "years", "shown")
    }
    text["labels"] = {
        c: safe_text(message(f"confidence.{c}", lang)) for c in sorted(_CONFIDENCE)
    }
    text["other"] = safe_text(message("ui.other", lang))
    return json.dumps({"text": text})


def _search_text(lang: str) -> str:
    text = {
        k: safe_text(message(f"search.{k}", lang))
        for k in ("placeholder", *_PLACE_KINDS, "gazetteer")
    }
    return json.dumps({**text, "places": _PLACES_ID})


#: Kinds of gazetteer places the search box finds besides the drawn features
#: (regions, countries and crossings are drawn layers of their own).
_PLACE_KINDS = ("town", "city", "district")
_PLACES_ID = "kzmap-places"
_KAZAKH = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
_CYRILLIC = re.compile("[А-Яа-яЁё]")
_MARGIN = 1.0  # degrees around the map's bounds
#: Every town of these countries; elsewhere towns of `_BIG_TOWN` people or more.
_CENTRAL_ASIA = frozenset({"KZ", "KG", "UZ", "TJ", "TM"})
_BIG_TOWN = 50_000


def _population(row: dict[str, str]) -> float:
    try:
        return float(row.get("population") or 0)
    except ValueError:
        return 0.0


def _shown_name(primary: str, names: list[str], lang: str) -> str:
    """Return the place's name in `lang`: a Kazakh or Russian spelling if known."""
    cyrillic = [n for n in names if _CYRILLIC.search(n)]
    if lang == "kk":
        return next((n for n in cyrillic if _KAZAKH.search(n)), "") or next(
            iter(cyrillic), primary
        )
    if lang == "ru":
        return next((n for n in cyrillic if not _KAZAKH.search(n)), primary)
    return primary


def places_payload(lang: str, bounds: tuple[float, float, float, float]) -> str:
    """
    Return the gazetteer's towns and districts near `bounds` for the search box.

    All of those in Kazakhstan and the four Central Asian neighbours; in
    other countries the towns of 50 000 people or more (page size).

    Each place is ``[lat, lon, kind, shown name, searchable names, source]``:
    the name in `lang`, the Latin and Cyrillic names of the packaged gazetteer
    (layers/data/gazetteer.csv) and the index of its source's short name in
    ``sources``; base64 of zlib-compressed JSON (raw text: search.js writes it
    with ``textContent`` only).
    """
    south, west, north, east = bounds
    text = (files("kzmap.layers") / "data" / "gazetteer.csv").read_text("utf-8")
    rows: list[list[object]] = []
    sources: dict[str, int] = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["kind"] not in _PLACE_KINDS:
            continue
        lat, lon = float(row["lat"]), float(row["lon"])
        if not (south - _MARGIN <= lat <= north + _MARGIN):
            continue
        if not (west - _MARGIN <= lon <= east + _MARGIN):
            continue
        if row["country"] not in _CENTRAL_ASIA and _population(row) < _BIG_TOWN:
            continue
        names = [n for n in row["names"].split("|") if n] or [row["name"]]
        if row["kind"] == "district" and len(names) > 1:  # name|ru|kk (geokz)
            names = [names[0], names[-1] if lang == "kk" else names[1], *names[1:]]
        search = [row["name"], *(n for n in names if _CYRILLIC.search(n))]
        source = row["source"].split(" (")[0].split(",")[0].strip()
        rows.append(
            [
                round(lat, 4),
                round(lon, 4),
                _PLACE_KINDS.index(row["kind"]),
                _shown_name(row["name"], names, lang),
                "|".join(dict.fromkeys(search)),
                sources.setdefault(source, len(sources)),
            ]
        )
    payload = {"sources": list(sources), "rows": rows}
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def install_pick(m: folium.Map, state: PageState) -> None:
    """Make every click on `m` list all features within a few pixels of it."""
    m.add_child(_Pick(m, state), name="kzmap_pick")
