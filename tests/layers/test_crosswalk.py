from __future__ import annotations

import pandas as pd
import pytest

from kzmap.geo import DataError
from kzmap.layers import legacy_to_current, load, load_crosswalk


def test_crosswalk_is_a_string_table_with_known_relations() -> None:
    table = load_crosswalk()
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == [
        "legacy_id",
        "current_id",
        "relation",
        "area_share",
        "note",
    ]
    assert table.map(lambda v: isinstance(v, str)).all().all()
    assert set(table["relation"]) <= {"same", "split", "part"}
    assert not table.duplicated(["legacy_id", "current_id"]).any()


def test_crosswalk_covers_every_legacy_and_current_code() -> None:
    table = load_crosswalk()
    assert set(load("regions_legacy")["id"]) <= set(table["legacy_id"])
    assert set(table["legacy_id"]) - set(load("regions_legacy")["id"]) == {"KZ-SHY"}
    assert set(table["current_id"]) == set(load("regions")["id"])


def test_crosswalk_agrees_with_the_layers() -> None:
    table = load_crosswalk()
    regions = load("regions")
    pairs = set(zip(table["legacy_id"], table["current_id"], strict=True))
    assert set(zip(regions["legacy_id"], regions["id"], strict=True)) <= pairs
    counts = table.groupby("legacy_id")["relation"].agg(["count", "first"])
    split = counts["first"] == "split"
    assert (counts.loc[split, "count"] > 1).all()
    assert (counts.loc[~split, "count"] == 1).all()


def test_area_shares_of_each_legacy_unit_add_up_to_one() -> None:
    table = load_crosswalk()
    shares = table["area_share"].astype(float)
    assert (shares > 0).all()
    assert (shares <= 1).all()
    totals = shares.groupby(table["legacy_id"]).sum()
    # below 1 only by the slivers lying in districts counted to another unit
    assert totals.to_numpy() == pytest.approx(1.0, abs=2e-3)
    assert totals.max() <= 1.0
    split = table[table["legacy_id"] == "KZ-KAR"].set_index("current_id")
    # Ulytau took about 44 % of old Karaganda (geokz, measured by district)
    assert float(split.loc["KZ-62", "area_share"]) == pytest.approx(0.44, abs=0.01)


def test_crosswalk_is_a_fresh_frame() -> None:
    table = load_crosswalk()
    table.loc[0, "current_id"] = "changed"
    assert load_crosswalk().loc[0, "current_id"] != "changed"


def test_legacy_to_current_maps_split_units_to_all_successors() -> None:
    result = legacy_to_current(["KZ-VOS", "KZ-AKM", "KZ-VOS", "KZ-YUZ"])
    assert result == {
        "KZ-VOS": ("KZ-10", "KZ-63"),
        "KZ-AKM": ("KZ-11",),
        "KZ-YUZ": ("KZ-61", "KZ-79"),
    }


def test_legacy_to_current_accepts_one_code() -> None:
    assert legacy_to_current("KZ-SHY") == {"KZ-SHY": ("KZ-79",)}


def test_legacy_to_current_lists_every_unknown_code() -> None:
    with pytest.raises(DataError, match=r"\['KZ-10', 'kz-alm'\].*KZ-AKM"):
        legacy_to_current(["KZ-ALM", "kz-alm", "KZ-10"])
