"""The dashboard's Telegram page: a coordinator links their own Telegram by a one-time deep link,
after which the bot answers their /overview and tells them when a committee submits."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake.people.coordinator_chat import LINK_LIFETIME, issue_link_token, unlink_coordinator
from intake.web.context import Form, coordinator, dashboard, flash, posted, take_flash
from intake.web.render import render_page
from storage.db import transaction
from storage.models import Coordinator


def page(request: Request, link: str | None = None, status_code: int = 200) -> Response:
    web = dashboard(request)
    with transaction(web.engine) as session:
        linked = session.get_one(Coordinator, coordinator(request).id).telegram_user_id is not None
    return render_page(request, "telegram", status_code, bot=web.bot_username(), link=link,
                       linked=linked, minutes=int(LINK_LIFETIME.total_seconds() // 60),
                       flash=take_flash(request))


async def show(request: Request) -> Response:
    return page(request)


@posted
async def new_link(request: Request, form: Form) -> Response:
    web = dashboard(request)
    bot = web.bot_username()
    if not bot:
        return page(request, status_code=409)
    with transaction(web.engine) as session:
        me = session.get_one(Coordinator, coordinator(request).id)
        token = issue_link_token(session, me, web.clock())
    # Shown once, on this response only: not in the session, not in a redirect URL.
    return page(request, link=f"https://t.me/{quote(bot)}?start={token}")


@posted
async def unlink(request: Request, form: Form) -> Response:
    web = dashboard(request)
    with transaction(web.engine) as session:
        unlink_coordinator(session, session.get_one(Coordinator, coordinator(request).id),
                           web.clock())
    flash(request, "Telegram är inte längre kopplat.")
    return RedirectResponse("/telegram", status_code=303)


routes = [
    Route("/telegram", show, methods=["GET"]),
    Route("/telegram/link", new_link, methods=["POST"]),
    Route("/telegram/unlink", unlink, methods=["POST"]),
]
