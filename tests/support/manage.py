"""Shared by the management-action tests: counting rows, posting forms with the CSRF token."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, func, select
from starlette.testclient import TestClient

from storage.db import transaction
from storage.models import ActionLog
from tests.support.dashboard import csrf_of


def count(engine: Engine, model: Any, *where: Any) -> int:
    with transaction(engine) as session:
        return int(session.exec(select(func.count()).select_from(model).where(*where)).one())


def actions(engine: Engine, action: str) -> list[ActionLog]:
    with transaction(engine) as session:
        return list(session.exec(select(ActionLog).where(ActionLog.action == action)
                                 .order_by(col(ActionLog.id))))


def post(web: TestClient, page: str, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Open `page` for its CSRF token, then post `data` to `url` as the browser would."""
    token = csrf_of(web.get(page).text)
    return web.post(url, data={**data, "csrf": token}, follow_redirects=False, **kwargs)
