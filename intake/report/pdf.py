"""PDF through WeasyPrint from the report's HTML (see docs/report.md for why WeasyPrint)."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from intake.report.model import local_time

_ENV_LOCK = threading.Lock()


def html_to_pdf(html: str, generated_at: datetime) -> bytes:
    # Imported here: WeasyPrint loads Pango at import time, and only PDF output needs it.
    from weasyprint import HTML, URLFetcher

    # The report is self-contained; fetching nothing keeps any stray URL from reaching out.
    fetcher = URLFetcher(allowed_protocols=())
    # A content-derived file identifier and the dcterms meta dates (generated_at) make equal
    # input give equal bytes.
    identifier = hashlib.md5(html.encode("utf-8")).hexdigest().encode("ascii")
    with _source_date_epoch(generated_at):
        return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(
            pdf_identifier=identifier
        )


@contextmanager
def _source_date_epoch(moment: datetime) -> Iterator[None]:
    """fontTools stamps each embedded font subset with "now" unless SOURCE_DATE_EPOCH is set."""
    with _ENV_LOCK:
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(local_time(moment).timestamp()))
        try:
            yield
        finally:
            if previous is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous
