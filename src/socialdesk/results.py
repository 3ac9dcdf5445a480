"""One way to turn a skill's result into plain JSON data, for every face.

The web's `.json` twins, the CLI's `--json` and (later) the reports' data files all call
`plain()`, so the same result reads the same wherever it is asked for:

- dataclasses become objects of their fields, in declaration order; a field declared with
  `field(metadata={"json": False})` is left out (charts, raw frames), and names listed in a
  class's `__json_properties__` are added (computed figures such as a curve's marginal return);
- dates and times become ISO strings, enums their value, numpy scalars Python numbers, NaN and
  infinities null, tuples and sets lists, mapping keys strings;
- a pandas DataFrame becomes a list of records (missing cells null), a Series a list;
- Decimals become numbers; anything else (bytes, an ORM object, a coroutine) is a TypeError,
  so a result that carries something no face should print fails in the tests, not silently.

It sits at the bottom of the layers with `errors`, `config` and `phrases`: it imports nothing of
socialdesk, and pandas and numpy only when they are already loaded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any


def plain(value: Any) -> Any:
    """`value` as JSON-ready data (dicts, lists, str, int, float, bool, None)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            if f.metadata.get("json", True):
                out[f.name] = plain(getattr(value, f.name))
        for name in getattr(value, "__json_properties__", ()):
            out[name] = plain(getattr(value, name))
        return out
    if isinstance(value, Mapping):
        return {str(plain(k)) if not isinstance(k, str) else k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    pd = sys.modules.get("pandas")
    if pd is not None and (value is pd.NaT or value is pd.NA):
        return None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Decimal):
        return plain(float(value))
    if pd is not None:
        if isinstance(value, pd.DataFrame):
            return [plain(r) for r in value.astype(object).to_dict("records")]
        if isinstance(value, pd.Series):
            return [plain(v) for v in value.astype(object).tolist()]
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.datetime64):
        return None if np.isnat(value) else plain(pd.Timestamp(value) if pd else str(value))
    if hasattr(value, "dtype") and hasattr(value, "tolist"):  # numpy scalars and arrays
        return plain(value.tolist())
    raise TypeError(f"no JSON form for {type(value).__name__}: give the result plain values")


def dumps(value: Any, *, indent: int | None = None) -> str:
    """`plain(value)` as a JSON string (UTF-8 text, not escaped to ASCII)."""
    return json.dumps(plain(value), ensure_ascii=False, indent=indent, allow_nan=False)
