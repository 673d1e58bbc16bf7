"""points_to_regions and add_points honour geocode_precision."""

from __future__ import annotations

import pandas as pd
import pytest

from kzmap.geo.errors import UsageError
from kzmap.layers import geocode, load, points_to_regions

PLACES = [
    "West Kazakhstan region",  # region
    "Saryagash district",  # district
    "Chimkent",  # town, in Shymkent city (KZ-79)
    "Kazakhstan",  # country
    "Atlantis",  # unmatched
    "Korday checkpoint",  # point, Zhambyl (KZ-31)
]


@pytest.fixture(scope="module")
def geocoded() -> pd.DataFrame:
    return geocode(pd.DataFrame({"place": PLACES}), column="place")


def _counts(result) -> dict[str, int]:
    table = result.table
    return dict(zip(table["id"], table["count"], strict=True))


def test_region_records_count_in_their_region(geocoded) -> None:
    result = points_to_regions(geocoded)
    counts = _counts(result)
    assert counts["KZ-27"] == 1  # West Kazakhstan: its representative point
    assert counts["KZ-61"] == 1  # Saryagash district lies in Turkistan
    assert counts["KZ-79"] == 1
    # The Korday post's point is Korday village, 0.6 km inside Kazakhstan: a
    # point record counts where it falls, here in Jambyl (KZ-31).
    assert counts["KZ-31"] == 1
    assert sum(counts.values()) == 4
    assert result.level == "region"
    assert result.coarse_index.tolist() == [3]  # the country-level record
    assert result.outside_index.tolist() == [4]  # no coordinates
    assert result.total == 6


def test_region_records_are_never_put_in_a_district(geocoded) -> None:
    # the regions, relabelled as districts: the region-level record must not
    # land in the "district" its representative point falls in
    districts = load("regions").assign(kind="district")
    result = points_to_regions(geocoded, regions=districts)
    counts = _counts(result)
    assert counts["KZ-27"] == 0
    assert counts["KZ-61"] == 1  # district-level: fine at district level
    assert result.level == "district"
    assert result.coarse_index.tolist() == [0, 3]
    assert result.coarse_count == 2


def test_level_can_be_given(geocoded) -> None:
    result = points_to_regions(geocoded, level="district")
    assert result.coarse_index.tolist() == [0, 3]


def test_points_without_precision_are_counted_as_before() -> None:
    points = pd.DataFrame({"lon": [51.4], "lat": [50.9]})  # West Kazakhstan
    result = points_to_regions(points, regions=load("regions").assign(kind="district"))
    assert result.coarse_count == 0
    assert _counts(result)["KZ-27"] == 1


def test_unknown_precision_is_an_error() -> None:
    points = pd.DataFrame({"lon": [51.4], "lat": [50.9], "geocode_precision": ["x"]})
    with pytest.raises(UsageError, match="geocode_precision"):
        points_to_regions(points)
