import os

import pytest

from intake.records.report import ReportError, write_reports, writing
from tests.support.reports import sample_period


def test_failed_write_leaves_no_file_behind(tmp_path, monkeypatch):
    old = tmp_path / "2022-VB-naringsliv-sammanstallning.md"
    old.write_text("earlier report", encoding="utf-8")
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the second file fails: disk full, say
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(writing.os, "replace", failing_replace)
    with pytest.raises(ReportError, match="No space left on device"):
        write_reports(sample_period(), ["html", "md"], tmp_path)
    # No temporary file is left, and each file is either complete or untouched.
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["2022-VB-naringsliv-sammanstallning.html", old.name]
    assert old.read_text(encoding="utf-8") == "earlier report"
    assert (tmp_path / names[0]).read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_a_render_error_writes_nothing(tmp_path, monkeypatch):
    def broken(*args):
        raise ReportError("renderer failed")

    monkeypatch.setattr(writing, "render", lambda r, f, c, p: broken() if f == "pdf" else b"x")
    with pytest.raises(ReportError):
        write_reports(sample_period(), ["md", "pdf"], tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
