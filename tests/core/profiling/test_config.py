"""Profile settings refuse values of the wrong type in one line, however they are given."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import OptionError
from core.profiling.config import ProfileConfig


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ({"sample": "10"}, "sample must be a whole number, not '10'"),
        ({"top_values": 2.5}, "top_values must be a whole number, not 2.5"),
        ({"chunk_rows": True}, "chunk_rows must be a whole number, not True"),
        ({"engine": 3}, "engine must be text, not 3"),
        ({"histogram_bins": 0}, "histogram_bins must be at least 1"),
    ],
)
def test_wrong_values_are_one_line_errors(setting: dict[str, object], expected: str) -> None:
    with pytest.raises(OptionError) as raised:
        ProfileConfig(**setting)  # type: ignore[arg-type]
    assert str(raised.value) == expected


def test_numpy_whole_numbers_and_no_sample_are_taken() -> None:
    config = ProfileConfig(sample=np.int64(10), top_values=np.int32(5))  # type: ignore[arg-type]
    assert config.sample == 10 and config.top_values == 5
    assert ProfileConfig(sample=None).sample is None
