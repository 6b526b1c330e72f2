"""A throw-away Dovecot IMAP server for the tests: its own configuration, users, maildirs, logs
and sockets in a temporary folder, listening on 127.0.0.1 only, on a free port, plain-text
login (never on another interface). Works as root (the mail user is ``dovecot``, as Debian's
package creates it) and as an ordinary user (everything runs as that user).

Usage::

    with Dovecot(tmp_path / "imap") as server:
        server.append(raw_bytes)          # IMAP APPEND into INBOX
        server.uri()                      # imap://nscl:...@127.0.0.1:PORT?use_ssl=false
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest

USER = "vanthu.skhcn"
PASSWORD = "Mk-thu-nghiem-2026"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
instance_name = nscl-test-{port}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
mail_uid = {user}
mail_gid = {group}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    user = {user}
    group = {group}
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""


def require_dovecot() -> str:
    """The dovecot binary; a skip outside CI when it is missing, a failure in CI (``.ci/run``
    installs ``dovecot-imapd``)."""
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
    if binary:
        return binary
    reason = "Dovecot is not installed (apt-get install dovecot-imapd; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)
    raise AssertionError("unreachable")


def _self_signed(cert: Path, key: Path) -> None:
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key.chmod(0o600)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Dovecot:
    def __init__(self, keep: Path, user: str = USER, password: str = PASSWORD, tls: bool = False):
        self.binary = require_dovecot()
        # The server's own folder must be reachable by the mail user (``dovecot`` under root),
        # and pytest keeps its tmp_path under a 0700 folder that any new pytest session resets:
        # so the server lives in a folder of its own under /tmp, removed on stop, and its log is
        # copied into ``keep`` (the test's tmp_path) for the post-mortem.
        self.keep = Path(keep)
        self.root = Path(tempfile.mkdtemp(prefix="nscl-dovecot-")).resolve()
        self.root.chmod(0o711)
        self.user, self.password = user, password
        self.port = free_port()
        # With ``tls``, also IMAP over TLS (imaps) on ``tls_port``, with a self-signed certificate
        # for 127.0.0.1 made here (``cert`` is its path, for a client that trusts it).
        self.tls_port = free_port() if tls else 0
        self.cert: Path | None = None
        self.proc: subprocess.Popen | None = None

    # ---- lifecycle ------------------------------------------------------------------------

    def _accounts(self) -> tuple[str, str, str]:
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("dovecot")
                pwd.getpwnam("dovenull")
                return "dovecot", grp.getgrgid(pwd.getpwnam("dovecot").pw_gid).gr_name, "dovenull"
            except KeyError:
                pass
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, grp.getgrgid(me.pw_gid).gr_name, me.pw_name

    def start(self) -> Dovecot:
        user, group, login_user = self._accounts()
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n", encoding="utf-8")
        ssl = "ssl = no"
        if self.tls_port:
            self.cert = self.root / "cert.pem"
            _self_signed(self.cert, self.root / "key.pem")
            ssl = f"ssl = yes\nssl_cert = <{self.cert}\nssl_key = <{self.root / 'key.pem'}"
        self.config = self.root / "dovecot.conf"
        self.config.write_text(
            CONFIG.format(
                root=self.root,
                port=self.port,
                tls_port=self.tls_port,
                ssl=ssl,
                user=user,
                group=group,
                login_user=login_user,
            ),
            encoding="utf-8",
        )
        uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid
        for path in [self.root, *self.root.rglob("*")]:
            if path.name != "passwd" or os.geteuid() != 0:
                os.chown(path, uid, gid)
        self.proc = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"dovecot exited: {self.proc.stderr.read().decode() if self.proc.stderr else ''}"
                    f"\n{self.log()}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"dovecot did not listen on 127.0.0.1:{self.port}\n{self.log()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.proc = None
        if self.root.exists():
            self.keep.mkdir(parents=True, exist_ok=True)
            if (self.root / "dovecot.log").exists():
                shutil.copy(self.root / "dovecot.log", self.keep / "dovecot.log")
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Dovecot:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(encoding="utf-8", errors="replace")[-4000:] if path.exists() else ""

    # ---- what the tests do to the mailbox -------------------------------------------------

    def uri(self, **extra: str) -> str:
        """The Airflow connection URI (``AIRFLOW_CONN_IMAP_DEFAULT``)."""
        query = "&".join(f"{k}={quote(v, safe='')}" for k, v in {"use_ssl": "false", **extra}.items())
        return f"imap://{quote(self.user, safe='')}:{quote(self.password, safe='')}@127.0.0.1:{self.port}?{query}"

    def tls_uri(self, **extra: str) -> str:
        """The connection URI of the imaps listener (``use_ssl`` left at its default: true)."""
        query = "&".join(f"{k}={quote(v, safe='')}" for k, v in extra.items())
        return (
            f"imap://{quote(self.user, safe='')}:{quote(self.password, safe='')}@127.0.0.1:{self.tls_port}"
            + (f"?{query}" if query else "")
        )

    def client(self) -> imaplib.IMAP4:
        c = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        c.login(self.user, self.password)
        return c

    def append(self, raw: bytes, folder: str = "INBOX", flags: str = "", when=None) -> None:
        """IMAP APPEND; ``when`` (an aware datetime) is the arrival time the server records."""
        c = self.client()
        try:
            date = imaplib.Time2Internaldate(when) if when is not None else None
            typ, data = c.append(folder, f"({flags})" if flags else None, date, raw)
            assert typ == "OK", data
        finally:
            c.logout()

    def folder(self, name: str) -> list[bytes]:
        """The raw messages in a folder, oldest first (read without setting \\Seen)."""
        c = self.client()
        try:
            typ, _ = c.select(f'"{name}"', readonly=True)
            if typ != "OK":
                return []
            _, data = c.uid("SEARCH", None, "ALL")
            out = []
            for uid in data[0].split():
                _, fetched = c.uid("FETCH", uid, "(BODY.PEEK[])")
                out.append(bytes(fetched[0][1]))
            return out
        finally:
            c.logout()
