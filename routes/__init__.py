"""Trafficking route data and route analytics."""

from typing import TYPE_CHECKING

from kzmap.geo._lazy import lazy_package

if TYPE_CHECKING:
    from kzmap.routes.analytics import (
        OverlapWarning,
        border_crossings,
        country_sequence,
        length_by_polygon,
        route_length_km,
    )
    from kzmap.routes.catalog import (
        branch_ids,
        load_branches,
        load_network,
        load_routes,
        load_waypoints,
    )
    from kzmap.routes.exposure import exposure
    from kzmap.routes.geodesy import geodesic_line
    from kzmap.routes.io import read_route
    from kzmap.routes.model import legs_from_waypoints, routes_from_waypoints

__all__ = [
    "OverlapWarning",
    "border_crossings",
    "branch_ids",
    "country_sequence",
    "exposure",
    "geodesic_line",
    "legs_from_waypoints",
    "length_by_polygon",
    "load_branches",
    "load_network",
    "load_routes",
    "load_waypoints",
    "read_route",
    "route_length_km",
    "routes_from_waypoints",
]

lazy_package(
    __name__,
    {
        "kzmap.routes.analytics": (
            "OverlapWarning",
            "border_crossings",
            "country_sequence",
            "length_by_polygon",
            "route_length_km",
        ),
        "kzmap.routes.catalog": (
            "branch_ids",
            "load_branches",
            "load_network",
            "load_routes",
            "load_waypoints",
        ),
        "kzmap.routes.exposure": ("exposure",),
        "kzmap.routes.geodesy": ("geodesic_line",),
        "kzmap.routes.io": ("read_route",),
        "kzmap.routes.model": (
            "legs_from_waypoints",
            "routes_from_waypoints",
        ),
    },
)
