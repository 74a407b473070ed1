"""A small open-model (constant arrival rate) HTTP load generator, run as its own process.

    python -m tools.bench.loadgen --port P --requests FILE --rate R --duration S [--seed N]

Why not wrk for this: Debian ships wrk, not wrk2, and wrk is a closed-loop tool — each
connection waits for its response before sending the next request, so when the server stalls
the load drops and the stall is never measured (coordinated omission). Here request i is due at
``start + i / rate`` whatever happens to the others; its latency is counted from that due time,
as wrk2 does, so queueing in front of a slow server shows in the percentiles. (wrk measures the
closed-model saturation throughput.)

Each request opens a connection, as nginx does towards gunicorn's sync workers (which close
after every response). Prints one JSON object: offered and achieved rate, percentiles (ms,
exact, from every sample), status counts, errors, and how late the generator itself was.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

from tools.bench.requests import load_requests, raw_request

TIMEOUT = 30.0
MAX_IN_FLIGHT = 1024


def percentile(sorted_values: list[float], pct: float) -> float | None:
    if not sorted_values:
        return None
    rank = max(0, min(len(sorted_values) - 1, round(pct / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


async def _one(host: str, port: int, payload: bytes) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(payload)
        await writer.drain()
        status_line = await reader.readline()
        parts = status_line.split()
        status = int(parts[1]) if len(parts) > 1 else 0
        await reader.read()  # until the server closes (Connection: close)
        return status
    finally:
        writer.close()


async def run(host: str, port: int, payloads: list[bytes], rate: float, duration: float) -> dict[str, Any]:
    total = max(1, int(rate * duration))
    latencies: list[float] = []
    service: list[float] = []
    statuses: dict[str, int] = {}
    errors = {"connect": 0, "timeout": 0, "other": 0, "client_limit": 0}
    lateness: list[float] = []
    in_flight = 0
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05

    async def fire(index: int, due: float) -> None:
        nonlocal in_flight
        sent = loop.time()
        lateness.append(sent - due)
        try:
            status = await asyncio.wait_for(_one(host, port, payloads[index % len(payloads)]), TIMEOUT)
        except TimeoutError:
            errors["timeout"] += 1
            return
        except OSError:
            errors["connect"] += 1
            return
        except Exception:  # a load tool counts failures, it does not stop on them
            errors["other"] += 1
            return
        finally:
            in_flight -= 1
        done = loop.time()
        latencies.append(done - due)
        service.append(done - sent)
        key = str(status)
        statuses[key] = statuses.get(key, 0) + 1

    tasks = []
    for index in range(total):
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if in_flight >= MAX_IN_FLIGHT:
            errors["client_limit"] += 1
            continue
        in_flight += 1
        tasks.append(asyncio.create_task(fire(index, due)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    latencies.sort()
    service.sort()
    lateness.sort()
    ok = sum(count for status, count in statuses.items() if status.startswith(("2", "3")))
    return {
        "model": "open",
        "offered_rate": rate,
        "duration": round(elapsed, 2),
        "requests": total,
        "completed": len(latencies),
        "achieved_rate": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "ok": ok,
        "statuses": statuses,
        "errors": errors,
        "error_count": sum(errors.values()) + (len(latencies) - ok),
        "latency_ms": {f"p{p}": _ms(percentile(latencies, p)) for p in (50, 95, 99)}
        | {
            "max": _ms(latencies[-1] if latencies else None),
            "mean": _ms(sum(latencies) / len(latencies)) if latencies else None,
        },
        "service_ms": {f"p{p}": _ms(percentile(service, p)) for p in (50, 95, 99)},
        "generator_late_ms": {"p50": _ms(percentile(lateness, 50)), "p99": _ms(percentile(lateness, 99))},
    }


async def run_closed(host: str, port: int, payloads: list[bytes], connections: int, duration: float) -> dict[str, Any]:
    """Closed model (used for saturation only when wrk is not installed): `connections` loops,
    each sending its next request as soon as the previous one is answered."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = {"connect": 0, "timeout": 0, "other": 0, "client_limit": 0}
    loop = asyncio.get_running_loop()
    stop = loop.time() + duration
    counter = 0

    async def worker() -> None:
        nonlocal counter
        while loop.time() < stop:
            counter += 1
            sent = loop.time()
            try:
                status = await asyncio.wait_for(_one(host, port, payloads[counter % len(payloads)]), TIMEOUT)
            except TimeoutError:
                errors["timeout"] += 1
                continue
            except OSError:
                errors["connect"] += 1
                continue
            latencies.append(loop.time() - sent)
            statuses[str(status)] = statuses.get(str(status), 0) + 1

    started = loop.time()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = loop.time() - started
    latencies.sort()
    ok = sum(count for status, count in statuses.items() if status.startswith(("2", "3")))
    return {
        "model": "closed",
        "duration": round(elapsed, 2),
        "completed": len(latencies),
        "achieved_rate": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "ok": ok,
        "statuses": statuses,
        "errors": errors,
        "error_count": sum(errors.values()) + (len(latencies) - ok),
        "latency_ms": {f"p{p}": _ms(percentile(latencies, p)) for p in (50, 95, 99)},
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--requests", type=Path, required=True, help="request file written by tools.bench.requests")
    parser.add_argument("--rate", type=float, required=True, help="requests per second")
    parser.add_argument("--duration", type=float, required=True, help="seconds")
    parser.add_argument("--closed", type=int, metavar="CONNECTIONS", help="closed model instead (saturation)")
    args = parser.parse_args(argv)
    payloads = [raw_request(request, host=f"{args.host}:{args.port}") for request in load_requests(args.requests)]
    started = time.perf_counter()
    if args.closed:
        result = asyncio.run(run_closed(args.host, args.port, payloads, args.closed, args.duration))
    else:
        result = asyncio.run(run(args.host, args.port, payloads, args.rate, args.duration))
    result["wall_seconds"] = round(time.perf_counter() - started, 2)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
