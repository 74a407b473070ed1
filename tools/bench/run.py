"""The benchmark harness: one command per tier, end to end.

    python -m tools.bench.run --tier S            # CI-sized: short runs, PostgreSQL
    python -m tools.bench.run --tier M --sqlite   # the published figures (docs/benchmarks.md)

For each database (PostgreSQL `mulin_bench_<tier>`; with --sqlite also an SQLite file in WAL
mode, read scenarios only) it:

1. builds the dataset if it is missing or the generator changed (fresh database, migrate,
   `tools.bench.generate`), and records how long that took;
2. starts the server as in production: gunicorn, sync workers (2 × cores + 1), production
   settings (config.settings.bench = production + the floor URLs), static files collected for
   the manifest storage; the harness plays nginx by sending X-Forwarded-Proto: https;
3. signs the bench personas in through the real login pages (password, then TOTP for staff);
4. per scenario, from separate processes: a warm-up, the saturation throughput with wrk (closed
   model), then latency at fixed arrival rates with tools.bench.loadgen (open model) at 50 % and
   80 % of F1's saturation rate (capped at the same share of the scenario's own saturation);
5. a separate profiled pass (one worker, MULIN_BENCH_PROFILE=1): queries, database time and
   Python time per request, never mixed with the load runs;
6. prints a table and writes JSON (git SHA, versions, hardware, every figure, every ratio to F1)
   to bench-results/; with --gate FILE it then applies tools.bench.gate and exits non-zero on a
   failure.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import http.client
import json
import os
import platform
import secrets
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools.bench.requests import Request, write_requests  # noqa: E402
from tools.bench.scenarios import READ_SCENARIOS, SCENARIO_IDS, specs_for  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
SESSION_COOKIE, CSRF_COOKIE = "__Host-sessionid", "__Host-csrftoken"
BENCH_DATABASE_PREFIX = "mulin_bench"  # the harness drops and recreates its database: only these names
PROFILE_REPEAT = 3  # each distinct request of the profiled pass, after one warm-up round

# Run lengths (seconds): warm-up, saturation, each fixed-rate run.
DURATIONS = {"quick": (2, 6, 8), "standard": (5, 20, 30), "long": (30, 60, 120)}


def log(message: str) -> None:
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# --- environment and datasets ----------------------------------------------------------------------


def bench_env(out: Path, database_url: str, **extra: str) -> dict[str, str]:
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    keys, secret = data / "field_keys.json", data / "secret_key"
    if not keys.exists():
        keys.write_text(_new_keyring())
        keys.chmod(0o600)
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(64))
        secret.chmod(0o600)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "MULIN_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.bench",
        DJANGO_SECRET_KEY=secret.read_text().strip(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        MULIN_FIELD_KEYS_FILE=str(keys),
        MULIN_DATA_DIR=str(data),
        MULIN_MEDIA_ROOT=str(data / "media"),
        MULIN_BENCH_STATIC_ROOT=str(out / "static"),
        MULIN_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
        **extra,
    )
    env.pop("REDIS_URL", None)
    return env


def _new_keyring() -> str:
    def key() -> str:
        return base64.b64encode(secrets.token_bytes(16)).decode()

    return json.dumps({"active": 1, "keys": {"1": key()}, "index_key": key()}, indent=2)


def _run(cmd: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, env=env, cwd=ROOT, text=True, capture_output=True, check=False, **kwargs)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return result


def _generator_hash() -> str:
    from tools.bench.generate import generator_hash

    return generator_hash()


def ensure_dataset(
    tier: str, backend: str, out: Path, *, seed: int, regenerate: bool, name: str
) -> tuple[dict[str, str], dict]:
    """Return the environment for the tier's database and its manifest; build it if needed."""
    if backend == "postgresql":
        url = f"{PG_URL}/{name}"
    else:
        url = f"sqlite:///{(out / 'data' / f'{name}.sqlite3').resolve()}"
    env = bench_env(out, url)
    manifest_path = out / "data" / f"{name}.{backend}.manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
    fresh = (
        manifest is not None
        and manifest.get("generator") == _generator_hash()
        and manifest.get("seed") == seed
        and _database_exists(backend, url)
        and not regenerate
    )
    if fresh:
        log(f"{backend}: tier {tier} dataset present ({manifest['rows']:,} rows, built in {manifest['seconds']} s)")
        return env, manifest
    log(f"{backend}: building tier {tier} into {name} (fresh database, migrate, generate)")
    _drop_database(backend, url)
    started = time.perf_counter()
    _run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], env)
    migrated = time.perf_counter() - started
    _run(
        [PYTHON, "-m", "tools.bench.generate", "--tier", tier, "--seed", str(seed), "--manifest", str(manifest_path)],
        env,
    )
    manifest = json.loads(manifest_path.read_text())
    manifest["migrate_seconds"] = round(migrated, 1)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    log(f"{backend}: {manifest['rows']:,} rows generated in {manifest['seconds']} s (migrate {migrated:.0f} s)")
    return env, manifest


def _database_exists(backend: str, url: str) -> bool:
    if backend == "sqlite":
        return Path(urllib.parse.urlparse(url).path).exists()
    name = url.rsplit("/", 1)[1]
    result = subprocess.run(
        ["psql", PG_URL + "/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],  # noqa: S608
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() == "1"


def _drop_database(backend: str, url: str) -> None:
    if backend == "sqlite":
        path = Path(urllib.parse.urlparse(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    if not name.startswith(BENCH_DATABASE_PREFIX):
        raise SystemExit(f"refusing to drop {name}: not a bench database")
    admin = PG_URL + "/postgres"
    subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True)
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)


# --- the server ---------------------------------------------------------------------------------------


# --port-range: the servers bind only there (agents sharing a machine each get a range); by
# default any free port the system gives.
PORT_RANGE: tuple[int, int] | None = None


def free_port() -> int:
    candidates = range(PORT_RANGE[0], PORT_RANGE[1] + 1) if PORT_RANGE else [0]
    for candidate in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise SystemExit(f"no free port in {PORT_RANGE[0]}-{PORT_RANGE[1]}" if PORT_RANGE else "no free port")


class Server:
    """gunicorn as in production (sync workers), on a free loopback port."""

    def __init__(self, env: dict[str, str], out: Path, *, workers: int, label: str) -> None:
        self.port = free_port()
        self.env = env
        self.log_path = out / "logs" / f"gunicorn-{label}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        # Static files again at every start: a template may name a file added since the last one
        # (the manifest storage refuses unknown names).
        _run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], self.env)
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "config.wsgi:application",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--backlog",
                "2048",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _h, _b = Browser(self.port).request("GET", "/accounts/login/")
                if status == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log_path}")
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within 60 s; see {self.log_path}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def totp(key_hex: str, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), as django-otp's TOTPDevice checks it."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class Browser:
    """Just enough of a browser behind nginx: cookies, CSRF, X-Forwarded-Proto: https."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def headers(self, path: str) -> dict[str, str]:
        headers = {"X-Forwarded-Proto": "https", "Origin": self.origin, "Referer": self.origin + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = self.headers(path)
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in cookie.lower() or "expires=thu, 01 jan 1970" in cookie.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response.status, response.headers, data

    def sign_in(self, phone: str, password: str, totp_key: str | None) -> None:
        self.request("GET", "/accounts/login/")
        status, headers, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": self.cookies[CSRF_COOKIE], "phone": phone, "password": password},
        )
        if status != 302:
            raise SystemExit(f"sign-in of {phone} failed: HTTP {status}")
        if totp_key is not None:
            if "/verify/" not in headers.get("Location", ""):
                raise SystemExit(f"{phone}: expected the second-factor step, got {headers.get('Location')}")
            status, headers, _ = self.request(
                "POST",
                "/accounts/login/verify/",
                {"csrfmiddlewaretoken": self.cookies[CSRF_COOKIE], "code": totp(totp_key)},
            )
            if status != 302 or "/verify/" in headers.get("Location", ""):
                raise SystemExit(f"{phone}: TOTP step failed (HTTP {status})")
        status, _h, _b = self.request("GET", "/bench/floor/constant/")
        if status != 200:
            raise SystemExit(f"{phone}: not signed in after login (HTTP {status})")


def sign_in_personas(port: int, manifest: dict) -> dict[str, list[Browser]]:
    personas = manifest["personas"]
    sessions: dict[str, list[Browser]] = {"worker": [], "resident": []}
    for worker in personas["workers"]:
        browser = Browser(port)
        browser.sign_in(worker["phone"], personas["password"], worker["totp_key"])
        sessions["worker"].append(browser)
    for resident in personas["residents"]:
        browser = Browser(port)
        browser.sign_in(resident["phone"], personas["password"], None)
        sessions["resident"].append(browser)
    return sessions


def bind(specs: list, sessions: dict[str, list[Browser]], port: int) -> list[Request]:
    """Give each request a session of its persona, round robin, with cookies and CSRF token."""
    requests, turn = [], {"worker": 0, "resident": 0}
    for spec in specs:
        pool = sessions[spec.persona]
        browser = pool[turn[spec.persona] % len(pool)]
        turn[spec.persona] += 1
        headers = browser.headers(spec.path)
        body = ""
        if spec.method == "POST":
            body = urllib.parse.urlencode([("csrfmiddlewaretoken", browser.cookies[CSRF_COOKIE]), *spec.form])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        requests.append(Request(spec.method, spec.path, headers, body, spec.expect))
    return requests


def smoke(requests: list[Request], port: int, scenario: str) -> None:
    """Every distinct request answers as expected before it is put under load."""
    seen = set()
    for request in requests:
        key = (request.method, request.path, request.headers.get("Cookie"))
        if key in seen:
            continue
        seen.add(key)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request(request.method, request.path, body=request.body or None, headers=request.headers)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        if response.status not in request.expect:
            raise SystemExit(
                f"{scenario}: {request.method} {request.path} answered {response.status}, expected {request.expect}"
            )
        if len(seen) >= 30:
            return


# --- load --------------------------------------------------------------------------------------------


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def closed_run(files: tuple[Path, Path], port: int, seconds: float, connections: int) -> dict[str, Any]:
    """Saturation throughput: wrk (closed model) if installed, else the Python tool's closed mode."""
    if wrk_available():
        result = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "-s",
                str(ROOT / "tools" / "bench" / "wrk" / "requests.lua"),
                f"http://127.0.0.1:{port}",
                "--",
                str(files[1]),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        line = next(line for line in result.stdout.splitlines() if line.startswith("{"))
        data = json.loads(line)
        seconds_run = data["duration_us"] / 1e6
        errors = data["errors"]
        return {
            "tool": "wrk",
            "rps": round(data["requests"] / seconds_run, 1),
            "requests": data["requests"],
            "errors": sum(errors.values()),
            "error_detail": errors,
            "latency_ms": {k: round(v / 1000, 3) for k, v in data["latency_us"].items()},
        }
    result = subprocess.run(
        [
            PYTHON,
            "-m",
            "tools.bench.loadgen",
            "--port",
            str(port),
            "--requests",
            str(files[0]),
            "--closed",
            str(connections),
            "--duration",
            str(seconds),
            "--rate",
            "1",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    data = json.loads(result.stdout)
    return {
        "tool": "loadgen-closed",
        "rps": data["achieved_rate"],
        "requests": data["completed"],
        "errors": data["error_count"],
        "error_detail": data["errors"] | {"status": data["completed"] - data["ok"]},
        "latency_ms": data["latency_ms"],
    }


def open_run(files: tuple[Path, Path], port: int, rate: float, seconds: float) -> dict[str, Any]:
    result = subprocess.run(
        [
            PYTHON,
            "-m",
            "tools.bench.loadgen",
            "--port",
            str(port),
            "--requests",
            str(files[0]),
            "--rate",
            f"{rate:.2f}",
            "--duration",
            str(seconds),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout)


def profile_pass(
    env: dict[str, str], out: Path, manifest: dict, data: dict, label: str, scenarios: list[str]
) -> dict[str, Any]:
    """One worker with the profiling middleware; each distinct request a few times, sequentially."""
    log_path = out / "logs" / f"queries-{label}.jsonl"
    log_path.unlink(missing_ok=True)
    profile_env = {**env, "MULIN_BENCH_PROFILE": "1", "MULIN_BENCH_PROFILE_LOG": str(log_path)}
    results = {}
    data = {**data, "run_token": secrets.token_hex(4)}  # posts with keys not spent by the load runs
    with Server(profile_env, out, workers=1, label=f"{label}-profile") as server:
        sessions = sign_in_personas(server.port, manifest)
        for scenario in scenarios:
            # Distinct requests in order; rounds move along the list, so a post never repeats a
            # one-time form key (a repeat would be answered from the idempotency record).
            distinct = list(dict.fromkeys(specs_for(scenario, data)))
            per_round = min(12, len(distinct))
            requests = bind(distinct[: per_round * (PROFILE_REPEAT + 1)], sessions, server.port)
            samples = []
            for round_ in range(PROFILE_REPEAT + 1):
                for n in range(per_round):
                    request = requests[(round_ * per_round + n) % len(requests)]
                    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                    connection.request(request.method, request.path, body=request.body or None, headers=request.headers)
                    response = connection.getresponse()
                    response.read()
                    connection.close()
                    if response.status not in request.expect:
                        raise SystemExit(f"profile {scenario}: {request.path} answered {response.status}")
                    if round_ == 0:
                        continue  # warm-up: caches, template loading, the reach cache
                    samples.append(
                        (
                            int(response.headers["X-Bench-Queries"]),
                            int(response.headers["X-Bench-Statements"]),
                            float(response.headers["X-Bench-Db-Ms"]),
                            float(response.headers["X-Bench-Total-Ms"]),
                        )
                    )
            queries = sorted(s[0] for s in samples)
            statements = sorted(s[1] for s in samples)
            db = sorted(s[2] for s in samples)
            total = sorted(s[3] for s in samples)
            python = sorted(t - d for _q, _s, d, t in samples)
            results[scenario] = {
                # The typical request: the session is re-saved at most once a minute, so an
                # occasional request costs one query more (max); an N+1 shows in every request.
                "queries": queries[len(queries) // 2],
                "queries_max": queries[-1],
                "queries_min": queries[0],
                "statements_max": statements[-1],
                "db_ms": round(db[len(db) // 2], 2),
                "python_ms": round(python[len(python) // 2], 2),
                "total_ms": round(total[len(total) // 2], 2),
                "samples": len(samples),
            }
    return results


def run_database(
    backend: str, env: dict[str, str], manifest: dict, out: Path, args: argparse.Namespace, scenarios: list[str]
) -> dict[str, Any]:
    warmup, saturation, fixed = DURATIONS[args.durations]
    label = f"{args.tier.lower()}-{backend}"
    data = json.loads(
        _run(
            [
                PYTHON,
                "-m",
                "tools.bench.prepare",
                "--manifest",
                str(out / "data" / f"{args.database_name}.{backend}.manifest.json"),
            ],
            env,
        ).stdout
    )
    data["run_token"] = secrets.token_hex(4)  # fresh one-time form keys for this run's posts
    log(f"{backend}: deep page {data['deep_page']} of {data['public_wishes']:,} public wishes")
    workers = 2 * (os.cpu_count() or 2) + 1
    results: dict[str, Any] = {"workers": workers, "connections": args.connections, "data": data, "scenarios": {}}
    f1_rps = None
    with Server(env, out, workers=workers, label=label) as server:
        sessions = sign_in_personas(server.port, manifest)
        for scenario in scenarios:
            requests = bind(specs_for(scenario, data), sessions, server.port)
            files = write_requests(requests, out / "requests" / f"{label}-{scenario}")
            smoke(requests, server.port, scenario)
            closed_run(files, server.port, warmup, args.connections)
            sat = closed_run(files, server.port, saturation, args.connections)
            f1_rps = f1_rps or sat["rps"]
            entry: dict[str, Any] = {"saturation": sat, "open": {}}
            for share in args.shares:
                rate = min(f1_rps * share / 100, sat["rps"] * share / 100)
                entry["open"][str(share)] = open_run(files, server.port, rate, fixed)
            results["scenarios"][scenario] = entry
            o50 = entry["open"]["50"]
            log(
                f"{backend} {scenario:<8} {sat['rps']:>8.1f} req/s saturated; p95 {o50['latency_ms']['p95']} ms "
                f"at {o50['offered_rate']:.0f} req/s; errors {sat['errors']}+{o50['error_count']}"
            )
    profile = profile_pass(env, out, manifest, data, label, scenarios)
    for scenario, figures in profile.items():
        results["scenarios"][scenario]["profile"] = figures
    add_ratios(results["scenarios"])
    return results


def add_ratios(scenarios: dict[str, Any]) -> None:
    f1 = scenarios.get("F1")
    if not f1:
        return
    for entry in scenarios.values():
        ratios = {"throughput": _div(entry["saturation"]["rps"], f1["saturation"]["rps"])}
        for share in entry["open"]:
            if share not in f1["open"]:
                continue
            ratios[f"p95_at_{share}"] = _div(
                entry["open"][share]["latency_ms"]["p95"], f1["open"][share]["latency_ms"]["p95"]
            )
            ratios[f"p99_at_{share}"] = _div(
                entry["open"][share]["latency_ms"]["p99"], f1["open"][share]["latency_ms"]["p99"]
            )
        entry["ratios"] = ratios
    if "W1" in scenarios and "W1-deep" in scenarios:
        scenarios["W1-deep"]["ratios"]["p95_vs_W1"] = _div(
            scenarios["W1-deep"]["open"]["50"]["latency_ms"]["p95"], scenarios["W1"]["open"]["50"]["latency_ms"]["p95"]
        )


def _div(a: float | None, b: float | None) -> float | None:
    if a is None or not b:
        return None
    return round(a / b, 3)


# --- report ------------------------------------------------------------------------------------------


def environment_facts() -> dict[str, Any]:
    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT).stdout.strip()
        except OSError:
            return ""

    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
    meminfo = Path("/proc/meminfo").read_text().splitlines()[0] if Path("/proc/meminfo").exists() else ""
    versions = json.loads(
        out(
            [
                PYTHON,
                "-c",
                (
                    "import json, django, gunicorn, psycopg, sqlite3, sys; "
                    "print(json.dumps({'python': sys.version.split()[0], 'django': django.get_version(), "
                    "'gunicorn': gunicorn.__version__, 'psycopg': psycopg.__version__, "
                    "'sqlite': sqlite3.sqlite_version}))"
                ),
            ]
        )
        or "{}"
    )
    versions["postgresql"] = out(["psql", PG_URL + "/postgres", "-tAc", "SHOW server_version"])
    versions["wrk"] = (out(["wrk", "--version"]).splitlines() or [""])[0] if wrk_available() else "not installed"
    return {
        "git": {
            "sha": out(["git", "rev-parse", "HEAD"]),
            "dirty": bool(out(["git", "status", "--porcelain", "--untracked-files=no"])),
        },
        "versions": versions,
        "hardware": {
            "cpu": models[0] if models else platform.processor(),
            "cores": os.cpu_count(),
            "memory": meminfo.split(":", 1)[-1].strip(),
            "kernel": platform.release(),
            "load_average_at_start": os.getloadavg(),
        },
    }


def print_table(result: dict[str, Any]) -> None:
    for backend, run in result["runs"].items():
        if "error" in run:
            print(f"\nTier {result['tier']} on {backend}: FAILED — {run['error']}")
            continue
        print(
            f"\nTier {result['tier']} on {backend} — {run['workers']} gunicorn sync workers, "
            f"{run['connections']} connections at saturation; latency at 50 % of F1's saturation rate"
        )
        header = (
            f"{'scenario':<9}{'req/s':>9}{'×F1':>7}{'rate':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
            f"{'p95×F1':>8}{'p95@80%':>9}{'err':>5}{'queries':>9}{'db ms':>8}{'py ms':>8}"
        )
        print(header)
        print("-" * len(header))
        for scenario in SCENARIO_IDS:
            entry = run["scenarios"].get(scenario)
            if entry is None:
                continue
            o50 = entry["open"]["50"]
            o80 = entry["open"].get("80", {"latency_ms": {"p95": None}, "error_count": 0})
            profile = entry.get("profile", {})
            errors = entry["saturation"]["errors"] + o50["error_count"] + o80["error_count"]
            print(
                f"{scenario:<9}{entry['saturation']['rps']:>9.1f}{_fmt(entry['ratios']['throughput']):>7}"
                f"{o50['offered_rate']:>7.0f}{_fmt(o50['latency_ms']['p50'], 1):>9}"
                f"{_fmt(o50['latency_ms']['p95'], 1):>9}"
                f"{_fmt(o50['latency_ms']['p99'], 1):>9}{_fmt(entry['ratios']['p95_at_50']):>8}"
                f"{_fmt(o80['latency_ms']['p95'], 1):>9}{errors:>5}{profile.get('queries_max', '-'):>9}"
                f"{_fmt(profile.get('db_ms'), 1):>8}{_fmt(profile.get('python_ms'), 1):>8}"
            )


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tier", required=True, type=str.upper, choices=["S", "M", "L", "XS"])
    parser.add_argument("--sqlite", action="store_true", help="also run the read scenarios on SQLite (WAL)")
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    parser.add_argument(
        "--durations", choices=sorted(DURATIONS), help="run lengths (default: quick for S, standard for M and L)"
    )
    parser.add_argument("--connections", type=int, default=16, help="wrk connections at saturation")
    parser.add_argument("--scenarios", help="comma-separated subset, e.g. F1,W1")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the dataset even if present")
    parser.add_argument("--seed", type=int)
    parser.add_argument(
        "--database-name", help=f"default mulin_bench_<tier> (must start with {BENCH_DATABASE_PREFIX}: it is dropped)"
    )
    parser.add_argument("--port-range", help="bind the servers to a free port in this range, e.g. 8200-8299")
    parser.add_argument("--shares", default="50,80", help="fixed rates, in %% of F1's saturation (default 50,80)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    parser.add_argument("--gate", type=Path, help="budgets file: exit non-zero if the gate fails")
    parser.add_argument("--baseline", type=Path, help="a tier S result, for the M/S scaling ratios")
    args = parser.parse_args(argv)
    from tools.bench.tiers import DEFAULT_SEED

    args.seed = args.seed or DEFAULT_SEED
    args.database_name = args.database_name or f"mulin_bench_{args.tier.lower()}"
    if not args.database_name.startswith(BENCH_DATABASE_PREFIX):
        parser.error(f"--database-name must start with {BENCH_DATABASE_PREFIX}")
    if args.port_range:
        global PORT_RANGE
        low, _, high = args.port_range.partition("-")
        if not (low.isdigit() and high.isdigit() and 0 < int(low) <= int(high) < 65536):
            parser.error("--port-range must be LOW-HIGH, e.g. 8200-8299")
        PORT_RANGE = (int(low), int(high))
    args.shares = [int(share) for share in args.shares.split(",")]
    if 50 not in args.shares:
        parser.error("--shares must include 50 (the ratios are taken there)")
    args.durations = args.durations or ("quick" if args.tier in {"S", "XS"} else "standard")
    args.out.mkdir(parents=True, exist_ok=True)
    wanted = args.scenarios.split(",") if args.scenarios else SCENARIO_IDS
    if "F1" not in wanted:
        wanted = ["F1", *wanted]
    started = time.perf_counter()
    result: dict[str, Any] = {
        "tier": args.tier,
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python -m tools.bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        **environment_facts(),
        "method": {
            "durations_s": dict(zip(["warmup", "saturation", "fixed_rate"], DURATIONS[args.durations], strict=True)),
            "saturation": "closed model (wrk, or the Python tool's closed mode without wrk)",
            "latency": "open model (tools.bench.loadgen), at 50 % and 80 % of F1's saturation rate, capped at the "
            "same share of the scenario's own saturation; latency from each request's due time",
            "profile": f"one worker, MULIN_BENCH_PROFILE=1, up to 12 distinct requests × {PROFILE_REPEAT} rounds "
            "after a warm-up round",
        },
        "datasets": {},
        "runs": {},
    }
    backends = ([] if args.no_postgres else ["postgresql"]) + (["sqlite"] if args.sqlite else [])
    for backend in backends:
        env, manifest = ensure_dataset(
            args.tier, backend, args.out, seed=args.seed, regenerate=args.regenerate, name=args.database_name
        )
        result["datasets"][backend] = {k: v for k, v in manifest.items() if k != "personas"}
        _run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], env)
        scenarios = wanted if backend == "postgresql" else [s for s in wanted if s in READ_SCENARIOS]
        try:
            result["runs"][backend] = run_database(backend, env, manifest, args.out, args, scenarios)
        except (SystemExit, Exception) as exc:  # keep the other database's figures; the run still fails
            log(f"{backend}: FAILED: {exc}")
            result["runs"][backend] = {"error": str(exc)}
        # Written after each database, so a failure later loses nothing measured.
        (args.out / f"partial-{args.tier}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    result["seconds"] = round(time.perf_counter() - started, 1)
    if args.baseline and args.baseline.exists():
        add_scaling(result, json.loads(args.baseline.read_text()))
    from tools.bench.gate import evaluate, load_budgets

    status = 1 if any("error" in run for run in result["runs"].values()) else 0
    if args.gate:
        report = evaluate(result, load_budgets(args.gate))
        result["gate"] = report
        status = status or (0 if report["passed"] else 1)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = args.out / f"bench-{args.tier}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    (args.out / f"latest-{args.tier}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_table(result)
    if "gate" in result:
        print()
        for line in result["gate"]["lines"]:
            print(line)
        print("gate: " + ("passed" if result["gate"]["passed"] else "FAILED"))
    print(f"\nresults: {path} ({result['seconds']} s)")
    return status


def add_scaling(result: dict[str, Any], baseline: dict[str, Any]) -> None:
    """Tier M/S scaling ratios: the scenario/F1 ratio here divided by the same ratio at tier S."""
    for backend, run in result["runs"].items():
        base = baseline.get("runs", {}).get(backend)
        if not base or "error" in run or "error" in base:
            continue
        for scenario, entry in run["scenarios"].items():
            other = base["scenarios"].get(scenario)
            if not other or "ratios" not in entry:
                continue
            entry["scaling_vs_S"] = {
                "throughput": _div(entry["ratios"]["throughput"], other["ratios"]["throughput"]),
                # Latency ratios: S's p95 ratio over M's (≥ 1 means M is no worse).
                "p95_at_50": _div(other["ratios"]["p95_at_50"], entry["ratios"]["p95_at_50"]),
            }


if __name__ == "__main__":
    raise SystemExit(main())
