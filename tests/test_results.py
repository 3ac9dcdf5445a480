"""socialdesk.results.plain: the one serializer of the `.json` twins and the CLI's `--json`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math

import numpy as np
import pandas as pd
import pytest

from socialdesk.estimates import Estimate
from socialdesk.phrases import Phrase
from socialdesk.results import dumps, plain


class Colour(enum.Enum):
    RED = "red"


@dataclasses.dataclass(frozen=True)
class Inner:
    when: dt.date
    share: float


@dataclasses.dataclass(frozen=True)
class Outer:
    __json_properties__ = ("double",)

    name: str
    inner: tuple[Inner, ...]
    colour: Colour
    chart: dict[str, object] = dataclasses.field(default_factory=dict, metadata={"json": False})

    @property
    def double(self) -> int:
        return 2 * len(self.inner)


def test_dataclasses_fields_in_order_hidden_fields_out_properties_in() -> None:
    value = Outer("a", (Inner(dt.date(2026, 3, 1), 0.5),), Colour.RED, {"big": "spec"})
    assert plain(value) == {
        "name": "a",
        "inner": [{"when": "2026-03-01", "share": 0.5}],
        "colour": "red",
        "double": 2,
    }
    assert list(plain(value)) == ["name", "inner", "colour", "double"]


def test_numbers_that_json_cannot_hold_become_null() -> None:
    assert plain([math.nan, math.inf, -math.inf, np.float64("nan"), 1.5]) == [
        None,
        None,
        None,
        None,
        1.5,
    ]
    assert dumps({"x": math.nan}) == '{"x": null}'


def test_numpy_and_pandas() -> None:
    assert plain(np.int64(3)) == 3 and type(plain(np.int64(3))) is int
    assert plain(np.bool_(True)) is True
    assert plain(np.array([1.0, np.nan])) == [1.0, None]
    frame = pd.DataFrame({"day": [dt.date(2026, 1, 1)], "n": [np.nan], "s": ["x"]})
    assert plain(frame) == [{"day": "2026-01-01", "n": None, "s": "x"}]
    assert plain(pd.Timestamp("2026-01-02 03:04")) == "2026-01-02T03:04:00"
    assert plain(pd.NaT) is None


def test_phrases_are_their_english_text_and_estimates_their_fields() -> None:
    est = Estimate(0.5, 0.4, 0.6, 0.95, 100, Phrase("Wilson interval"))
    out = plain(est)
    assert out["value"] == 0.5 and out["method"] == "Wilson interval"
    assert json.loads(dumps(est)) == out


@pytest.mark.parametrize("key", [1, dt.date(2026, 1, 1), Colour.RED])
def test_mapping_keys_become_strings(key: object) -> None:
    assert all(isinstance(k, str) for k in plain({key: 1}))


def test_dumps_keeps_non_ascii_text() -> None:
    assert dumps({"t": "café 👍"}) == '{"t": "café 👍"}'


def test_decimals_datetimes64_and_unknown_types() -> None:
    from decimal import Decimal

    assert plain(Decimal("1.50")) == 1.5
    assert plain(np.datetime64("2026-01-02T03:04:05", "ns")) == "2026-01-02T03:04:05"
    assert plain(np.datetime64("NaT")) is None
    with pytest.raises(TypeError, match="bytes"):
        plain({"raw": b"abc"})
