"""One Router per feature; `build_dispatcher` includes them in the order they must match."""

from __future__ import annotations

from aiogram import Dispatcher

from bot.telegram.routers import answering, coordinators, linking, review


def build_dispatcher() -> Dispatcher:
    dispatcher = Dispatcher()
    # Coordinators first (they skip what is not theirs); then linking, whose deep-link
    # /start must win over the plain /start.
    dispatcher.include_routers(coordinators.create_router(), linking.create_router(),
                                review.create_router(), answering.create_router())
    return dispatcher
