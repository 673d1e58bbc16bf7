"""Builders for bad input files, written in code into tmp_path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ENGINES = ["pyogrio", "fiona"]


def feature(geometry: Any, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def point(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [x, y]}


def fc(*features: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features), **extra}


@pytest.fixture
def write_json(tmp_path: Path):
    """Write a JSON-able object (or raw text/bytes) to tmp_path/name."""

    def _write(obj: Any, name: str = "data.geojson") -> Path:
        path = tmp_path / name
        if isinstance(obj, bytes):
            path.write_bytes(obj)
        elif isinstance(obj, str):
            path.write_text(obj, encoding="utf-8")
        else:
            path.write_text(json.dumps(obj), encoding="utf-8")
        return path

    return _write


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)
