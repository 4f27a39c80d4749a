"""Every setting of the contract, read once from the environment (after `.env` is loaded)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from intake.paths import PROJECT_ROOT

DEFAULT_VAR_DIR = PROJECT_ROOT / "var"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None


def _str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    database_url: str
    var_dir: Path
    telegram_bot_token: str | None = None
    telegram_api_url: str | None = None
    telegram_webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_tls: str = "none"
    mail_from: str = "Uppföljning <intake@localhost>"
    mail_reply_domain: str = "localhost"
    inbound_smtp_host: str = "127.0.0.1"
    inbound_smtp_port: int = 8025
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    public_url: str = "http://127.0.0.1:8000"
    secret_key: str = field(default="", repr=False)
    forms_dir: str | None = None
    # Raw inbound mails and Telegram updates are deleted this many days after their round closes.
    raw_retention_days: int = 90

    @property
    def maildir(self) -> Path:
        return self.var_dir / "maildir"


def load_settings() -> Settings:
    """Read the environment; `.env` has been loaded by the entry point already."""
    var_dir = Path(_str("INTAKE_VAR_DIR") or DEFAULT_VAR_DIR)
    database_url = _str("DATABASE_URL") or f"sqlite:///{var_dir / 'intake.db'}"
    smtp_tls = (_str("SMTP_TLS") or "none").lower()
    if smtp_tls not in ("none", "starttls", "tls"):
        raise SystemExit(f"SMTP_TLS must be none, starttls or tls, got {smtp_tls!r}")
    web_host = _str("WEB_HOST", "127.0.0.1") or "127.0.0.1"
    web_port = _int("WEB_PORT", 8000)
    reply_domain = _str("MAIL_REPLY_DOMAIN", "localhost") or "localhost"
    smtp_tls_default_port = {"none": 25, "starttls": 587, "tls": 465}[smtp_tls]
    return Settings(
        database_url=database_url,
        var_dir=var_dir,
        telegram_bot_token=_str("TELEGRAM_BOT_TOKEN"),
        telegram_api_url=_str("TELEGRAM_API_URL"),
        telegram_webhook_url=_str("TELEGRAM_WEBHOOK_URL"),
        smtp_host=_str("SMTP_HOST"),
        smtp_port=_int("SMTP_PORT", smtp_tls_default_port),
        smtp_username=_str("SMTP_USERNAME"),
        smtp_password=_str("SMTP_PASSWORD"),
        smtp_tls=smtp_tls,
        mail_from=_str("MAIL_FROM") or f"Uppföljning <intake@{reply_domain}>",
        mail_reply_domain=reply_domain,
        inbound_smtp_host=_str("INBOUND_SMTP_HOST", "127.0.0.1") or "127.0.0.1",
        inbound_smtp_port=_int("INBOUND_SMTP_PORT", 8025),
        web_host=web_host,
        web_port=web_port,
        public_url=(_str("PUBLIC_URL") or f"http://{web_host}:{web_port}").rstrip("/"),
        secret_key=_str("SECRET_KEY") or "",
        forms_dir=_str("FORMS_DIR"),
        raw_retention_days=_int("RAW_RETENTION_DAYS", 90),
    )
