"""A private Dovecot (Debian's dovecot-imapd) on a free port, with its own configuration and
mail store in a temporary folder, for the tests that read replies from a mailbox.

The system's Dovecot configuration and service are never touched: the instance is started
with `dovecot -c <our config>` and stopped with `doveadm -c <our config> stop`.
"""

from __future__ import annotations

import imaplib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.mail import KIM
from tests.support.waiting import free_port, wait_until

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"
USER = "svar@svar.example.se"
PASSWORD = "mailbox-secret"
PROCESSED = "intake/processed"


def delivered(reply: bytes, address: str, sender: str = KIM) -> bytes:
    """A reply as the organisation's server files it: Delivered-To and Return-Path on top."""
    return (f"Return-Path: <{sender}>\r\nDelivered-To: {address}\r\n").encode() + reply


def mailbox_env(port: int, **extra: str) -> dict[str, str]:
    """`serve`'s settings for reading this mailbox (polling quickly where there is no IDLE)."""
    return {"IMAP_HOST": "127.0.0.1", "IMAP_PORT": str(port), "IMAP_USERNAME": USER,
            "IMAP_PASSWORD": PASSWORD, "IMAP_TLS": "none", "IMAP_POLL_SECONDS": "0.5"} | extra


def available() -> bool:
    return Path(DOVECOT).exists() and Path("/usr/lib/dovecot/imap").exists()


@dataclass
class Dovecot:
    port: int
    root: Path
    config: Path
    tls_port: int = 0  # IMAPS, when started with a certificate

    def client(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        imap.login(USER, PASSWORD)
        return imap

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a mail into the mailbox as the organisation's mail server would."""
        imap = self.client()
        try:
            status, _ = imap.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)
            assert status == "OK", status
        finally:
            imap.logout()

    def messages(self, folder: str) -> list[tuple[bytes, bytes]]:
        """(flags, raw) of every mail in a folder; an absent folder has none."""
        imap = self.client()
        try:
            status, _ = imap.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            _, data = imap.uid("SEARCH", "ALL")
            found = []
            for uid in data[0].split():
                _, parts = imap.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
                meta, body = parts[0]  # type: ignore[misc]
                found.append((meta, body))
            return found
        finally:
            imap.logout()

    def kick(self) -> None:
        """Cut every IMAP connection of the user, as a server restart or a network drop does."""
        subprocess.run([DOVEADM, "-c", str(self.config), "kick", USER], capture_output=True,
                       timeout=60, check=False)

    @property
    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _config(root: Path, port: int, introspection_url: str | None,
            capabilities: str | None, tls_port: int, separator: str) -> str:
    """The whole configuration: one passwd-file user, maildir under root, IMAP on `port`."""
    passdbs = [f"passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN {root}/passwd\n}}"]
    mechanisms = "plain login"
    if introspection_url:
        # XOAUTH2: Dovecot asks the test's token server whether a bearer token is live.
        (root / "oauth2.conf").write_text(
            f"introspection_mode = post\nintrospection_url = {introspection_url}\n"
            "username_attribute = username\nactive_attribute = active\nactive_value = true\n")
        passdbs.append(f"passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
                       f"  args = {root}/oauth2.conf\n}}")
        mechanisms += " xoauth2 oauthbearer"
    extra = [f"protocol imap {{\n  imap_capability = {capabilities}\n}}"] if capabilities else []
    return "\n".join([
        *extra,
        f"base_dir = {root}/run",
        f"state_dir = {root}/state",
        f"instance_name = intake-test-{port}",
        f"log_path = {root}/dovecot.log",
        "protocols = imap",
        "listen = 127.0.0.1",
        *([f"ssl = yes\nssl_cert = <{root}/cert.pem\nssl_key = <{root}/key.pem"] if tls_port
          else ["ssl = no"]),
        "disable_plaintext_auth = no",
        f"auth_mechanisms = {mechanisms}",
        "default_internal_user = dovecot",
        "default_login_user = dovenull",
        "first_valid_uid = 1",
        f"mail_location = maildir:{root}/mail/%u",
        "mail_uid = nobody",
        "mail_gid = nogroup",
        f"namespace inbox {{\n  inbox = yes\n  separator = {separator}\n}}",
        *passdbs,
        "userdb {\n  driver = static\n  args = uid=nobody gid=nogroup "
        f"home={root}/home/%u\n}}",
        "service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n"
        f"    port = {port}\n  }}\n  inet_listener imaps {{\n    address = 127.0.0.1\n"
        f"    port = {tls_port}\n  }}\n}}",
        "service anvil {\n  chroot =\n}",
        "service imap-login {\n  chroot =\n}",
        "",
    ])


@contextmanager
def dovecot(introspection_url: str | None = None, capabilities: str | None = None,
            certificate: tuple[bytes, bytes] | None = None,
            separator: str = "/") -> Iterator[Dovecot]:
    """Dovecot on 127.0.0.1:<free port>; stopped and removed afterwards.

    `capabilities` replaces what Dovecot announces after login (say, without IDLE and MOVE,
    as some servers are); `introspection_url` turns on XOAUTH2 logins checked there;
    `certificate` (PEM certificate and key) turns on STARTTLS and an IMAPS port;
    `separator` is the hierarchy delimiter ("/" as Exchange and Gmail, or "." as many).
    """
    root = Path(tempfile.mkdtemp(prefix="dv", dir="/tmp"))
    root.chmod(0o755)  # the mail and login processes run as unprivileged users
    for folder in ("run", "state", "mail", "home"):
        (root / folder).mkdir()
    for folder in ("mail", "home"):
        shutil.chown(root / folder, "nobody", "nogroup")
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    port, tls_port = free_port(), free_port() if certificate else 0
    if certificate:
        (root / "cert.pem").write_bytes(certificate[0])
        (root / "key.pem").write_bytes(certificate[1])
    config = root / "dovecot.conf"
    config.write_text(_config(root, port, introspection_url, capabilities, tls_port,
                              separator))
    # Output to a file, not a pipe: the daemon's children keep a pipe open for ever.
    with (root / "start.log").open("wb") as out:
        started = subprocess.run([DOVECOT, "-c", str(config)], stdout=out, stderr=out,
                                 stdin=subprocess.DEVNULL, timeout=60)
    instance = Dovecot(port, root, config, tls_port)
    if started.returncode != 0:
        error = (root / "start.log").read_text(errors="replace")
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"dovecot did not start: {error}")
    try:
        wait_until(lambda: _answers(port), timeout=60, what=f"dovecot; log:\n{instance.log}")
        yield instance
    finally:
        subprocess.run([DOVEADM, "-c", str(config), "stop"], capture_output=True, timeout=60,
                       check=False)
        _wait_gone(root / "run" / "master.pid")
        shutil.rmtree(root, ignore_errors=True)


def _answers(port: int) -> bool:
    try:
        imaplib.IMAP4("127.0.0.1", port, timeout=2).logout()
        return True
    except OSError:
        return False


def _wait_gone(pid_file: Path) -> None:
    """Wait for the master to exit, so the temporary folder is not removed under it."""
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.05)
