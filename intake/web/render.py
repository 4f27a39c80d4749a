"""Rendering dashboard pages: the templates in templates/web/, Swedish, autoescaped."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from intake.clock import from_db, local, parse_datetime
from intake.messaging.texts import environment
from intake.web.auth import csrf_token

STATUS_LABELS = {
    "not_started": ("Ej påbörjad", "○"),
    "in_progress": ("Pågår", "◐"),
    "returned": ("Återsänd för komplettering", "↺"),
    "submitted": ("Inskickad", "●"),
    "approved": ("Godkänd", "✓"),
}
CHANNEL_LABELS = {"email": "E-post", "telegram": "Telegram", None: "–"}
KIND_LABELS = {"district": "Stadsdelsnämnd", "specialist": "Facknämnd", "company": "Bolag"}


def when(value: Any) -> str:
    """An ISO time (or datetime) as Stockholm time for people: 2026-11-02 10:00."""
    if not value:
        return "–"
    # from_db: SQLite hands stored UTC back naive, which as_utc would read as Stockholm time.
    moment = parse_datetime(value) if isinstance(value, str) else from_db(value)
    return local(moment).strftime("%Y-%m-%d %H:%M")


def render_page(request: Request, name: str, status_code: int = 200, **data: Any) -> Response:
    """A dashboard page; every template gets the CSRF token, the coordinator and the labels."""
    context = {
        "csrf": csrf_token(request),
        "me": request.scope.get("state", {}).get("coordinator"),
        "when": when, "status_labels": STATUS_LABELS, "channel_labels": CHANNEL_LABELS,
        "kind_labels": KIND_LABELS,
        "sign_in": getattr(request.app.state, "sign_in", None) if "app" in request.scope else None,
        **data,
    }
    html = environment().get_template(f"web/{name}.html.j2").render(context)
    # The pages show contacts' own words: no framing, no sniffing, no outside scripts at all.
    headers = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                          "script-src 'none'; frame-ancestors 'none'",
               "Cache-Control": "no-store"}
    return HTMLResponse(html, status_code=status_code, headers=headers)
