"""The SMS gateway client against the fake gateway: sent, retried later, or refused for good."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from bot.sms.gateway import GatewayConfig, send_sms
from intake.messaging.outbox import PermanentError, TransientError
from tests.support.fake_sms_gateway import running_gateway


def _send(url: str, to: str, message: str, password: str = "p-test"):
    async def go():
        config = GatewayConfig(url, "u-test", password, "Intake", "http://127.0.0.1:9/sms/dlr")
        async with aiohttp.ClientSession() as http:
            return await send_sms(http, config, to, message)

    return asyncio.run(go())


def test_a_message_is_posted_with_basic_auth_and_its_id_comes_back():
    with running_gateway() as gateway:
        sent = _send(gateway.url, "+46701234567", "Fråga 1 av 9: Hur samverkar nämnden?")
        assert sent.id == gateway.sent[0].id and sent.parts == 1
        assert gateway.sent[0].sender == "Intake"
        assert gateway.sent[0].when_delivered == "http://127.0.0.1:9/sms/dlr"


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_rate_limits_and_server_errors_are_transient(status):
    with running_gateway() as gateway:
        gateway.faults.append(status)
        with pytest.raises(TransientError):
            _send(gateway.url, "+46701234567", "hej")
        assert _send(gateway.url, "+46701234567", "hej").id  # the next try goes through
        assert len(gateway.sent) == 1


def test_a_429_passes_on_its_retry_after():
    with running_gateway() as gateway:
        gateway.faults.append(429)
        with pytest.raises(TransientError) as caught:
            _send(gateway.url, "+46701234567", "hej")
        assert caught.value.retry_after == 1.0


def test_other_client_errors_are_permanent():
    with running_gateway() as gateway:
        with pytest.raises(PermanentError, match="400"):
            _send(gateway.url, "0701234567", "not E.164")
        with pytest.raises(PermanentError, match="401"):
            _send(gateway.url, "+46701234567", "hej", password="wrong")
        assert gateway.sent == []


def test_an_unreachable_gateway_is_transient():
    with pytest.raises(TransientError, match="unreachable"):
        _send("http://127.0.0.1:9", "+46701234567", "hej")
