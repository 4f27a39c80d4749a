"""A private Postfix instance (Debian's package) configured with deploy/postfix/, on a free
port, for the test that relays a reply through it to `intake serve`."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from intake.paths import PROJECT_ROOT
from tests.support.waiting import free_port

DEPLOY = PROJECT_ROOT / "deploy" / "postfix"
POSTFIX = shutil.which("postfix") or "/usr/sbin/postfix"


def available() -> bool:
    return Path(POSTFIX).exists() and Path("/etc/postfix/master.cf").exists()


def _snippet_settings() -> str:
    """deploy/postfix/main.cf.snippet as written, with the transport map at our path."""
    text = (DEPLOY / "main.cf.snippet").read_text()
    return text.replace("$relay_domains, ", "")


@contextmanager
def postfix(intake_port: int) -> Iterator[tuple[int, Path]]:
    """Postfix listening on 127.0.0.1:<port>, forwarding the reply domain to intake_port."""
    # Short: Postfix's unix sockets live under the queue directory.
    root = Path(tempfile.mkdtemp(prefix="pf", dir="/tmp"))
    root.chmod(0o755)  # Postfix's daemons run as the postfix user and must get in
    conf, queue, data = root / "conf", root / "queue", root / "data"
    for folder in (conf, queue, data):
        folder.mkdir()
    shutil.chown(data, "postfix")
    port = free_port()
    master = Path("/etc/postfix/master.cf").read_text()
    master = re.sub(r"(?m)^smtp\s+inet\s.*$", f"127.0.0.1:{port} inet n - n - - smtpd", master)
    # No chroot: the instance lives in a temporary folder without the chroot's copies.
    master = re.sub(r"(?m)^(\S+\s+(?:unix|inet|unix-dgram|fifo|pass)\s+\S+\s+\S+\s+)y",
                    r"\1n", master)
    (conf / "master.cf").write_text(master)
    transport = (DEPLOY / "transport").read_text().replace("8025", str(intake_port))
    (conf / "transport").write_text(transport)
    (conf / "main.cf").write_text("\n".join([
        "compatibility_level = 3.6",
        f"queue_directory = {queue}",
        f"data_directory = {data}",
        "mail_owner = postfix",
        "setgid_group = postdrop",
        "inet_interfaces = 127.0.0.1",
        "inet_protocols = ipv4",
        "myhostname = mx.test.example.se",
        "mydestination =",
        # The test's client is not in mynetworks, like the Internet's mail servers are not.
        "mynetworks = 127.0.0.2/32",
        f"maillog_file = {root}/maillog",
        "maillog_file_prefixes = /tmp",
        "smtp_dns_support_level = disabled",
        "address_verify_poll_delay = 1s",
        _snippet_settings().replace("/etc/postfix/transport", str(conf / "transport")),
    ]) + "\n")
    subprocess.run(["postmap", str(conf / "transport")], check=True)
    started = subprocess.run([POSTFIX, "-c", str(conf), "start"], timeout=60)
    if started.returncode != 0:
        log = (root / "maillog").read_text() if (root / "maillog").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"postfix did not start:\n{log}")
    try:
        yield port, root / "maillog"
    finally:
        subprocess.run([POSTFIX, "-c", str(conf), "stop"], timeout=60, check=False)
        shutil.rmtree(root, ignore_errors=True)
