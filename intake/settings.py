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


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = (_str(name) or default).lower()
    if value not in allowed:
        raise SystemExit(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


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
    telegram_webhook_secret: str | None = field(default=None, repr=False)
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
    smtp_auth: str = "password"
    imap_host: str | None = None
    imap_port: int = 143
    imap_username: str | None = None
    imap_password: str | None = field(default=None, repr=False)
    imap_tls: str = "none"
    imap_folder: str = "INBOX"
    imap_auth: str = "password"
    oauth_token_url: str | None = None
    oauth_client_id: str | None = None
    oauth_client_secret: str | None = field(default=None, repr=False)
    oauth_scope: str | None = None
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = field(default=None, repr=False)
    oidc_only: bool = False

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
    imap_tls = _choice("IMAP_TLS", "none", ("none", "starttls", "tls"))
    smtp_auth = _choice("SMTP_AUTH", "password", ("password", "xoauth2"))
    imap_auth = _choice("IMAP_AUTH", "password", ("password", "xoauth2"))
    if "xoauth2" in (smtp_auth, imap_auth) and not (_str("OAUTH_TOKEN_URL")
                                                    and _str("OAUTH_CLIENT_ID")):
        raise SystemExit("SMTP_AUTH=xoauth2 or IMAP_AUTH=xoauth2 needs OAUTH_TOKEN_URL and "
                         "OAUTH_CLIENT_ID")
    oidc_only = (_str("OIDC_ONLY") or "false").lower() in ("1", "true", "yes")
    if oidc_only and not (_str("OIDC_ISSUER") and _str("OIDC_CLIENT_ID")):
        raise SystemExit("OIDC_ONLY=true needs OIDC_ISSUER and OIDC_CLIENT_ID: nobody could "
                         "sign in")
    return Settings(
        database_url=database_url,
        var_dir=var_dir,
        telegram_bot_token=_str("TELEGRAM_BOT_TOKEN"),
        telegram_api_url=_str("TELEGRAM_API_URL"),
        telegram_webhook_url=_str("TELEGRAM_WEBHOOK_URL"),
        telegram_webhook_secret=_str("TELEGRAM_WEBHOOK_SECRET"),
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
        smtp_auth=smtp_auth,
        imap_host=_str("IMAP_HOST"),
        imap_port=_int("IMAP_PORT", 993 if imap_tls == "tls" else 143),
        imap_username=_str("IMAP_USERNAME"),
        imap_password=_str("IMAP_PASSWORD"),
        imap_tls=imap_tls,
        imap_folder=_str("IMAP_FOLDER") or "INBOX",
        imap_auth=imap_auth,
        oauth_token_url=_str("OAUTH_TOKEN_URL"),
        oauth_client_id=_str("OAUTH_CLIENT_ID"),
        oauth_client_secret=_str("OAUTH_CLIENT_SECRET"),
        oauth_scope=_str("OAUTH_SCOPE"),
        oidc_issuer=(_str("OIDC_ISSUER") or "").rstrip("/") or None,
        oidc_client_id=_str("OIDC_CLIENT_ID"),
        oidc_client_secret=_str("OIDC_CLIENT_SECRET"),
        oidc_only=oidc_only,
    )
