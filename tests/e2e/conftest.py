"""Generic end-to-end fixtures: an emulated Discord on 127.0.0.1 and a guard against real network access.

Bot-specific fixtures live elsewhere; everything here works for any discord.py client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from .fake_discord import FakeDiscord, NetworkGuard, block_external_network


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker that lets a test call routes the fake does not emulate."""
    config.addinivalue_line(
        "markers", "allow_unhandled_requests: do not fail when the bot calls a route FakeDiscord does not emulate"
    )


@pytest.fixture(autouse=True)
def no_external_network() -> Iterator[NetworkGuard]:
    """Block DNS and connections to anything but loopback for every e2e test; fail if something tried."""
    with block_external_network() as guard:
        yield guard
    assert not guard.blocked, f"test tried to reach the network: {guard.blocked}"


@pytest.fixture
async def fake_discord(request: pytest.FixtureRequest) -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord with discord.py patched to use it; stopped (and unpatched) after the test.

    After the test it fails if the bot called a route the fake does not know (404/405 from the catch-all) or the
    fake hit an internal error, unless the test is marked ``allow_unhandled_requests``.
    """
    fd = FakeDiscord()
    async with fd:
        fd.patch_discord()
        yield fd
    if request.node.get_closest_marker("allow_unhandled_requests") is None:
        fd.assert_no_unhandled_requests()
