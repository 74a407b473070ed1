"""Request lists shared by both load tools: JSON for the Python open-model generator, a Lua
table for wrk. Each request carries its own session cookie, so load rotates over sessions."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    expect: tuple[int, ...] = (200,)


def raw_request(request: Request, *, host: str) -> bytes:
    headers = {"Host": host, "Connection": "close", **request.headers}
    body = request.body.encode()
    if request.method != "GET":
        headers["Content-Length"] = str(len(body))
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return f"{request.method} {request.path} HTTP/1.1\r\n{head}\r\n".encode("latin-1") + body


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def write_requests(requests: list[Request], path: Path) -> tuple[Path, Path]:
    """Write `path`.json and `path`.lua; return both paths."""
    path.parent.mkdir(parents=True, exist_ok=True)
    json_path, lua_path = path.with_suffix(".json"), path.with_suffix(".lua")
    json_path.write_text(json.dumps([asdict(r) for r in requests], ensure_ascii=False))
    lines = ["return {"]
    for request in requests:
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in request.headers.items())
        body = _lua_string(request.body) if request.body else "nil"
        lines.append(
            f"  {{method = {_lua_string(request.method)}, path = {_lua_string(request.path)}, "
            f"headers = {{{headers}}}, body = {body}}},"
        )
    lines.append("}")
    lua_path.write_text("\n".join(lines) + "\n")
    return json_path, lua_path


def load_requests(path: Path) -> list[Request]:
    return [Request(**{**item, "expect": tuple(item["expect"])}) for item in json.loads(path.read_text())]
