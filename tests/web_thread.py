"""The dashboard app served by uvicorn in a thread of the test process, for browser tests
that need only the web surface: it starts in well under a second even on a busy machine,
where a whole `intake serve` subprocess may take longer than its start-up timeout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from sqlalchemy import Engine

from intake.web.app import create_app
from tests.dashboard import settings
from tests.serving import free_port


@contextmanager
def running_dashboard(engine: Engine, var_dir: Path) -> Iterator[str]:
    """Serve the dashboard on a free port with the real clock; yields its base URL."""
    port = free_port()
    app = create_app(engine, lambda: datetime.now(UTC), {"web": f"http://127.0.0.1:{port}"},
                     settings(var_dir))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the dashboard did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
