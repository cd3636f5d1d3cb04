"""Load benchmark of `copydesk serve` on loopback (a script, not a test).

Starts the service in a subprocess, then for each concurrency level runs that many clients, each
posting benchmark pages (raw HTML, one after another) for the given time, and reports p50/p90/p99
latency, throughput, 4xx/5xx and lost requests (no answer at all), and the server's peak memory
(resident set of the server and its worker processes, summed, sampled every 100 ms).
Then it checks the limits on the live server: a 50 MB body, a slow page, the SSRF address forms.

    python scripts/loadbench.py                                   # 1, 8 and 32 clients, 60 s each
    python scripts/loadbench.py --levels 1,8,32 --seconds 15,15,60 --json bench-results/load.json
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAGES = ROOT.parent / "shared" / "benchmarks" / "aeb" / "html"
SSRF_HOSTS = ["127.0.0.1", "localhost", "2130706433", "0x7f.1", "0177.0.0.1", "127.1", "[::1]",
              "[::ffff:127.0.0.1]", "10.0.0.1", "172.16.0.1", "192.168.0.1", "169.254.169.254", "0.0.0.0",
              "100.64.0.1", "224.0.0.1", "[fe80::1]", "[fc00::1]", "[ff02::1]", "[2002:7f00:1::]", "[::]"]


class MemoryPeak:
    """Samples the RSS of a process tree in a thread; `peak` is the largest sum seen since `reset`."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self.stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self.stop.wait(0.1):
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass

    def reset(self) -> None:
        self.peak = 0


def start_server(port: int, workers: int | None, extract_timeout: float) -> subprocess.Popen:
    command = [sys.executable, "-m", "copydesk", "serve", "--port", str(port),
               "--extract-timeout", str(extract_timeout)]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the service did not start")


async def run_level(base: str, pages: list[bytes], clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lost = 0
    counter = iter(range(10**9))
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal lost
        while time.monotonic() < deadline:
            page = pages[next(counter) % len(pages)]
            started = time.perf_counter()
            try:
                response = await http.post("/v1/extract", content=page, headers={"content-type": "text/html"})
            except httpx.HTTPError:
                lost += 1
                continue
            latencies.append(time.perf_counter() - started)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return summarise(clients, seconds, latencies, statuses, lost)


def summarise(clients: int, seconds: float, latencies: list[float], statuses: dict[int, int], lost: int) -> dict:
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    p50, p90, p99 = cuts[49], cuts[89], cuts[98]
    return {
        "clients": clients, "seconds": seconds, "requests": len(latencies), "throughput_rps": len(latencies) / seconds,
        "p50_ms": p50 * 1000, "p90_ms": p90 * 1000, "p99_ms": p99 * 1000, "max_ms": max(latencies) * 1000,
        "p99_over_p50": p99 / p50, "ok": statuses.get(200, 0),
        "4xx": sum(n for s, n in statuses.items() if 400 <= s < 500),
        "5xx": sum(n for s, n in statuses.items() if s >= 500), "lost": lost,
    }


def check_big_body(port: int) -> dict:
    """Streams a declared 50 MB body and counts how much is sent before the 413 comes back."""
    sent, total, chunk = 0, 50 * 1024 * 1024, b"a" * 65536
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"POST /v1/extract HTTP/1.1\r\nHost: x\r\nContent-Type: text/html\r\n"
                     b"Content-Length: %d\r\n\r\n" % total)
        sock.setblocking(False)
        answer = b""
        while sent < total and not answer:
            try:
                answer = sock.recv(65536)
            except BlockingIOError:
                try:
                    sent += sock.send(chunk)
                except (BlockingIOError, OSError):
                    time.sleep(0.001)
        sock.setblocking(True)
        answer += sock.recv(65536) if b"\r\n\r\n" not in answer else b""
    return {"status": int(answer.split()[1]), "body_bytes_sent_before_answer": sent, "declared_bytes": total}


def check_slow_page(base: str, normal: bytes) -> dict:
    """A page engineered to be slow, with normal requests sent while it runs."""
    units = "".join(f"<div class=c{i % 7}><p>word {i} and more</p><a href=/x{i}>l{i}</a></div>" for i in range(150_000))
    slow = gzip.compress(f"<html><body>{units}</body></html>".encode())
    result: dict = {}

    def post_slow() -> None:
        started = time.perf_counter()
        response = httpx.post(f"{base}/v1/extract", content=slow, headers={"content-type": "text/html"}, timeout=120)
        result.update(status=response.status_code, seconds=round(time.perf_counter() - started, 2))

    thread = threading.Thread(target=post_slow)
    thread.start()
    time.sleep(0.3)
    served = []
    while thread.is_alive():
        started = time.perf_counter()
        response = httpx.post(f"{base}/v1/extract", content=normal, headers={"content-type": "text/html"}, timeout=60)
        if thread.is_alive():
            served.append((response.status_code, time.perf_counter() - started))
    thread.join()
    result["served_meanwhile"] = len(served)
    result["served_meanwhile_ok"] = sum(status == 200 for status, _ in served)
    result["served_meanwhile_max_ms"] = round(max((s for _, s in served), default=0) * 1000, 1)
    return result


def check_ssrf(base: str) -> dict:
    refused = 0
    for host in SSRF_HOSTS:
        response = httpx.post(f"{base}/v1/extract", json={"url": f"http://{host}/"}, timeout=30)
        refused += response.status_code == 403
    return {"forms": len(SSRF_HOSTS), "refused_403": refused}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder of .html or .html.gz pages")
    parser.add_argument("--levels", default="1,8,32", help="concurrent clients, comma-separated")
    parser.add_argument("--seconds", default="60,60,60", help="duration per level, comma-separated")
    parser.add_argument("--workers", type=int, default=None, help="extraction processes (default: one per CPU)")
    parser.add_argument("--extract-timeout", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args()

    files = sorted(args.pages.glob("*.htm*"))
    pages = [gzip.decompress(f.read_bytes()) if f.suffix == ".gz" else f.read_bytes() for f in files]
    if not pages:
        raise SystemExit(f"no pages in {args.pages} (give a folder with --pages)")
    levels = [int(n) for n in args.levels.split(",")]
    seconds = [float(s) for s in args.seconds.split(",")]
    seconds += [seconds[-1]] * (len(levels) - len(seconds))
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(args.port, args.workers, args.extract_timeout)
    memory = MemoryPeak(server.pid)
    report: dict = {"pages": len(pages), "cpus": os.cpu_count(), "levels": []}
    time.sleep(0.5)  # one memory sample of the idle server
    try:
        print(f"{len(pages)} pages from {args.pages}; idle server RSS {memory.peak / 2**20:.0f} MiB")
        print(f"{'clients':>7} {'secs':>5} {'reqs':>6} {'req/s':>6} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
              f"{'max ms':>8} {'p99/p50':>7} {'4xx':>4} {'5xx':>4} {'lost':>4} {'peak MiB':>8}")
        for clients, duration in zip(levels, seconds, strict=True):
            memory.reset()
            row = asyncio.run(run_level(base, pages, clients, duration))
            row["peak_rss_mib"] = memory.peak / 2**20
            report["levels"].append(row)
            print(f"{clients:>7} {duration:>5.0f} {row['requests']:>6} {row['throughput_rps']:>6.1f} "
                  f"{row['p50_ms']:>8.1f} {row['p90_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['max_ms']:>8.1f} "
                  f"{row['p99_over_p50']:>7.2f} {row['4xx']:>4} {row['5xx']:>4} {row['lost']:>4} "
                  f"{row['peak_rss_mib']:>8.0f}", flush=True)
        report["big_body"] = check_big_body(args.port)
        report["slow_page"] = check_slow_page(base, pages[0])
        report["ssrf"] = check_ssrf(base)
        report["peak_rss_mib_overall"] = memory.peak / 2**20
        for name in ("big_body", "slow_page", "ssrf"):
            print(f"{name}: {json.dumps(report[name])}")
    finally:
        memory.stop.set()
        server.terminate()
        server.wait(timeout=30)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
