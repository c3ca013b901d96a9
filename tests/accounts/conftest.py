from __future__ import annotations

import json
import logging

import pytest


@pytest.fixture
def security_log(caplog):
    """The security events logged so far, as dicts parsed from the JSON lines."""
    caplog.set_level(logging.INFO, logger="binnenbuiten.security")

    def events(name: str | None = None) -> list[dict]:
        found = [
            json.loads(record.getMessage())
            for record in caplog.records
            if record.name == "binnenbuiten.security"
        ]
        return [event for event in found if name is None or event["event"] == name]

    return events
