"""What every dashboard handler reaches for: the app's database, clock and settings, the
coordinator behind the session, the one-time flash message and the CSRF-checked form."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import Response

from intake.clock import Clock
from intake.operations.health import HealthMonitor
from intake.settings import Settings
from intake.web.auth import csrf_rejected, form_with_csrf
from storage.models import Coordinator

Form = dict[str, Any]


@dataclass(frozen=True)
class Dashboard:
    """Kept on the app (`app.state.dashboard`), so handlers are plain module functions."""

    engine: Engine
    clock: Clock
    started: dict[str, str]
    settings: Settings | None = None
    health: HealthMonitor | None = None
    # Asked at request time: `serve` learns the bot's name from getMe after start-up.
    bot_username: Callable[[], str | None] = lambda: None

    @property
    def telegram(self) -> bool:
        return bool(self.settings and self.settings.telegram_bot_token)

    @property
    def forms_dir(self) -> str | None:
        return self.settings.forms_dir if self.settings else None


def dashboard(request: Request) -> Dashboard:
    return request.app.state.dashboard  # type: ignore[no-any-return]


def coordinator(request: Request) -> Coordinator:
    """The logged-in coordinator, put there by RequireSession."""
    return request.scope["state"]["coordinator"]  # type: ignore[no-any-return]


def me(request: Request) -> str:
    """The coordinator's e-mail address, as the action log records the actor."""
    return str(coordinator(request).email)


def flash(request: Request, text: str, error: bool = False, **extra: Any) -> None:
    """A message for the next page the coordinator sees (after the redirect)."""
    request.session["flash"] = {"error": error, "text": text, **extra}


def take_flash(request: Request) -> dict[str, Any] | None:
    return request.session.pop("flash", None)


def problems(exc: Exception) -> list[str]:
    """The error's lines, exactly as the command line prints them."""
    lines = getattr(exc, "problems", None)
    return list(lines) if lines else [line for line in str(exc).splitlines() if line.strip()]


def posted(handler: Callable[[Request, Form], Awaitable[Response]]
           ) -> Callable[[Request], Awaitable[Response]]:
    """A POST handler that runs only when the form's CSRF token matches the session's."""
    @functools.wraps(handler)
    async def checked(request: Request) -> Response:
        form = await form_with_csrf(request)
        if form is None:
            return csrf_rejected()
        return await handler(request, form)
    return checked
