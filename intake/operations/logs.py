"""Logs an operator can keep: one line an event, text (key=value) or JSON, nothing personal.

Addresses are masked to their first letter and domain (k***@example.se): enough to tell a
relay problem at one organisation from a typo, not enough to know who wrote. Tokens (reply
addresses, login and deep links, the bot token) are cut to a few characters, so a log that
leaks never lets anyone answer for a committee or log in.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import TextIO

FORMATS = ("text", "json")
_ADDRESS = re.compile(r"(?P<prefix>(?:svar|bounce)\+)?(?P<local>[A-Za-z0-9._%+-]+)@"
                      r"(?P<domain>[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_BOT_TOKEN = re.compile(r"(?<!\d)(\d{6,12}):[A-Za-z0-9_-]{30,}")
_PATH_TOKEN = re.compile(r"(/(?:login|start)[/= ])([A-Za-z0-9_-]{4})[A-Za-z0-9_-]{8,}")
_START = re.compile(r"(start=)([A-Za-z0-9_-]{4})[A-Za-z0-9_-]{8,}")
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def _address(match: re.Match[str]) -> str:
    local, domain = match["local"], match["domain"]
    if match["prefix"]:
        # svar+<token>@: the prefix tells the operator what kind of address; the token goes.
        return f"{match['prefix']}{local[:4]}…@{domain}"
    if local.lower() in ("postmaster", "mailer-daemon", "intake", "noreply", "no-reply"):
        return match[0]  # system addresses name no person
    return f"{local[:1]}***@{domain}"


def mask(text: str) -> str:
    """The text with e-mail addresses and tokens masked."""
    text = _BOT_TOKEN.sub(r"\1:***", text)
    text = _ADDRESS.sub(_address, text)
    text = _PATH_TOKEN.sub(r"\1\2…", text)
    return _START.sub(r"\1\2…", text)


def _fields(record: logging.LogRecord) -> dict[str, object]:
    """What one event says: time, level, logger, message and any `extra=` fields, masked."""
    fields: dict[str, object] = {
        "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(),
        "logger": record.name,
        "msg": mask(record.getMessage()),
    }
    for key, value in vars(record).items():
        if key not in _RESERVED and not key.startswith("_"):
            fields[key] = mask(str(value)) if isinstance(value, str) else value
    if record.exc_info:
        # One line an event: the traceback is folded into the line, not spread over many.
        fields["exc"] = mask(logging.Formatter().formatException(record.exc_info))
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record), ensure_ascii=False, default=str)


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return " ".join(f"{key}={_quote(value)}" for key, value in _fields(record).items())


def _quote(value: object) -> str:
    text = str(value)
    if text and not re.search(r'[\s"=\\]', text):
        return text
    return json.dumps(text, ensure_ascii=False)  # escapes newlines: still one line


def configure_logging(fmt: str | None = None, level: str | None = None,
                      stream: TextIO | None = None) -> None:
    """Route every logger (ours, uvicorn's, aiosmtpd's, aiogram's) through one masked format."""
    fmt = (fmt or "text").strip().lower()
    if fmt not in FORMATS:
        raise SystemExit(f"LOG_FORMAT must be text or json, got {fmt!r}")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else KeyValueFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel((level or "INFO").strip().upper())
    # aiosmtpd logs every SMTP command line with its addresses at INFO: peer chatter that is
    # no operator's business; its warnings and errors still come through (masked).
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
