"""Turns bench/run.sh's results.tsv into the Markdown tables of bench/RESULTS.md.

Each figure is the median over the rounds of the run. CPU per request is the server's and the
PostgreSQL backends' user + system time (from /proc/<pid>/stat) divided by the requests served.
"""

import argparse
import os
import platform
import statistics
import subprocess
from collections import defaultdict
from datetime import datetime, timezone

FIELDS = [
    "round", "build", "db", "scenario", "conns", "requests", "duration_us", "p50_us", "p99_us",
    "server_ticks", "pg_ticks", "rss_kb", "non2xx", "socket_errors", "value",
]
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def load(path):
    rows = defaultdict(list)
    with open(path) as f:
        for line in f:
            r = dict(zip(FIELDS, line.rstrip("\n").split("\t")))
            for k in FIELDS[4:]:
                r[k] = int(r[k])
            rows[(r["db"], r["build"], r["scenario"], r["conns"])].append(r)
    return rows


def median(values):
    return statistics.median(values) if values else None


def figures(rows, db, build):
    def runs(scenario, conns):
        return rows.get((db, build, scenario, conns), [])

    def rate(scenario, conns):
        return median([r["requests"] / (r["duration_us"] / 1e6) for r in runs(scenario, conns)])

    def cpu(conns, part):
        return median([r[part] * TICK_MS / r["requests"] for r in runs("nested", conns)])

    single = runs("nested", 1)
    ready = runs("ready", 0)
    statements = runs("statements", 1)
    anon, jwt = rate("typename-anon", 10), rate("typename-jwt", 10)
    rss = [r["rss_kb"] for key, rs in rows.items() if key[:2] == (db, build) for r in rs]
    return {
        "nested, 10 connections (req/s)": rate("nested", 10),
        "nested, 50 connections (req/s)": rate("nested", 50),
        "CPU per nested request at 10 conn., server (ms)": cpu(10, "server_ticks"),
        "CPU per nested request at 10 conn., PostgreSQL (ms)": cpu(10, "pg_ticks") if db == "postgres" else None,
        "CPU per nested request at 50 conn., server + PostgreSQL (ms)":
            median([(r["server_ticks"] + r["pg_ticks"]) * TICK_MS / r["requests"] for r in runs("nested", 50)]),
        "single client p50 (ms)": median([r["p50_us"] / 1000 for r in single]),
        "single client p99 (ms)": median([r["p99_us"] / 1000 for r in single]),
        "{ __typename } anonymous (req/s)": anon,
        "{ __typename } member JWT (req/s)": jwt,
        "JWT / anonymous rate": jwt / anon if anon and jwt else None,
        "SQL statements per nested request": median([r["value"] / r["requests"] for r in statements]),
        "server instructions per nested request (M, callgrind)":
            median([r["value"] / 1000 for r in runs("instructions", 1)]),
        "peak RSS after a load run (MB)": max(rss) / 1024 if rss else None,
        "start to ready (ms)": median([r["value"] for r in ready]),
    }


def fmt(v):
    if v is None:
        return "–"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--commit", required=True)
    ap.add_argument("--baseline", default="")
    ap.add_argument("--scale", default="1")
    ap.add_argument("--duration", default="10")
    ap.add_argument("--rounds", default="2")
    a = ap.parse_args()
    rows = load(a.results)
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                         capture_output=True, text=True).stdout.strip()
    print(f"### {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — commit {a.commit}"
          + (f" against baseline {a.baseline}" if a.baseline else ""))
    print()
    print(f"Machine: {platform.node()}, {os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}. "
          f"Data set × {a.scale}; {a.rounds} interleaved rounds of {a.duration} s per figure "
          f"(medians shown).")
    for db in sorted({k[0] for k in rows}):
        builds = [b for b in ("baseline", "current") if any(k[:2] == (db, b) for k in rows)]
        print()
        print(f"**{db}**")
        print()
        print("| figure | " + " | ".join(builds) + (" | current / baseline |" if len(builds) == 2 else " |"))
        print("|---|" + "---:|" * (len(builds) + (1 if len(builds) == 2 else 0)))
        table = {b: figures(rows, db, b) for b in builds}
        for name in table[builds[0]]:
            cells = [table[b][name] for b in builds]
            if all(c is None for c in cells):
                continue
            ratio = ""
            if len(cells) == 2:
                ratio = " | " + (f"{cells[1] / cells[0]:.2f}×" if cells[0] and cells[1] is not None else "–")
            print(f"| {name} | " + " | ".join(fmt(c) for c in cells) + ratio + " |")


main()
