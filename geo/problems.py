"""Problems found in input files, collected and reported together."""

from __future__ import annotations

import json
import warnings
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal, NoReturn

from kzmap.geo.errors import (
    CRSError,
    DataError,
    DataWarning,
    KzmapError,
    ReadError,
    RepairWarning,
    UsageError,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["Problem", "ProblemLog", "Severity", "ValidationReport"]

Severity = Literal["error", "warning", "info"]

#: Error class raised for a problem, chosen by the first part of its code.
_ERROR_CLASSES: dict[str, type[KzmapError]] = {
    "read": ReadError,
    "limit": ReadError,
    "encoding": ReadError,
    "crs": CRSError,
    "usage": UsageError,
}

#: Codes whose warnings say kzmap changed the data (the others only report).
_REPAIR_PREFIXES = (
    "repair.",
    "columns.",
    "geojson.forced_2d",
    "geojson.ring_closed",
    "geojson.nested_collection",
)

#: At most this many warnings of one code are issued; the rest are counted.
_PER_CODE = 3


@dataclass(frozen=True)
class Problem:
    """
    One problem in one file, located as precisely as possible.

    Attributes
    ----------
    file
        The file as the user named it (``archive.zip!member.shp`` inside a zip).
    code
        Stable dotted identifier, e.g. ``"geometry.invalid"``.
    message
        What was expected, what was found and how to fix it.
    severity
        ``"error"`` (the file is refused), ``"warning"`` (kzmap changed or
        dropped data and says so) or ``"info"`` (nothing lost, e.g. reprojection).
    layer
        Layer name (GeoPackage, zipped Shapefile); None when the file has one.
    feature
        0-based position of the feature (or CSV data row) in the file; None for
        file-level problems.
    feature_id
        The feature's ``id`` (GeoJSON member or ``id`` column) when it has one.
    field
        The attribute (column) concerned; None when not about one field.
    """

    file: str
    code: str
    message: str
    severity: Severity = "error"
    layer: str | None = None
    feature: int | None = None
    feature_id: str | None = None
    field: str | None = None

    def location(self) -> str:
        """Return ``file: layer 'l': feature 3 (id 'x'): field 'f'`` as present."""
        parts = [self.file]
        if self.layer is not None:
            parts.append(f"layer {self.layer!r}")
        if self.feature is not None:
            ident = f" (id {self.feature_id!r})" if self.feature_id is not None else ""
            parts.append(f"feature {self.feature}{ident}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        return ": ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message} [{self.code}]"


@dataclass
class ProblemLog:
    """Collects the problems of one file (and layer) while it is read."""

    file: str
    layer: str | None = None
    strict: bool = False
    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        code: str,
        message: str,
        *,
        severity: Severity = "error",
        feature: int | None = None,
        feature_id: object = None,
        field: str | None = None,
    ) -> None:
        """Record a problem; under ``strict`` every warning becomes an error."""
        if self.strict and severity == "warning":
            severity = "error"
        fid = None if feature_id is None else str(feature_id)
        self.problems.append(
            Problem(self.file, code, message, severity, self.layer, feature, fid, field)
        )

    def fail(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        cause: BaseException | None = None,
    ) -> NoReturn:
        """Record a file-level error and raise every error recorded so far."""
        self.add(code, message, field=field)
        raise error_from(self.problems) from cause

    def has_errors(self) -> bool:
        """Return True if any recorded problem is an error."""
        return any(p.severity == "error" for p in self.problems)

    def raise_errors(self) -> None:
        """Raise one kzmap error listing every error recorded so far, if any."""
        if self.has_errors():
            raise error_from(self.problems)

    def emit_warnings(self) -> None:
        """
        Issue warning-level problems as Python warnings, one line each, grouped.

        At most `_PER_CODE` warnings of one kind (code) are issued; the last
        one shown says how many more like it there are, so 60 features
        without geometry give 3 lines, not 60.
        """
        warned = [p for p in self.problems if p.severity == "warning"]
        counts: dict[str, int] = {}
        for problem in warned:
            counts[problem.code] = counts.get(problem.code, 0) + 1
        shown: dict[str, int] = {}
        for problem in warned:
            seen = shown.get(problem.code, 0) + 1
            shown[problem.code] = seen
            if seen > _PER_CODE:
                continue
            text = " ".join(str(problem).split())
            rest = counts[problem.code] - _PER_CODE
            if seen == _PER_CODE and rest > 0:
                text += f" (and {rest} more like this)"
            category = (
                RepairWarning
                if problem.code.startswith(_REPAIR_PREFIXES)
                else DataWarning
            )
            warnings.warn(text, category, stacklevel=3)


def error_from(problems: Iterable[Problem]) -> KzmapError:
    """
    Build one exception that lists every error-level problem.

    The class follows the codes: all ``crs.*`` gives `CRSError`, all
    ``read.*``/``limit.*``/``encoding.*`` gives `ReadError`, ``usage.*`` gives
    `UsageError`, anything else (or a mix) `DataError`. The problems are kept
    on the exception as ``err.problems``.
    """
    errors = [p for p in problems if p.severity == "error"]
    classes = {_ERROR_CLASSES.get(p.code.split(".")[0], DataError) for p in errors}
    cls = classes.pop() if len(classes) == 1 else DataError
    if len(errors) == 1:
        text = str(errors[0])
    else:
        shown = "\n  ".join(str(p) for p in errors[:20])
        more = f"\n  … and {len(errors) - 20} more" if len(errors) > 20 else ""
        text = f"{len(errors)} problems:\n  {shown}{more}"
    err = cls(text)
    err.problems = tuple(errors)
    return err


@dataclass(frozen=True)
class ValidationReport:
    """
    Every problem found in one file by `kzmap.geo.validate_file`.

    Attributes
    ----------
    file
        The file as given.
    problems
        All problems, errors first, in file order within each severity.
    features_in
        Features (or CSV rows) found in the file, over all layers read; None
        if the file could not be opened.
    features_out
        Features kzmap would return (``features_in`` minus those reported as
        dropped); None if the file would be refused.
    """

    file: str
    problems: tuple[Problem, ...]
    features_in: int | None = None
    features_out: int | None = None

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The error-level problems."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The warning-level problems."""
        return tuple(p for p in self.problems if p.severity == "warning")

    def is_ok(self) -> bool:
        """Return True if the file has no error-level problem."""
        return not self.errors

    def to_dict(self) -> dict[str, object]:
        """Return the report as plain JSON-able values."""
        return {
            "file": self.file,
            "ok": self.is_ok(),
            "features_in": self.features_in,
            "features_out": self.features_out,
            "problems": [asdict(p) for p in self.problems],
        }

    def to_json(self) -> str:
        """Return the report as a JSON object (UTF-8 text, keys sorted)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
