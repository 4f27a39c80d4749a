"""Logs say what happened, not who: addresses and tokens are masked; one line an event."""

from __future__ import annotations

import io
import json
import logging

import pytest

from intake.operations.logs import configure_logging, mask

BOT_TOKEN = "4242424242:AAFakeTokenForIntakeTests_0123456789"


def test_addresses_keep_first_letter_and_domain():
    assert mask("relay refused kim.exempelsson@example.se") == "relay refused k***@example.se"
    assert mask("<Alex.Testsson@Example.SE>, robin@example.se") == \
        "<A***@Example.SE>, r***@example.se"
    assert mask("postmaster@svar.example.se") == "postmaster@svar.example.se"


def test_tokens_in_reply_addresses_links_and_the_bot_token_are_cut():
    masked = mask("stored mail for svar+Xy3kQ9wLmN0pR2sT4uV6wX8y@svar.example.se")
    assert masked == "stored mail for svar+Xy3k…@svar.example.se"
    assert mask("GET /login/AbCdEfGhIjKlMnOpQrStUvWx") == "GET /login/AbCd…"
    assert mask("https://t.me/intake_bot?start=AbCdEfGhIjKlMnOpQrStUvWx") == \
        "https://t.me/intake_bot?start=AbCd…"
    assert BOT_TOKEN not in mask(f"POST https://api.telegram.org/bot{BOT_TOKEN}/getMe")
    assert "AAFake" not in mask(f"bot{BOT_TOKEN}")


@pytest.fixture
def captured():
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    yield stream
    root.handlers[:], root.level = saved


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_every_event_is_one_masked_line(captured, fmt):
    configure_logging(fmt, "INFO", captured)
    log = logging.getLogger("intake.test")
    log.info("outbox 7: relay refused kim.exempelsson@example.se",
             extra={"event": "outbox_retry", "recipient": "kim.exempelsson@example.se"})
    try:
        raise RuntimeError("no route to\nsam.demosson@example.se")
    except RuntimeError:
        log.exception("inbox 3 failed")
    logging.getLogger("mail.log").info("peer chatter MAIL FROM:<kim.exempelsson@example.se>")
    lines = captured.getvalue().splitlines()
    assert len(lines) == 2
    assert "exempelsson" not in captured.getvalue() and "demosson" not in captured.getvalue()
    if fmt == "json":
        first, second = map(json.loads, lines)
        assert first["msg"] == "outbox 7: relay refused k***@example.se"
        assert first["event"] == "outbox_retry" and first["recipient"] == "k***@example.se"
        assert first["level"] == "info" and first["logger"] == "intake.test"
        assert "RuntimeError" in second["exc"] and "s***@example.se" in second["exc"]
    else:
        assert lines[0].startswith("ts=") and " level=info logger=intake.test " in lines[0]
        assert 'msg="outbox 7: relay refused k***@example.se"' in lines[0]
        assert "event=outbox_retry recipient=k***@example.se" in lines[0]
        assert "exc=" in lines[1] and "s***@example.se" in lines[1]


def test_an_unknown_format_is_refused():
    with pytest.raises(SystemExit, match="LOG_FORMAT must be text or json"):
        configure_logging("xml")
