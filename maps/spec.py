"""Map specs: a briefing map described by a small TOML file, strictly validated."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Literal, TypeVar, cast

from kzmap.geo.errors import UsageError
from kzmap.maps.choropleth import SCHEMES, ChoroplethOptions, Scheme
from kzmap.maps.i18n import LANGUAGES, Language
from kzmap.maps.printing import parse_page
from kzmap.maps.render import TILE_PROVIDERS, Tiles

__all__ = [
    "FilterValue",
    "Focus",
    "LayerSpec",
    "Spec",
    "SpecError",
    "find_spec",
    "parse_focus",
    "read_spec",
    "shipped_specs",
    "spec_from_mapping",
]

FilterValue = str | int | float | bool
_T = TypeVar("_T")
FocusKind = Literal["default", "region", "country", "bbox", "layers", "layer"]

_SHIPPED = files("kzmap.maps") / "specs"
_TOP = {"title", "subtitle", "lang", "tiles", "basemap", "focus", "size", "output"}
_TOP |= {"layers"}
_LAYER = {"name", "path", "title", "show", "labels", "filter", "choropleth"} | {
    "as",
    "time",
}
#: How a layer is drawn (``as`` in a spec, ``--as`` on the command line).
DRAW_MODES = ("features", "points", "cluster", "heat")
_CHORO = {"column", "scheme", "k", "bins"}
_OUTPUT = {"html", "png", "embed", "scale", "pdf", "svg", "page"}
_SIZE = {"width", "height"}
_REGION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_COUNTRY = re.compile(r"^[A-Z]{2,3}$")


class SpecError(UsageError):
    """A map spec is malformed: unknown keys, wrong types or values."""


@dataclass(frozen=True)
class Focus:
    """What the view is fitted to: a region/country code, a bbox or the layers."""

    kind: FocusKind = "default"
    code: str = ""
    bbox: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class LayerSpec:
    """One layer of a spec: a packaged layer (`name`) or a file of yours (`path`)."""

    name: str | None = None
    path: Path | None = None
    title: str | None = None
    show: bool = True
    labels: bool = False
    filter: tuple[tuple[str, tuple[FilterValue, ...]], ...] = ()
    choropleth: ChoroplethOptions | None = None
    #: One of `DRAW_MODES`: vector features, canvas points, clustered points, heat.
    draw: str = "features"
    #: Date column for a time slider (``as = "points"``, ``"cluster"``, ``"heat"``).
    time: str | None = None

    @property
    def key(self) -> str:
        """The packaged layer name, else the file's stem."""
        return self.name or (self.path.stem if self.path else "")


@dataclass(frozen=True)
class Spec:
    """
    A map described in data; see `read_spec` for the TOML form.

    `width`/`height` are CSS pixels of the PNG and the embed frame; output
    paths are relative to the working directory, layer paths to the spec file.
    """

    layers: tuple[LayerSpec, ...] = ()
    title: str = ""
    subtitle: str = ""
    lang: Language = "en"
    tiles: Tiles = "none"
    basemap: bool = True
    focus: Focus = field(default_factory=Focus)
    width: int = 1280
    height: int = 800
    scale: float = 1.0
    html: Path | None = None
    png: Path | None = None
    embed: Path | None = None
    #: Print layout outputs, and the paper they are laid out on ("A4-landscape");
    #: with a page, the PNG is the print sheet too (else a screenshot).
    pdf: Path | None = None
    svg: Path | None = None
    page: str | None = None
    source: Path | None = None
    #: ``title = { en = "...", ru = "..." }`` in the spec: (language, text) pairs.
    title_translations: tuple[tuple[str, str], ...] = ()
    subtitle_translations: tuple[tuple[str, str], ...] = ()

    def shown(self, key: Literal["title", "subtitle"]) -> str:
        """Return the title or subtitle in the spec's language, if translated.

        A title replaced after reading (``kzmap render --title``) is shown as given.
        """
        text: str = getattr(self, key)
        pairs = dict(getattr(self, f"{key}_translations"))
        if pairs and text == _first(pairs):
            return str(pairs.get(self.lang, text))
        return text


class _Checker:
    """Collects every problem of one spec, then raises once."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def add(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def keys(self, table: dict[str, object], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                self.add(
                    where,
                    f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})",
                )

    def typed(
        self,
        table: dict[str, object],
        key: str,
        kind: type[_T],
        where: str,
        default: _T,
    ) -> _T:
        value = table.get(key, default)
        ok = isinstance(value, kind) and not (
            kind in (int, float) and isinstance(value, bool)
        )
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return cast("_T", float(value))
        if not ok:
            self.add(where, f"{key!r} must be {kind.__name__}, got {value!r}")
            return default
        return cast("_T", value)

    def raise_if_any(self) -> None:
        if self.problems:
            lines = "\n  ".join(self.problems)
            msg = f"Invalid map spec {self.source}:\n  {lines}"
            raise SpecError(msg)


def _focus_text(code: str) -> Focus | None:
    if code == "layers":
        return Focus("layers")
    if _REGION.match(code.upper()):
        return Focus("region", code=code.upper())
    if _COUNTRY.match(code.upper()):
        return Focus("country", code=code.upper())
    return None


def _focus_table(
    kind: str, inner: object, check: _Checker, keys: set[str]
) -> Focus | None:
    if kind == "bbox" and isinstance(inner, list):
        return _bbox(inner, check)
    if kind == "layer" and isinstance(inner, str):
        if inner not in keys:
            check.add("focus", f"layer {inner!r} is not among the spec's layers")
        return Focus("layer", code=inner)
    if kind in {"region", "country"} and isinstance(inner, str):
        found = _focus_text(inner.strip())
        if found is not None and found.kind == kind:
            return found
    return None


def _focus(value: object, check: _Checker, layer_keys: set[str]) -> Focus:
    found: Focus | None = None
    if isinstance(value, str):
        found = _focus_text(value.strip())
    elif isinstance(value, list):
        found = _bbox(value, check)
    elif isinstance(value, dict) and len(value) == 1:
        ((kind, inner),) = value.items()
        found = _focus_table(str(kind), inner, check, layer_keys)
    if found is None:
        check.add(
            "focus",
            f"{value!r} is not a region code ('KZ-19'), a country code ('KZ'), "
            "[west, south, east, north], 'layers' or { layer = 'name' }",
        )
        return Focus()
    return found


def parse_focus(value: object, *, layer_keys: frozenset[str] = frozenset()) -> Focus:
    """
    Return the `Focus` written as `value` (as in a spec's ``focus`` key).

    Raises
    ------
    SpecError
        If `value` is not a region/country code, bbox, ``"layers"`` or layer.

    Examples
    --------
    >>> parse_focus("kz-19")
    Focus(kind='region', code='KZ-19', bbox=None)
    """
    check = _Checker("<focus>")
    focus = _focus(value, check, set(layer_keys))
    check.raise_if_any()
    return focus


def _bbox(value: list[object], check: _Checker) -> Focus:
    numbers = [
        v for v in value if isinstance(v, int | float) and not isinstance(v, bool)
    ]
    if len(value) == 4 and len(numbers) == 4:
        w, s, e, n = (float(v) for v in numbers)
        finite = all(map(math.isfinite, (w, s, e, n)))
        if finite and -180 <= w < e <= 180 and -90 <= s < n <= 90:
            return Focus("bbox", bbox=(w, s, e, n))
    check.add("focus", f"bbox {value!r} must be [west, south, east, north] in degrees")
    return Focus()


def _filter(
    value: object, check: _Checker, where: str
) -> tuple[tuple[str, tuple[FilterValue, ...]], ...]:
    if not isinstance(value, dict):
        check.add(
            where, f"'filter' must be a table like {{ market = '...' }}, got {value!r}"
        )
        return ()
    out = []
    for column, wanted in value.items():
        items = wanted if isinstance(wanted, list) else [wanted]
        if not items or not all(isinstance(v, str | int | float) for v in items):
            check.add(where, f"filter {column!r} must be a value or a list of values")
            continue
        out.append((str(column), tuple(cast("list[FilterValue]", items))))
    return tuple(out)


def _choropleth(value: object, check: _Checker, where: str) -> ChoroplethOptions | None:
    if not isinstance(value, dict):
        check.add(where, f"'choropleth' must be a table, got {value!r}")
        return None
    check.keys(value, _CHORO, where + ".choropleth")
    column = check.typed(value, "column", str, where, "")
    scheme = check.typed(value, "scheme", str, where, "quantiles")
    if scheme not in SCHEMES:
        check.add(where, f"scheme {scheme!r} is not one of {', '.join(SCHEMES)}")
    k = check.typed(value, "k", int, where, 5)
    bins = value.get("bins")
    if bins is not None and not (
        isinstance(bins, list) and all(isinstance(b, int | float) for b in bins)
    ):
        check.add(where, f"'bins' must be a list of numbers, got {bins!r}")
        bins = None
    if not column:
        check.add(where, "choropleth needs 'column'")
    return ChoroplethOptions(
        column=column,
        scheme=cast("Scheme", scheme),
        k=k,
        bins=tuple(float(b) for b in bins) if bins else None,
    )


def _layer(table: object, n: int, check: _Checker, base: Path | None) -> LayerSpec:
    where = f"layers[{n}]"
    if not isinstance(table, dict):
        check.add(where, f"must be a table, got {table!r}")
        return LayerSpec()
    check.keys(table, _LAYER, where)
    name = table.get("name")
    path = table.get("path")
    if (name is None) == (path is None):
        check.add(where, "give exactly one of 'name' (a packaged layer) or 'path'")
    if name is not None and not isinstance(name, str):
        check.add(where, f"'name' must be a string, got {name!r}")
    if path is not None and not isinstance(path, str):
        check.add(where, f"'path' must be a string, got {path!r}")
    full = None
    if isinstance(path, str):
        full = Path(path) if base is None else base / path
    return LayerSpec(
        name=name if isinstance(name, str) else None,
        path=full,
        title=check.typed(table, "title", str, where, "") or None,
        show=check.typed(table, "show", bool, where, True),
        labels=check.typed(table, "labels", bool, where, False),
        filter=_filter(table["filter"], check, where) if "filter" in table else (),
        choropleth=(
            _choropleth(table["choropleth"], check, where)
            if "choropleth" in table
            else None
        ),
        draw=_draw(table, check, where),
        time=check.typed(table, "time", str, where, "") or None,
    )


def _draw(table: dict[str, object], check: _Checker, where: str) -> str:
    draw = check.typed(table, "as", str, where, "features")
    if draw not in DRAW_MODES:
        check.add(where, f"'as' must be one of {', '.join(DRAW_MODES)}, got {draw!r}")
        return "features"
    if "time" in table and draw not in ("points", "cluster", "heat"):
        check.add(where, '\'time\' needs as = "points", "cluster" or "heat"')
    return draw


def spec_from_mapping(data: dict[str, object], *, source: Path | None = None) -> Spec:
    """
    Return the `Spec` described by `data` (a parsed TOML document).

    Raises
    ------
    SpecError
        Listing every problem, each naming the key and `source`.
    """
    check = _Checker(str(source) if source else "<spec>")
    check.keys(data, _TOP, "spec")
    base = source.parent if source else None
    raw_layers = data.get("layers", [])
    if not isinstance(raw_layers, list) or not raw_layers:
        check.add("layers", "give at least one [[layers]] table")
        raw_layers = []
    layers = tuple(_layer(t, n, check, base) for n, t in enumerate(raw_layers))
    output = data.get("output", {})
    size = data.get("size", {})
    for key, table, allowed in (("output", output, _OUTPUT), ("size", size, _SIZE)):
        if not isinstance(table, dict):
            check.add(key, f"must be a table, got {table!r}")
        else:
            check.keys(table, allowed, key)
    output = output if isinstance(output, dict) else {}
    size = size if isinstance(size, dict) else {}
    titles, subtitles = _texts(data, "title", check), _texts(data, "subtitle", check)
    spec = Spec(
        layers=layers,
        title=_first(dict(titles))
        if titles
        else check.typed(data, "title", str, "spec", ""),
        subtitle=_first(dict(subtitles))
        if subtitles
        else check.typed(data, "subtitle", str, "spec", ""),
        title_translations=titles,
        subtitle_translations=subtitles,
        lang=cast("Language", check.typed(data, "lang", str, "spec", "en")),
        tiles=cast("Tiles", check.typed(data, "tiles", str, "spec", "none")),
        basemap=check.typed(data, "basemap", bool, "spec", True),
        focus=_focus(data["focus"], check, {s.key for s in layers})
        if "focus" in data
        else Focus(),
        width=check.typed(size, "width", int, "size", 1280),
        height=check.typed(size, "height", int, "size", 800),
        scale=check.typed(output, "scale", float, "output", 1.0),
        html=_out(output, "html", check),
        png=_out(output, "png", check),
        embed=_out(output, "embed", check),
        pdf=_out(output, "pdf", check),
        svg=_out(output, "svg", check),
        page=check.typed(output, "page", str, "output", "") or None,
        source=source,
    )
    _check_values(spec, check)
    check.raise_if_any()
    return spec


def _out(table: dict[str, object], key: str, check: _Checker) -> Path | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        check.add("output", f"{key!r} must be a file path, got {value!r}")
        return None
    return Path(value)


def _check_values(spec: Spec, check: _Checker) -> None:
    if spec.lang not in LANGUAGES:
        check.add("lang", f"{spec.lang!r} is not one of {', '.join(LANGUAGES)}")
    if spec.tiles != "none" and spec.tiles not in TILE_PROVIDERS:
        check.add(
            "tiles", f"{spec.tiles!r} is not one of none, {', '.join(TILE_PROVIDERS)}"
        )
    for key, value in (("width", spec.width), ("height", spec.height)):
        if not 200 <= value <= 6000:
            check.add("size", f"{key} {value!r} must be 200 to 6000 CSS pixels")
    if spec.page is not None:
        try:
            parse_page(spec.page)
        except UsageError as err:
            check.add("output", str(err))
    if not 0.5 <= spec.scale <= 4:
        check.add("output", f"scale {spec.scale!r} must be 0.5 to 4")


def read_spec(path: str | Path) -> Spec:
    """
    Read a map spec from a TOML file.

    Parameters
    ----------
    path
        The spec file. Layer ``path`` entries are relative to its folder.

    Returns
    -------
    Spec

    Raises
    ------
    SpecError
        If the file is not valid TOML or breaks the spec rules (every problem
        is listed, each naming its key and this file).
    """
    source = Path(path)
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        msg = f"Cannot read map spec {source}: {err}"
        raise SpecError(msg) from err
    return spec_from_mapping(data, source=source)


def shipped_specs() -> list[str]:
    """Return the names of the example specs shipped in ``kzmap.maps/specs``."""
    return sorted(
        p.name.removesuffix(".toml")
        for p in _SHIPPED.iterdir()
        if p.name.endswith(".toml")
    )


def find_spec(name_or_path: str | Path) -> Spec:
    """
    Read the spec at `name_or_path`, else the shipped spec of that name.

    Raises
    ------
    SpecError
        If neither exists (the message lists the shipped names).
    """
    path = Path(name_or_path)
    if path.is_file():
        return read_spec(path)
    name = str(name_or_path).removesuffix(".toml")
    if name in shipped_specs():
        text = (_SHIPPED / f"{name}.toml").read_text(encoding="utf-8")
        return spec_from_mapping(tomllib.loads(text), source=Path(f"<shipped {name}>"))
    msg = (
        f"No spec file {str(name_or_path)!r} and no shipped spec of that name. "
        f"Shipped specs: {', '.join(shipped_specs())}."
    )
    raise SpecError(msg)


def _first(pairs: dict[str, str]) -> str:
    return pairs.get("en") or next(iter(pairs.values()), "")


def _texts(
    data: dict[str, object], key: str, check: _Checker
) -> tuple[tuple[str, str], ...]:
    """Read ``key = { en = "...", ru = "...", kk = "..." }``; () for plain text."""
    value = data.get(key)
    if not isinstance(value, dict):
        return ()
    pairs = tuple(
        (str(k), v) for k, v in value.items() if k in LANGUAGES and isinstance(v, str)
    )
    if len(pairs) != len(value) or not pairs:
        check.add(
            "spec",
            f"{key!r} as a table needs text for languages among {', '.join(LANGUAGES)},"
            f" got {value!r}",
        )
    return pairs
