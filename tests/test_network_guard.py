"""The suite itself must prove that nothing tries to reach the internet."""

import socket

import pytest
from pytest_socket import SocketConnectBlockedError

from tests.conftest import OUTBOUND_ATTEMPTS


@pytest.mark.unit
def test_connection_to_non_allowed_host_is_blocked():
    # 127.0.0.2 is loopback (no traffic leaves the machine) but is not in --allow-hosts,
    # so pytest-socket must refuse it before any connect happens.
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("127.0.0.2", 9), timeout=1)


@pytest.mark.unit
def test_name_resolution_of_remote_host_is_refused_and_recorded():
    before = len(OUTBOUND_ATTEMPTS)
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("huggingface.co", 443)
    assert OUTBOUND_ATTEMPTS[before:] == ["resolve huggingface.co"]
    del OUTBOUND_ATTEMPTS[before:]  # this attempt was the test's own, on purpose


@pytest.mark.integration
def test_opening_and_searching_makes_no_outbound_attempt(coach):
    before = list(OUTBOUND_ATTEMPTS)
    assert coach.search("how often should we meet", k=3)
    assert before == OUTBOUND_ATTEMPTS
