"""The dashboard's Telegram page: a coordinator links their own Telegram by a one-time deep link,
after which the bot answers their /overview and tells them when a committee submits."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake.clock import Clock
from intake.people.coordinator_chat import LINK_LIFETIME, issue_link_token, unlink_coordinator
from intake.web.auth import csrf_rejected, form_with_csrf
from intake.web.render import render_page
from storage.db import transaction
from storage.models import Coordinator


def telegram_routes(engine: Engine, clock: Clock,
                    bot_username: Callable[[], str | None]) -> list[Route]:
    """`bot_username` is asked at request time: `serve` learns it from getMe after start-up."""

    def me(request: Request) -> int:
        return int(request.scope["state"]["coordinator"].id)

    def page(request: Request, link: str | None = None, status_code: int = 200) -> Response:
        with transaction(engine) as session:
            coordinator = session.get_one(Coordinator, me(request))
            linked = coordinator.telegram_user_id is not None
        return render_page(request, "telegram", status_code, bot=bot_username(), link=link,
                           linked=linked, minutes=int(LINK_LIFETIME.total_seconds() // 60),
                           flash=request.session.pop("flash", None))

    async def show(request: Request) -> Response:
        return page(request)

    async def new_link(request: Request) -> Response:
        if await form_with_csrf(request) is None:
            return csrf_rejected()
        bot = bot_username()
        if not bot:
            return page(request, status_code=409)
        with transaction(engine) as session:
            coordinator = session.get_one(Coordinator, me(request))
            token = issue_link_token(session, coordinator, clock())
        # Shown once, on this response only: not in the session, not in a redirect URL.
        return page(request, link=f"https://t.me/{quote(bot)}?start={token}")

    async def unlink(request: Request) -> Response:
        if await form_with_csrf(request) is None:
            return csrf_rejected()
        with transaction(engine) as session:
            unlink_coordinator(session, session.get_one(Coordinator, me(request)), clock())
        request.session["flash"] = {"error": False, "text": "Telegram är inte längre kopplat."}
        return RedirectResponse("/telegram", status_code=303)

    return [
        Route("/telegram", show, methods=["GET"]),
        Route("/telegram/link", new_link, methods=["POST"]),
        Route("/telegram/unlink", unlink, methods=["POST"]),
    ]
