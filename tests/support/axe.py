"""axe-core in Debian's Chromium through Playwright: the accessibility check the tests share.

axe-core comes from npm, pinned in tests/a11y/package-lock.json; `make test` runs `npm ci`
there. The check runs only the WCAG 2.0/2.1 A and AA rules, and any violation fails the test
with every offending element listed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).resolve().parents[1] / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def launch(playwright: Any) -> Any:
    """Chromium for the accessibility tests; fails (never skips) when a piece is missing."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make system-test` installs it")
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make test`, or `cd tests/a11y && npm ci`")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def new_page(browser: Any, **options: Any) -> Any:
    """A page whose Content-Security-Policy (script-src 'none') lets the injected axe run."""
    context = browser.new_context(bypass_csp=True, **options)
    return context.new_page()


def run_axe(page: Any) -> list[dict[str, Any]]:
    """The WCAG 2.1 AA violations axe-core finds in the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                         resultTypes: ['violations']})""",
        WCAG_21_AA)
    return result["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    """Violations as lines a person can act on: rule, impact, help, then each element."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                     f"  <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Any, what: str) -> None:
    violations = run_axe(page)
    assert not violations, f"axe-core finds WCAG 2.1 AA violations on {what}:\n" + describe(
        violations)
