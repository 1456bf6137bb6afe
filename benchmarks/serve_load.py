"""Load test of ``kg serve``: many clients at once on the loopback interface, bounded.

    .venv/bin/python benchmarks/serve_load.py                      # 50 clients x 200 queries
    .venv/bin/python benchmarks/serve_load.py --store corpus.oxigraph --clients 10 --queries 50

Starts ``kg serve`` on a free port of 127.0.0.1 (the store given, or one built from the
bundled samples), then runs ``--clients`` threads that each send ``--queries`` SPARQL queries
(the six competency queries in turn, by POST, results as SPARQL JSON, one keep-alive
connection per client). Every request has a 60 s client timeout and the whole run stops
after ``--deadline`` seconds whatever is left; the server is stopped at the end. Prints the
number of queries answered, errors by kind, queries per second and the latency percentiles.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

import kg
from kg.sparql import competency_names, load_query


def start_server(store: Path, processes: int) -> tuple[subprocess.Popen, str, int]:
    command = [sys.executable, "-m", "kg.cli", "serve", str(store), "--host", "127.0.0.1"]
    command += ["--port", "0", "--processes", str(processes)]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    line = server.stderr.readline()
    if "http://127.0.0.1:" not in line:
        server.kill()
        raise SystemExit(f"kg serve did not start: {line.strip()}")
    # The rest of its stderr is read all along: a full pipe would stop the server.
    threading.Thread(target=server.stderr.read, daemon=True).start()
    url = urllib.parse.urlsplit(line.split()[2])
    return server, url.hostname, url.port


def client(host: str, port: int, queries: list[str], n: int, stop_at: float, out: dict) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=60)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json",
    }
    for i in range(n):
        if time.monotonic() > stop_at:
            out["errors"]["deadline"] += n - i
            break
        body = urllib.parse.urlencode({"query": queries[i % len(queries)]})
        start = time.perf_counter()
        try:
            connection.request("POST", "/sparql", body, headers)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                out["latencies"].append(time.perf_counter() - start)
            else:
                out["errors"][f"HTTP {response.status}"] += 1
        except (OSError, http.client.HTTPException) as exc:
            out["errors"][type(exc).__name__] += 1
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=60)
    connection.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="store to serve (default: the samples)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--queries", type=int, default=200, help="queries per client")
    parser.add_argument("--processes", type=int, default=2, help="kg serve --processes")
    parser.add_argument("--deadline", type=float, default=900.0, help="seconds, at most")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kg-serve-load-"))
    try:
        store = args.store
        if store is None:
            store = tmp / "samples.oxigraph"
            kg.build(None, store)
        server, host, port = start_server(store, args.processes)
        try:
            queries = [load_query(name) for name in competency_names()]
            out = {"latencies": [], "errors": Counter()}
            stop_at = time.monotonic() + args.deadline
            threads = [
                threading.Thread(
                    target=client, args=(host, port, queries, args.queries, stop_at, out)
                )
                for _ in range(args.clients)
            ]
            start = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(30)
        latencies = out["latencies"]
        total = args.clients * args.queries
        print(
            f"{args.clients} clients x {args.queries} queries on {store} "
            f"(kg serve --processes {args.processes}), {seconds:.1f} s"
        )
        print(f"answered {len(latencies):,} of {total:,}; errors: {dict(out['errors']) or 0}")
        if latencies:
            print(
                f"{len(latencies) / seconds:.0f} queries/s; latency p50 "
                f"{percentile(latencies, 0.5) * 1000:.1f} ms, p90 "
                f"{percentile(latencies, 0.9) * 1000:.1f} ms, p99 "
                f"{percentile(latencies, 0.99) * 1000:.1f} ms, max "
                f"{max(latencies) * 1000:.1f} ms, mean "
                f"{statistics.mean(latencies) * 1000:.1f} ms"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
