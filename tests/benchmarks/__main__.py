"""Run the benchmarks against a real local immudb and print the table.

    python -m tests.benchmarks [--version 1.11.1] [--quick] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from immudb_backend.server import DEFAULT_VERSION, ImmudbServer
from tests.benchmarks import report
from tests.benchmarks.report import Row, row
from tests.benchmarks.stats import figure


@dataclass(frozen=True)
class Sizes:
    runs: int
    orm_ops: int  # of each kind, per run
    orm_events: int  # behind the ORM's filtered page
    handovers: int  # per run, for the latency percentiles
    trail_lengths: tuple[int, ...]
    browse_events: int
    browser_runs: int
    app_runs: int
    memory_runs: int
    browse_pages: int
    peer_runs: int
    peer_handovers: int


FULL = Sizes(runs=5, orm_ops=40, orm_events=1000, handovers=100, trail_lengths=(10, 100, 1000),
             browse_events=100_000, browser_runs=3, app_runs=5, memory_runs=2, browse_pages=2, peer_runs=3, peer_handovers=200)
QUICK = Sizes(runs=2, orm_ops=5, orm_events=200, handovers=20, trail_lengths=(10, 100, 1000),
              browse_events=2_000, browser_runs=2, app_runs=1, memory_runs=1, browse_pages=1, peer_runs=1, peer_handovers=20)

GOALS = {
    "orm": 1.2,  # ×
    "commit_p95": 20.0,  # ms
    "verify_1000": 0.5,  # s
    "browser": 100.0,  # ms
    "cold_start": 1.5,  # s
    "memory": 300.0,  # MB
}


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(version: str, sizes: Sizes, work_dir: Path) -> list[Row]:
    from tests.benchmarks import harness

    rows: list[Row] = []
    with ImmudbServer(version=version) as server:
        def fresh_database() -> str:
            return harness.create_database(server)

        first = harness.database_settings(server, fresh_database(), work_dir / "trusted-state")
        harness.configure_django(first)
        harness.use_database({})
        from tests.benchmarks import bench_app, bench_custody, bench_orm, seed

        progress(f"ORM overhead on immudb {version}")
        seed.seed_events(seed.base_ledger(), sizes.orm_events)
        client = harness.raw_client(server, first["NAME"])
        try:
            ratios = bench_orm.measure(client, sizes.runs, sizes.orm_ops)
        finally:
            client.closeSession()
        for kind, ratio in ratios.items():
            rows.append(row(f"ORM overhead: {kind} (backend ÷ raw stub)", ratio, GOALS["orm"]))

        progress("commit_handover with proof")
        harness.use_database({"NAME": fresh_database()})
        ledger = seed.base_ledger()
        latency = bench_custody.commit_latency(ledger, sizes.runs, sizes.handovers, first_parcel=500_000)
        for name, fig in latency.items():
            rows.append(row(f"commit_handover + proof, {name}", fig, GOALS["commit_p95"] if name == "p95" else None))

        progress("verify_trail")
        code = seed.seed_trail(ledger, max(sizes.trail_lengths))
        for n, fig in bench_custody.verify_trails(code, list(sizes.trail_lengths), sizes.runs).items():
            rows.append(row(f"verify_trail, {n:,} events", fig, GOALS["verify_1000"] if n == 1000 else None))

        progress(f"seeding {sizes.browse_events:,} events")
        big = fresh_database()
        harness.use_database({"NAME": big})
        seeded = seed.seed_events(seed.base_ledger(), sizes.browse_events)
        rows.append(row(f"Seeding {seeded.events:,} events ({seed.BATCH} rows a statement)", figure([seeded.seconds], "s")))
        progress("trail browser")
        for name, fig in bench_custody.browser_queries(sizes.browser_runs).items():
            rows.append(row(f"Trail browser, {name}, {seeded.events:,} events", fig, GOALS["browser"]))

        progress("app cold start and memory")
        from django.db import connections

        connections.close_all()
        start, memory = bench_app.cold_start_and_memory(server, big, sizes.app_runs, sizes.memory_runs, sizes.browse_pages)
        rows.append(row("App cold start to a ready scan screen", start, GOALS["cold_start"]))
        what = f"App peak RSS after browsing {seeded.events:,} events ({sizes.browse_pages + 1} pages, 3 filters)"
        if isinstance(memory, str):
            rows.append(report.failed_row(what, f"≤ {GOALS['memory']:.0f} MB", memory))
        else:
            rows.append(row(what, memory, GOALS["memory"]))

        progress("peers: PostgreSQL and SQLite")
        from tests.benchmarks import bench_peers

        peers = bench_peers.compare(server, fresh_database, sizes.peer_runs, sizes.peer_handovers, work_dir)
        for name, fig in peers.items():
            rows.append(row(name, fig))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=DEFAULT_VERSION, help="immudb server version (default %(default)s)")
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write the table as markdown")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="handover-bench-") as work_dir:
        rows = run(args.version, QUICK if args.quick else FULL, Path(work_dir))
    progress(f"done in {time.perf_counter() - started:.0f} s")
    print(report.text_table(rows))
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(report.markdown_table(rows) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
