"""Real servers for the fault tests, each started by the harness on a free loopback port and stopped
by the harness (never the machine's shared PostgreSQL or Redis):

- a PostgreSQL 15 cluster made with initdb in a temporary folder (as the postgres user when the
  tests run as root, which initdb requires);
- a redis-server without persistence;
- gunicorn serving config.settings.faults (production's settings) with REDIS_URL and DATABASE_URL
  pointing at the two above;
- a Celery worker when a test needs queued work to run.

Every process is started in its own session and stopped by its own pid (its process group).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("MULIN_PG_BIN", "/usr/lib/postgresql/15/bin"))
PYTHON = sys.executable
VENV_BIN = Path(PYTHON).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: S110  # not up yet
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")


def _stop_group(process: subprocess.Popen, *, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=timeout)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


# --- PostgreSQL ---------------------------------------------------------------------------------------


@dataclass
class Postgres:
    folder: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def _as_postgres(self, command: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(
            self._as_postgres(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c client_connection_check_interval=500ms"
        )
        subprocess.run(
            self._as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-o",
                    options,
                    "-l",
                    str(self.folder / "log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]),
            check=False,
            capture_output=True,
        )

    def restart(self) -> None:
        """Stop (fast: running transactions are aborted) and start again on the same port. Not
        `pg_ctl restart`: its new postmaster would hold our output pipes open."""
        self.stop("fast")
        self.start()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, database: str, statement: str) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/{database}", autocommit=True) as db:
            cursor = db.execute(statement)  # type: ignore[call-overload]
            return cursor.fetchall() if cursor.description else []


# --- Redis -------------------------------------------------------------------------------------------------


@dataclass
class Redis:
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [*command, "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(self.answers, 10, "redis-server answering")

    def answers(self) -> bool:
        import redis

        return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())

    def stop(self) -> None:
        if self.process is not None:
            _stop_group(self.process)
            self.process = None


# --- the application --------------------------------------------------------------------------------------


@dataclass
class App:
    """The environment of every application process (manage.py, gunicorn, celery)."""

    folder: Path
    database_url: str
    redis_url: str
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        keys = self.folder / "field_keys.json"
        if not keys.exists():

            def key() -> str:
                return base64.b64encode(secrets.token_bytes(16)).decode()

            keys.write_text(json.dumps({"active": 1, "keys": {"1": key()}, "index_key": key()}))
            keys.chmod(0o600)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.faults",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "MULIN_FIELD_KEYS_FILE": str(keys),
            "MULIN_DATA_DIR": str(self.folder),
            "MULIN_MEDIA_ROOT": str(self.folder / "media"),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "MULIN_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }

    def manage(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def python(self, code: str, timeout: float = 120) -> subprocess.CompletedProcess:
        script = "import django; django.setup()\n" + code
        return subprocess.run(
            [PYTHON, "-c", script], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )


@dataclass
class Gunicorn:
    app: App
    workers: int = 2
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> None:
        log = (self.app.folder / f"gunicorn-{self.port}.log").open("w")
        command = [str(VENV_BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            [*command, "--workers", str(self.workers), "--timeout", "30", "--graceful-timeout", "5"],
            cwd=ROOT,
            env=self.app.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(lambda: Browser(self.port).get("/accounts/login/").status == 200, 60, "gunicorn answering")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self) -> None:
        if self.process is not None:
            _stop_group(self.process)
            self.process = None


@dataclass
class CeleryWorker:
    app: App
    process: subprocess.Popen | None = None

    def start(self) -> None:
        log = (self.app.folder / "celery.log").open("w")
        command = [str(VENV_BIN / "celery"), "-A", "config", "worker", "--pool=solo", "--concurrency=1"]
        self.process = subprocess.Popen(
            [*command, "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
            cwd=ROOT,
            env=self.app.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.process is not None:
            _stop_group(self.process)
            self.process = None


# --- a browser without a browser -----------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Browser:
    """HTTP on loopback as nginx would pass it on: X-Forwarded-Proto https (production redirects
    plain HTTP), cookies kept by hand (they are Secure and __Host- prefixed)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def request(self, method: str, path: str, *, form: dict[str, str] | None = None, body: Any = None,
                timeout: float = 30) -> Answer:  # fmt: skip
        connection = HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Referer": f"https://127.0.0.1:{self.port}/",
            "Accept-Language": "en",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = None
        if form is not None:
            payload = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie, _, attributes = value.partition(";")
                    key, _, content = cookie.partition("=")
                    if "max-age=0" in attributes.lower() or "1970" in attributes:
                        self.cookies.pop(key.strip(), None)
                    else:
                        self.cookies[key.strip()] = content.strip()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        finally:
            connection.close()

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    def csrf(self, path: str) -> str:
        page = self.get(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        assert match, f"no CSRF token on {path} ({page.status})"
        return match.group(1)

    def post_form(self, path: str, form: dict[str, str], *, csrf_from: str | None = None, **kwargs: Any) -> Answer:
        token = self.csrf(csrf_from or path)
        return self.request("POST", path, form={**form, "csrfmiddlewaretoken": token}, **kwargs)

    def login(self, phone: str, password: str) -> Answer:
        return self.post_form("/accounts/login/", {"phone": phone, "password": password})
