"""Known advisories for every package pinned in the lock files, from PyPI's vulnerability data.

What pip-audit's PyPI service does, with the standard library only: PyPI's JSON API lists the
advisories (PyPA's database, as on osv.dev) that affect a release. Where only PyPI is
reachable and its per-release pages are not served (as on the development machine), the
project page is used: it lists the advisories of the newest release, so a pin that is the newest
is checked in full and an older one is named as unchecked (`make lock UPGRADE=1` moves it).
Exit 1 on any advisory, 2 when PyPI cannot be asked; unchecked pins fail with AUDIT_STRICT=1.

Run: python3 scripts/audit.py requirements.lock requirements-test.lock
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PYPI = os.environ.get("AUDIT_PYPI_URL", "https://pypi.org/pypi")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def pins(paths: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            match = PIN.match(line)
            if match:
                found[match.group(1).lower()] = match.group(2)
    return found


def _get(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def check(name: str, version: str) -> tuple[str, str, list[dict] | None, str]:
    """(name, version, advisories or None when unchecked, the newest release)."""
    release = _get(f"{PYPI}/{name}/{version}/json")
    if release is not None:
        return name, version, release.get("vulnerabilities", []), version
    project = _get(f"{PYPI}/{name}/json")
    if project is None:
        raise SystemExit(f"audit: {name} is not on PyPI")
    newest = project["info"]["version"]
    if newest == version:
        return name, version, project.get("vulnerabilities", []), newest
    return name, version, None, newest


def main(paths: list[str]) -> int:
    pinned = pins(paths)
    if not pinned:
        print(f"audit: no pinned packages in {', '.join(paths)}", file=sys.stderr)
        return 2
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda item: check(*item), sorted(pinned.items())))
    except (urllib.error.URLError, TimeoutError) as error:
        print(f"audit: PyPI could not be asked ({error}); no verdict", file=sys.stderr)
        return 2
    found = [(n, v, a) for n, v, advisories, _ in results if advisories
             for a in advisories if not a.get("withdrawn")]
    unchecked = [(n, v, newest) for n, v, advisories, newest in results if advisories is None]
    for name, version, advisory in found:
        ids = ", ".join([advisory.get("id", "?"), *advisory.get("aliases", [])])
        fixed = ", ".join(advisory.get("fixed_in") or []) or "no fixed release yet"
        print(f"{name} {version}: {ids} (fixed in {fixed})")
    if unchecked:
        listed = ", ".join(f"{n} {v} (newest {newest})" for n, v, newest in unchecked)
        print(f"audit: not checked, PyPI here gives advisories for newest releases only: {listed}")
    checked = len(results) - len(unchecked)
    print(f"audit: {checked} of {len(results)} pinned packages checked, "
          f"{len(found)} known advisories")
    if found:
        return 1
    return 1 if unchecked and os.environ.get("AUDIT_STRICT") == "1" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["requirements.lock"]))
