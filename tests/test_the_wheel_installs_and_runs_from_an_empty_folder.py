"""The package as a user gets it: the wheel, installed into a fresh virtual environment, finds its
bundled form and templates from an empty folder, with no checkout on its path.

The wheel is installed without dependencies; they come from this test run's environment (a
.pth line), which is installed from the same lock, so the test needs no network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result


def _source(tmp_path: Path) -> Path:
    # What a build reads, copied: building in the checkout would leave build/ there, whose stale
    # modules a later wheel would carry.
    source = tmp_path / "source"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("bot", "intake", "storage"):
        shutil.copytree(ROOT / name, source / name, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    return source


def _installed(tmp_path: Path) -> Path:
    """A fresh venv with the wheel in it; returns its bin/ folder."""
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "--wheel-dir", str(dist), str(_source(tmp_path))], tmp_path, dict(os.environ))
    (wheel,) = dist.glob("intake-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "intake/bundled_forms/naringsliv.yaml" in names
    assert "intake/templates/report/report-template.docx" in names
    assert "intake/templates/email/question.txt.j2" in names
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path, dict(os.environ))
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
          "--quiet", "--no-deps", str(wheel)], tmp_path, dict(os.environ))
    site = Path(_run([str(venv / "bin" / "python"), "-c",
                      "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     tmp_path, {}).stdout.strip())
    # Appended after the venv's own site-packages, and without running that folder's .pth files,
    # so the checkout's editable install stays out and `intake` is the wheel's copy.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin"


def test_the_wheel_lists_the_form_imports_opens_and_reports_from_an_empty_folder(tmp_path):
    bin_dir = _installed(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    intake = str(bin_dir / "intake")

    where = _run([str(bin_dir / "python"), "-c", "import intake.paths as p; "
                  "print(p.TEMPLATES_DIR); print(p.PROJECT_ROOT)"], empty, env).stdout.split()
    templates, data_home = where
    assert templates.endswith("site-packages/intake/templates") and str(ROOT) not in templates
    assert data_home == str(empty)

    bundled = sorted(path.stem for path in (ROOT / "intake" / "bundled_forms").glob("*.yaml"))
    assert "naringsliv" in bundled
    assert _run([intake, "forms", "list"], empty, env).stdout.split() == bundled
    assert _run([str(bin_dir / "python"), "-m", "intake", "forms", "list"], empty,
                env).stdout.split() == bundled
    _run([intake, "db", "upgrade"], empty, env)
    _run([intake, "roster", "import", str(ROOT / "samples" / "roster.csv")], empty, env)
    deadline = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT17:00")
    _run([intake, "round", "open", "naringsliv", "--period", "2026 VB", "--deadline", deadline],
         empty, env)
    _run([intake, "report", "--period", "2026 VB", "--format", "md,html,docx,pdf",
          "--out", "reports"], empty, env)

    made = sorted(path.suffix for path in (empty / "reports").iterdir())
    assert made == [".docx", ".html", ".md", ".pdf"]
    assert (empty / "reports" / next(p.name for p in (empty / "reports").glob("*.pdf"))
            ).read_bytes().startswith(b"%PDF-")
    # The data went where an installed tool's data goes: the working directory's var/.
    assert (empty / "var" / "intake.db").is_file()
