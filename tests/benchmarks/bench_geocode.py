"""
Benchmark kzmap.layers.geocode against a naive pandas exact-match merge (by hand).

The records are place texts drawn from the gazetteer's own spellings (about
``--variants`` share of them rewritten as press would write them: upper case,
"g." / "город" / "region" / "область" qualifiers, a misspelling) plus a few
unknown names, so both contenders see the same rows. The anchor is the
cheapest thing an analyst could do with the same gazetteer: explode its names,
lower-case them, and ``merge`` on the lower-cased text. It finds only exact
spellings; the printed hit rates show what folding and fuzzy matching add.

Times include loading and indexing the gazetteer (cold, first call in a fresh
process) and, separately, a warm second call.

    .venv/bin/python tests/benchmarks/bench_geocode.py --sizes 1e4,1e5
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

_EDITS = (
    lambda s: s.upper(),
    lambda s: f"g. {s}",
    lambda s: f"город {s}",
    lambda s: f"{s} region",
    lambda s: f"{s} область",
    lambda s: s.replace("-", " "),
    lambda s: s[:-2] + s[-1] + s[-2] if len(s) > 6 else s,  # swapped letters
)
_UNKNOWN = ("Atlantis", "Springfield", "Эльдорадо", "Zzyzx")


def records(n: int, variants: float, pool_size: int, seed: int = 7) -> pd.DataFrame:
    """`n` place texts: gazetteer spellings, rewritten variants, unknown names."""
    from kzmap.layers import load_gazetteer

    names = load_gazetteer()["names"].str.split("|").explode().to_numpy()
    rng = np.random.default_rng(seed)
    pool = list(rng.choice(names, min(pool_size, len(names)), replace=False))
    for i in range(len(pool)):
        if rng.random() < variants:
            pool[i] = _EDITS[rng.integers(len(_EDITS))](pool[i])
    pool += list(_UNKNOWN)
    return pd.DataFrame({"place": rng.choice(np.array(pool, dtype=object), n)})


def naive(frame: pd.DataFrame) -> pd.DataFrame:
    """Exact lower-case merge on the gazetteer's names (first place per name)."""
    from kzmap.layers import load_gazetteer

    table = load_gazetteer()
    names = table.assign(alias=table["names"].str.split("|")).explode("alias")
    names["key"] = names["alias"].str.lower()
    lookup = names.drop_duplicates("key")[["key", "lon", "lat"]]
    left = frame.assign(key=frame["place"].str.lower())
    return left.merge(lookup, on="key", how="left")


def _time(fn, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--sizes", default="1e4,1e5")
    parser.add_argument("--variants", type=float, default=0.3)
    parser.add_argument(
        "--pool", type=int, default=3000, help="distinct place texts to draw from"
    )
    args = parser.parse_args()
    from kzmap.layers import geocode

    sizes = [int(float(s)) for s in args.sizes.split(",")]
    heads = ("records", "kzmap cold", "warm", "pandas merge", "ratio", "kzmap found",
             "matched", "merge found")  # fmt: skip
    widths = (9, 11, 7, 13, 6, 12, 8, 12)
    print(" ".join(h.rjust(w) for h, w in zip(heads, widths, strict=True)))
    for n in sizes:
        frame = records(n, args.variants, args.pool)
        from kzmap.layers.geocode_data import gazetteer_index

        gazetteer_index.cache_clear()
        cold, out = _time(lambda f: geocode(f, column="place"), frame)
        warm, _ = _time(lambda f: geocode(f, column="place"), frame)
        anchor, merged = _time(naive, frame)
        found = (out["geocode_status"] != "unmatched").mean()
        matched = (out["geocode_status"] == "matched").mean()
        hit = merged["lon"].notna().mean()
        cells = (f"{n:,}", f"{cold:.2f}s", f"{warm:.2f}s", f"{anchor:.2f}s",
                 f"{cold / anchor:.1f}x", f"{found:.1%}", f"{matched:.1%}",
                 f"{hit:.1%}")  # fmt: skip
        print(" ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)))
    print("found = matched or ambiguous (ambiguous rows list their candidates).")


if __name__ == "__main__":
    main()
