"""The deploy check warns when production asks nobody for a second factor."""

from __future__ import annotations

import pytest

from accounts.checks import second_factor_required_check


@pytest.mark.parametrize(
    ("debug", "mode", "warned"),
    [
        (False, "none", True),
        (False, "beheerder", False),
        (False, "all", False),
        (True, "none", False),  # the demo
    ],
)
def test_production_without_a_required_second_factor_is_warned_about(settings, debug, mode, warned):
    settings.DEBUG = debug
    settings.BB_2FA_REQUIRED_FOR = mode
    messages = second_factor_required_check()
    assert [message.id for message in messages] == (["accounts.W001"] if warned else [])
