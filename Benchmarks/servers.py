"""The servers under comparison, each a private instance on 127.0.0.1 with its own directory:
Facteur (the release binary), Dovecot (POP3 + LMTP, Maildir, mail_fsync = always) and Postfix
(smtpd + queue, delivering to that Dovecot over LMTP). Each class starts, reports its ports and
stops its own processes only; nothing touches a system-wide instance."""
import os
import re
import shutil
import signal
import sqlite3
import socket
import subprocess
import time
from pathlib import Path

DOMAIN = "example.test"
PASSWORD = "secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float, process: subprocess.Popen | None = None, log: Path | None = None,
                  greeting: bool = True):
    """Until the port accepts (and, with greeting, says something: a TLS port waits for the client)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}: {log.read_text(errors='replace')[-3000:] if log else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if greeting:
                    s.recv(256)
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"port {port} not up within {timeout}s: {log.read_text(errors='replace')[-3000:] if log and log.exists() else ''}")


class Facteur:
    """The release binary with a config in its own directory; FACTEUR_LOG_LEVEL=notice."""

    cpu = None  # a cpu_usage.CPUAccount once compare.py has started it

    def __init__(self, binary: str, root: Path):
        self.binary, self.root = binary, root
        root.mkdir(parents=True, exist_ok=True)
        self.config = root / "facteur.toml"
        # Fixed free ports: at log level notice the "listening" lines are not printed.
        self.ports = {name: free_port() for name in ("smtp", "lmtp", "pop3", "imap", "imaps")}
        listeners = "".join(f'{name} = "127.0.0.1:{port}"\n' for name, port in self.ports.items())
        # Every benchmark client comes from 127.0.0.1: the per-address limit (100 by default, a
        # production setting) would refuse imap-idle-memory's 1,000 connections.
        limits = "[limits]\nmax_connections = 100000\nmax_connections_per_address = 100000\n"
        self.config.write_text(f'hostname = "mx.{DOMAIN}"\ndata_dir = "{root / "data"}"\n\n[listeners]\n{listeners}\n'
                               f'{limits}')
        self.log = root / "facteur.log"
        self.process = None
        self.env = dict(os.environ, FACTEUR_LOG_LEVEL="notice")
        self.cli("domain", "add", DOMAIN)

    def cli(self, *args, stdin: str | None = None) -> str:
        result = subprocess.run([self.binary, *args, "--config", str(self.config)], input=stdin, env=self.env,
                                capture_output=True, text=True, errors="replace", timeout=600)
        if result.returncode != 0:
            raise RuntimeError(f"facteur {' '.join(args[:2])} failed: {result.stderr.strip()[-500:]}")
        return result.stdout

    def add_user(self, address: str):
        self.cli("user", "add", address, "--password-stdin", stdin=PASSWORD + "\n")

    def password_hash(self, address: str) -> str:
        """The Argon2id string Facteur stored for `address` (same password and cost for the peer)."""
        database = sqlite3.connect(f"file:{self.root / 'data' / 'facteur.sqlite'}?mode=ro", uri=True)
        try:
            return database.execute("SELECT password_hash FROM accounts WHERE address_key = ?",
                                    (address.lower(),)).fetchone()[0]
        finally:
            database.close()

    def start(self):
        log = open(self.log, "ab")
        self.process = subprocess.Popen([self.binary, "serve", "--config", str(self.config)], env=self.env,
                                        stdout=log, stderr=subprocess.STDOUT)
        # For compare.sh's EXIT trap, should this process be killed before it can stop the server.
        (self.root / "serve.pid").write_text(f"{self.process.pid}\n")
        for name, port in self.ports.items():
            wait_for_port(port, 60, self.process, self.log, greeting=name != "imaps")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        (self.root / "serve.pid").unlink(missing_ok=True)


class Dovecot:
    """A private Dovecot: POP3 + LMTP on 127.0.0.1, Maildir under root/mail, mail_fsync = always,
    users from a passwd-file with the same passwords as Facteur. Mail is owned by the 'mail' user;
    the internal and login users are the ones Debian's package creates."""

    cpu = None  # a cpu_usage.CPUAccount once compare.py has started it

    def __init__(self, root: Path, users: list[str], imap: bool = False, hibernate: bool = False,
                 password_hash: str | None = None):
        self.root = root
        for sub in ("run", "state", "mail"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        self.pop3_port, self.lmtp_port = free_port(), free_port()
        # IMAP (imap=True): plain IMAP with STARTTLS and implicit-TLS IMAPS on their own free ports.
        self.imap_port = self.imaps_port = None
        self.log = root / "dovecot.log"
        # password_hash: an Argon2id string (Facteur's own, `Facteur.password_hash`) so a login costs
        # both servers the same hashing; without it the password is stored as PLAIN.
        secret = f"{{ARGON2ID}}{password_hash}" if password_hash else f"{{PLAIN}}{PASSWORD}"
        (root / "passwd").write_text("".join(f"{u}:{secret}::::::\n" for u in users))
        self.conf = root / "dovecot.conf"
        self.conf.write_text(f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {self.log}
listen = 127.0.0.1
protocols = pop3 lmtp
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
first_valid_uid = 8
first_valid_gid = 8
mail_uid = mail
mail_gid = mail
mail_location = maildir:{root}/mail/%d/%n
mail_fsync = always
pop3_uidl_format = %08Xu%08Xv
lmtp_rcpt_check_quota = no
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid=mail gid=mail home={root}/mail/%d/%n
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {self.pop3_port}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {self.lmtp_port}
  }}
}}
protocol lmtp {{
  postmaster_address = postmaster@{DOMAIN}
}}
""")
        if imap:
            self._add_imap()
        if imap and hibernate:
            self._add_hibernation()
        # Every process (dovecot, dovenull, mail) must reach the sockets and the mail.
        for path in [root, *root.parents]:
            if str(path) in ("/", "/tmp"):
                break
            os.chmod(path, 0o755)
        shutil.chown(root / "mail", "mail", "mail")
        self.process = None

    def _add_imap(self):
        """IMAP the way Facteur offers it: "/" as hierarchy delimiter, the special-use folders every
        account starts with, STARTTLS on imap and implicit TLS on imaps (a throw-away self-signed
        certificate), no delay after a failed login, IDLE that notices new mail at once."""
        root = self.root
        self.imap_port, self.imaps_port = free_port(), free_port()
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem")],
                       check=True, capture_output=True, timeout=120)
        text = self.conf.read_text().replace("protocols = pop3 lmtp", "protocols = pop3 lmtp imap")
        text = text.replace("ssl = no\n", f"ssl = yes\nssl_cert = <{root}/cert.pem\nssl_key = <{root}/key.pem\n")
        mailboxes = "".join(f"  mailbox {name} {{\n    special_use = \\{name}\n    auto = create\n  }}\n"
                            for name in ("Drafts", "Sent", "Trash", "Junk", "Archive"))
        text += f"""
auth_failure_delay = 0
mailbox_idle_check_interval = 1 secs
mail_max_userip_connections = 200
namespace inbox {{
  inbox = yes
  separator = /
{mailboxes}}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.imaps_port}
    ssl = yes
  }}
}}
protocol imap {{
  # COMPRESS=DEFLATE (RFC 4978), for the compression interop tests and ratio.
  mail_plugins = $mail_plugins zlib imap_zlib
}}
"""
        self.conf.write_text(text)

    def _add_hibernation(self):
        """Dovecot's best idle configuration (the peer figure of imap-idle-memory): an IDLE
        connection is handed to the shared imap-hibernate process after 2 s, and enough processes
        and descriptors for a thousand connections of one user."""
        self.conf.write_text(self.conf.read_text().replace("mail_max_userip_connections = 200",
                                                           "mail_max_userip_connections = 5000") + """
imap_hibernate_timeout = 2 secs
default_client_limit = 5000
service imap {
  process_limit = 5000
}
service imap-login {
  process_limit = 5000
}
""")

    def maildir(self, user: str) -> Path:
        local, domain = user.split("@")
        return self.root / "mail" / domain / local

    def start(self):
        log = open(self.root / "dovecot.stdout", "ab")
        self.process = subprocess.Popen(["dovecot", "-c", str(self.conf), "-F"], stdout=log, stderr=subprocess.STDOUT)
        wait_for_port(self.pop3_port, 30, self.process, self.root / "dovecot.stdout")
        wait_for_port(self.lmtp_port, 30, self.process, self.log)
        if self.imap_port is not None:
            wait_for_port(self.imap_port, 30, self.process, self.log)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def count_delivered(self, users: list[str]) -> int:
        total = 0
        for user in users:
            for sub in ("new", "cur"):
                try:
                    total += len(os.listdir(self.maildir(user) / sub))
                except FileNotFoundError:
                    pass
        return total

    def write_maildir(self, user: str, messages: list[bytes], seen: bool = True):
        """Messages straight into user's Maildir (cur/, CRLF as given), the way a migration would;
        S= and W= in the name spare Dovecot from reading every file to learn the sizes. seen=False
        leaves them without \\Seen (info ":2," instead of ":2,S"), as Facteur's import of a corpus
        without Status fields does."""
        base = self.maildir(user)
        for sub in ("new", "cur", "tmp"):
            (base / sub).mkdir(parents=True, exist_ok=True)
        now = int(time.time())
        for index, message in enumerate(messages):
            info = ":2,S" if seen else ":2,"
            name = f"{now}.M{index}P{os.getpid()}.bench,S={len(message)},W={len(message)}{info}"
            (base / "cur" / name).write_bytes(message)
        for path in [base.parent, base, *base.iterdir(), *(base / "cur").iterdir()]:
            shutil.chown(path, "mail", "mail")


class Postfix:
    """A private Postfix: its own config_directory and queue_directory under root, smtpd on a free
    127.0.0.1 port, the test domain as a virtual mailbox domain handed to Dovecot's LMTP."""

    SERVICES = """\
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
smtp      unix  -       -       n       -       -       smtp
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""

    def __init__(self, root: Path, users: list[str], lmtp_port: int):
        self.root = root
        self.config_dir = root / "etc"
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.smtp_port = free_port()
        self.log = root / "postfix.log"
        recipients = ", ".join(f"{u}=ok" for u in users)
        (self.config_dir / "main.cf").write_text(f"""\
compatibility_level = 3.6
queue_directory = {root}/queue
data_directory = {root}/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = bench.localhost
mydomain = localhost
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
relay_domains =
local_transport = error:local delivery is disabled
alias_maps =
alias_database =
virtual_mailbox_domains = {DOMAIN}
virtual_mailbox_maps = inline:{{ {recipients} }}
virtual_transport = lmtp:inet:127.0.0.1:{lmtp_port}
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtputf8_enable = no
biff = no
maillog_file = {self.log}
maillog_file_prefixes = {root}
alternate_config_directories = {self.config_dir}
""")
        (self.config_dir / "master.cf").write_text(
            f"127.0.0.1:{self.smtp_port} inet n - n - - smtpd\n" + self.SERVICES)
        self.started = False

    def postfix(self, *args) -> subprocess.CompletedProcess:
        return subprocess.run(["postfix", "-c", str(self.config_dir), *args], capture_output=True, text=True, timeout=120)

    def start(self):
        (self.root / "queue").mkdir(exist_ok=True)
        (self.root / "data").mkdir(exist_ok=True)
        shutil.chown(self.root / "data", "postfix", "postfix")
        # Creates the queue's sub-directories with the owners Postfix expects.
        self.postfix("set-permissions")
        result = self.postfix("start")
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-1500:] if self.log.exists() else ""
            raise RuntimeError(f"postfix start failed: {(result.stdout + result.stderr).strip()[-500:]} {log}")
        self.started = True
        wait_for_port(self.smtp_port, 30, None, self.log)

    def stop(self):
        if self.started:
            self.postfix("stop")
            self.started = False

    def queue_empty(self) -> bool:
        for sub in ("incoming", "active", "deferred"):
            directory = self.root / "queue" / sub
            if directory.exists() and any(f for _, _, files in os.walk(directory) for f in files):
                return False
        return True
