"""Offline map controls: full screen, distance measurement and a date slider."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from branca.element import Figure, MacroElement
from jinja2 import Template

from kzmap.geo.errors import UsageError
from kzmap.maps.escape import safe_text
from kzmap.maps.heat import HeatLayer
from kzmap.maps.i18n import message
from kzmap.maps.offline import require_asset
from kzmap.maps.points import PointsLayer, js_value

if TYPE_CHECKING:
    import folium

__all__ = [
    "FullscreenControl",
    "MeasureControl",
    "Position",
    "TimeSlider",
    "add_fullscreen",
    "add_measure",
    "add_time_slider",
]

#: Corner of the map a control sits in.
Position = Literal["topleft", "topright", "bottomleft", "bottomright"]

#: Keys of the ``[controls]`` section of maps/messages/*.toml.
_KEYS = ("fullscreen", "measure", "hint", "date", "shown")


def _text(lang: str) -> dict[str, str]:
    return {k: safe_text(message(f"controls.{k}", lang)) for k in _KEYS}


class _Control(MacroElement):
    """A kzmap control: one call of an ``L.kzmap`` factory with inert options."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "var {{ this.get_name() }} = L.kzmap.{{ this.factory }}("
        "{{ this.arguments() }}).addTo({{ this._parent.get_name() }});\n"
        "{% endmacro %}"
    )
    factory = ""

    def __init__(self, options: dict[str, object]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = f"Kzmap_{self.factory}"
        self.options = options

    def arguments(self) -> str:
        """Return the factory's arguments as JavaScript."""
        return js_value(self.options)

    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Inline kzmap's control script and style, then render."""
        figure = self.get_root()
        if isinstance(figure, Figure):
            require_asset(figure, "kzmap.css")
            require_asset(figure, "controls.js")
        super().render(**kwargs)  # type: ignore[no-untyped-call]


class FullscreenControl(_Control):
    """Button that shows the map on the whole screen (see `add_fullscreen`)."""

    factory = "fullscreen"


class MeasureControl(_Control):
    """Ruler button for geodesic distances (see `add_measure`)."""

    factory = "measure"


class TimeSlider(_Control):
    """From/to date sliders filtering a points or heat layer (`add_time_slider`)."""

    factory = "timeSlider"

    def __init__(
        self, target: PointsLayer | HeatLayer, options: dict[str, object]
    ) -> None:
        super().__init__(options)
        self.target = target

    def arguments(self) -> str:
        """Return the target layer's variable and the options as JavaScript."""
        return f"{self.target.get_name()}, {js_value(self.options)}"


def add_fullscreen(
    m: folium.Map, *, position: Position = "topleft", lang: str = "en"
) -> FullscreenControl:
    """
    Add a button that shows the map full screen, and back.

    Uses the browser's Fullscreen API; where there is none (e.g. iPhone
    Safari) the map is stretched over the window instead.

    Parameters
    ----------
    m
        The map.
    position
        Corner of the map for the button.
    lang
        Language of the button's tooltip: ``"en"``, ``"ru"`` or ``"kk"``.

    Returns
    -------
    FullscreenControl
        The element added.
    """
    control = FullscreenControl(
        {"position": position, "title": _text(lang)["fullscreen"]}
    )
    m.add_child(control)
    return control


def add_measure(
    m: folium.Map, *, position: Position = "topleft", lang: str = "en"
) -> MeasureControl:
    """
    Add a ruler button: click points on the map to read the path's length.

    Lengths are geodesic on the WGS84 ellipsoid (Vincenty's formula, the
    same within a millimetre as `pyproj.Geod`), shown in m or km. Clicking
    the ruler again clears the line.

    Parameters
    ----------
    m
        The map.
    position
        Corner of the map for the button.
    lang
        Language of the tooltip and hint: ``"en"``, ``"ru"`` or ``"kk"``.

    Returns
    -------
    MeasureControl
        The element added.
    """
    text = _text(lang)
    control = MeasureControl(
        {"position": position, "title": text["measure"], "hint": text["hint"]}
    )
    m.add_child(control)
    return control


def add_time_slider(
    m: folium.Map,
    layer: PointsLayer | HeatLayer,
    date_field: str,
    *,
    title: str | None = None,
    position: Position = "bottomleft",
    lang: str = "en",
) -> TimeSlider:
    """
    Add from/to sliders that show only the points of `layer` dated in range.

    `layer` is a points or cluster layer (`add_points`) or a heat map
    (`kzmap.maps.heat.add_heat`): the heat is then drawn from the points
    dated in range only.

    A year (``"2021"``) or month (``"2021-03"``) counts as all its days.
    Points without a date are shown only while the sliders span everything.

    Parameters
    ----------
    m
        The map `layer` was added to.
    layer
        A layer made by `add_points` or `add_heat`.
    date_field
        Column of the frame given to `add_points`/`add_heat` holding each point's date:
        datetimes, dates or ISO text; missing values allowed.
    title
        Heading over the sliders (escaped); None uses "Date" in `lang`.
    position
        Corner of the map for the sliders.
    lang
        Language of the labels: ``"en"``, ``"ru"`` or ``"kk"``.

    Returns
    -------
    TimeSlider
        The element added.

    Raises
    ------
    TypeError
        If `layer` was not made by `add_points` or `add_heat`.
    UsageError
        If `layer` is not on `m`, or has no column `date_field` or no date.
    DataError
        If some values of `date_field` are not dates.
    """
    if not isinstance(layer, PointsLayer | HeatLayer):
        msg = (
            "add_time_slider needs a layer made by kzmap.maps.add_points or "
            "add_heat, got "
            f"{type(layer).__name__}."
        )
        raise TypeError(msg)
    if layer._parent is not m:
        msg = "`layer` belongs to another map; add it to `m` with add_points first."
        raise UsageError(msg)
    first, last = layer.set_dates(date_field)
    text = _text(lang)
    options: dict[str, object] = {
        "position": position,
        "min": first,
        "max": last,
        "title": safe_text(title) if title is not None else text["date"],
        "shown": text["shown"],
    }
    slider = TimeSlider(layer, options)
    m.add_child(slider)
    return slider
