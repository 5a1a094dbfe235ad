"""The probes of the integer parameters: what a lenient parser takes that is no integer."""

from __future__ import annotations

import re

import pytest

from contracts.checks.params import LENIENT_INTEGERS, NOT_INTEGERS

# An integer as JSON writes one.
INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")


@pytest.mark.parametrize("form", LENIENT_INTEGERS)
def test_a_lenient_form_is_taken_by_int_and_is_not_an_integer_as_written(form: str) -> None:
    assert isinstance(int(form), int)
    assert INTEGER.fullmatch(form) is None


@pytest.mark.parametrize("form", NOT_INTEGERS)
def test_a_form_that_is_no_integer_is_no_integer_for_int_either(form: str) -> None:
    with pytest.raises(ValueError):
        int(form)
    assert INTEGER.fullmatch(form) is None
