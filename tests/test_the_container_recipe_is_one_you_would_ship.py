"""deploy/Containerfile, linted: no image is built here (no registry for the base image is
reachable from this machine or CI), so the recipe's promises are read from its instructions:
secrets and personal data stay out, the lock is installed, the package (not the checkout) runs
`intake serve` as a user who is not root, and a health check asks /healthz."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def _instructions() -> list[tuple[str, str]]:
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n", " ", text)
    lines = [line.strip() for line in joined.splitlines()]
    return [(line.split()[0].upper(), line.split(None, 1)[1]) for line in lines
            if line and not line.startswith("#")]


def _ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule, enough for these patterns: the last matching line wins, ! re-includes,
    a match on a folder covers what is inside it, **/ matches at any depth."""
    parts = path.split("/")
    verdict = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        bare = pattern.removeprefix("!").rstrip("/")
        first = range(len(parts)) if bare.startswith("**/") else range(1)
        candidates = ["/".join(parts[j : i + 1]) for j in first for i in range(j, len(parts))]
        if any(fnmatch.fnmatchcase(c, bare.removeprefix("**/")) for c in candidates):
            verdict = not negate
    return verdict


def _patterns(name: str) -> list[str]:
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_both_ignore_files_keep_secrets_data_history_and_test_output_out():
    patterns = _patterns(".containerignore")
    assert patterns == _patterns(".dockerignore")
    for path in (".env", ".env.production", "var/intake.db", "var/maildir/new/1.eml",
                 ".git/config", ".venv/bin/python", "deploy/db_password.txt",
                 ".pytest_cache/v/x", "intake/__pycache__/cli.cpython-311.pyc",
                 "tests/a11y/node_modules/axe-core/axe.min.js", "build/lib/intake/cli.py"):
        assert _ignored(path, patterns), path
    for path in (".env.example", "intake/cli.py", "requirements.lock", "README.md",
                 "intake/templates/email/question.txt.j2", "deploy/entrypoint.sh"):
        assert not _ignored(path, patterns), path


def test_the_image_installs_the_lock_then_the_package_and_copies_no_whole_checkout():
    steps = _instructions()
    assert steps[0][0] == "FROM" and ":" in steps[0][1] and not steps[0][1].endswith(":latest")
    copies = [args.split() for op, args in steps if op in ("COPY", "ADD")]
    assert all(op != "ADD" for op, _ in steps), "COPY, not ADD"
    for words in copies:
        sources = [w for w in words[:-1] if not w.startswith("--")]
        assert "." not in sources and "./" not in sources, f"a whole checkout: {words}"
        for source in sources:
            assert (ROOT / source).exists(), source
            assert not _ignored(source.rstrip("/"), _patterns(".containerignore")), source
    runs = " ".join(args for op, args in steps if op == "RUN")
    assert "--require-hashes" in runs and "-r requirements.lock" in runs
    assert "--no-deps --no-build-isolation ." in runs and " -e " not in runs
    assert "rm -rf /build" in runs, "the image runs the installed package, not the source"
    assert "--no-install-recommends" in runs and "rm -rf /var/lib/apt/lists/*" in runs


def test_it_runs_intake_serve_as_a_user_who_is_not_root_with_a_health_check():
    steps = _instructions()
    users = [args for op, args in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    ops = [op for op, _ in steps]
    assert ops.index("USER") < ops.index("CMD")
    assert json.loads(dict(steps)["CMD"]) == ["intake", "serve"]
    entry = json.loads(dict(steps)["ENTRYPOINT"])
    assert entry == ["intake-entrypoint"]
    assert "/healthz" in dict(steps)["HEALTHCHECK"]
    assert dict(steps)["STOPSIGNAL"] == "SIGTERM"
    script = (DEPLOY / "entrypoint.sh").read_text(encoding="utf-8")
    assert "intake db upgrade" in script and 'exec "$@"' in script


def test_the_compose_file_points_at_this_recipe_the_env_file_and_the_secret_it_names():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["intake"]
    context = (DEPLOY / service["build"]["context"]).resolve()
    assert context == ROOT and (context / service["build"]["dockerfile"]).is_file()
    assert (DEPLOY / service["env_file"]).resolve() == ROOT / ".env"
    secret = (DEPLOY / compose["secrets"]["db_password"]["file"]).resolve()
    assert secret == DEPLOY / "db_password.txt"
    assert "deploy/db_password.txt" in _patterns(".gitignore")
    assert "/healthz" in " ".join(service["healthcheck"]["test"])
    volume = service["volumes"][0].split(":")
    assert volume[1] == service["environment"]["INTAKE_VAR_DIR"]
