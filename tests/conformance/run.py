#!/usr/bin/env python
"""Measure immudb_backend against Django's own test suite.

Runs each listed Django test app in its own ``runtests.py`` process, on SQLite
and on a real immudb server of each requested version, and reports per app
how many tests passed, failed, errored or were skipped, plus immudb's passes
as a percentage of the tests SQLite passes. See README.md next to this file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib.metadata import version as installed_version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Run as a file, Python puts only this directory on sys.path.
sys.path.insert(0, str(ROOT))

import platformdirs  # noqa: E402

from immudb_backend.server import PINNED_VERSIONS, ImmudbServer  # noqa: E402

DEFAULT_APPS = (
    "basic lookup ordering aggregation annotations model_fields get_or_create update delete "
    "bulk_create expressions queries transactions custom_pk many_to_one one_to_one select_related "
    "null_queries datatypes timezones introspection inspectdb schema migrations backends"
).split()

COUNTS = ("passed", "failed", "errors", "skipped", "expected_failures", "unexpected_successes")

# unittest's verbose result words, and the summary's names for the same counts.
STATUS_COUNTS = {
    "ok": "passed",
    "FAIL": "failed",
    "ERROR": "errors",
    "skipped": "skipped",
    "expected failure": "expected_failures",
    "unexpected success": "unexpected_successes",
}
SUMMARY_COUNTS = {
    "failures": "failed",
    "errors": "errors",
    "skipped": "skipped",
    "expected failures": "expected_failures",
    "unexpected successes": "unexpected_successes",
}

# "test_x (app.tests.Class.test_x)", indented by two spaces for a subtest.
TEST_LINE = re.compile(r"^(?P<sub>  )?(?P<name>\w+) \((?P<id>[\w.]+)\)")
# Class and module fixtures that fail are reported under these names; their
# tests then never run and are missing from "Ran N tests".
FIXTURE_NAMES = {"setUpClass", "tearDownClass", "setUpModule", "tearDownModule"}
STATUS = re.compile(r"(?:^|\.\.\. )(?:(?P<word>ok|FAIL|ERROR|expected failure|unexpected success)|(?P<skip>skipped) .*)$")
FOUND = re.compile(r"^Found (\d+) test\(s\)\.$")
RAN = re.compile(r"^Ran (\d+) tests? in [\d.]+s$")
SUMMARY = re.compile(r"^(?:OK|FAILED)(?: \((?P<details>.*)\))?$")
ERRORS_SECTION = "=" * 70
# What a crashed run most likely died of: a system check error, else an exception.
CRASH_REASONS = (re.compile(r"^\S+: \([\w.]+\.E\d+\) "), re.compile(r"^[\w.]+(?:Error|Exception)\b.*: "))


@dataclass
class Outcome:
    """What one runtests.py output says."""

    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    expected_failures: int = 0
    unexpected_successes: int = 0
    found: int | None = None
    ran: int | None = None
    reported: int = 0
    passed_tests: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    @property
    def not_run(self) -> int | None:
        """Found but never reported: the tests of a class whose setUpClass failed or skipped, or after a crash."""
        return None if self.found is None else self.found - self.reported


def parse_output(text: str) -> Outcome:
    """Count the verbose (-v 2) result lines and check them against the summary."""
    outcome = Outcome()
    reported: set[str] = set()
    went_wrong: set[str] = set()
    pending = None  # (test id, is a test) awaiting its result word
    summary = None
    for line in text.splitlines():
        if line == ERRORS_SECTION:
            pending = None  # tracebacks follow; they may quote anything
        if m := TEST_LINE.match(line):
            if m["name"] in FIXTURE_NAMES and not m["sub"]:
                pending = (f"{m['name']} ({m['id']})", False)
            elif m["id"].endswith("." + m["name"]):
                pending = (m["id"], True)
        # The result word ends the description line, the docstring line after
        # it, or stands alone when the test printed something in between.
        if pending and (s := STATUS.search(line)):
            count = STATUS_COUNTS[s["word"] or s["skip"]]
            test_id, is_test = pending
            if count != "passed":
                setattr(outcome, count, getattr(outcome, count) + 1)
            if is_test:
                reported.add(test_id)
                if count == "passed":
                    outcome.passed_tests.add(test_id)
                elif count in ("failed", "errors", "unexpected_successes"):
                    went_wrong.add(test_id)
            pending = None
        elif m := FOUND.match(line):
            outcome.found = int(m[1])
        elif m := RAN.match(line):
            outcome.ran = int(m[1])
        elif outcome.ran is not None and (m := SUMMARY.match(line)):
            summary = dict.fromkeys(SUMMARY_COUNTS.values(), 0)
            for item in filter(None, (m["details"] or "").split(", ")):
                name, value = item.rsplit("=", 1)
                summary[SUMMARY_COUNTS[name]] = int(value)

    # A test can pass and then error in Django's teardown; it did not pass.
    outcome.passed_tests -= went_wrong
    outcome.passed = len(outcome.passed_tests)
    outcome.reported = len(reported)
    if outcome.ran is None:
        outcome.problems.append("no 'Ran N tests' line")
        return outcome
    # Django reports a test whose per-test database setup failed as an error
    # without counting it in "Ran N", so more tests may report than ran.
    if not outcome.ran <= outcome.reported <= (outcome.found or outcome.reported):
        outcome.problems.append(f"found {outcome.found}, ran {outcome.ran}, but {outcome.reported} reported a result")
    if summary is None:
        outcome.problems.append("no OK/FAILED summary line")
    else:
        for name, expected in summary.items():
            if getattr(outcome, name) != expected:
                outcome.problems.append(f"summary says {name}={expected}, counted {getattr(outcome, name)}")
    return outcome


def crash_reason(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    for pattern in CRASH_REASONS:
        if hits := [line for line in lines if pattern.match(line)]:
            return hits[-1]
    return lines[-1].strip() if lines else "no output"


def django_test_suite(version: str) -> Path:
    """Django's ``tests/`` directory for ``version``, from the sdist; downloaded once."""
    home = Path(platformdirs.user_cache_dir("immudb-backend")) / "django-tests" / version
    tests = home / "tests"
    if (tests / "runtests.py").is_file():
        return tests
    home.mkdir(parents=True, exist_ok=True)
    print(f"Downloading Django {version}'s test suite (sdist) into {home} ...", flush=True)
    with tempfile.TemporaryDirectory(dir=home) as work:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:", "--no-deps",
             f"django=={version}", "--dest", work],
            check=True,
        )
        (sdist,) = Path(work).glob("*.tar.gz")
        with tarfile.open(sdist) as tar:
            members = [m for m in tar.getmembers() if m.name.split("/")[1:2] == ["tests"]]
            tar.extractall(work, members=members, filter="data")
        top = members[0].name.split("/")[0]
        # One rename, so an interrupted extraction never looks complete.
        (Path(work) / top / "tests").rename(tests)
    return tests


@dataclass
class Target:
    backend: str  # "sqlite" or "immudb"
    version: str | None = None
    server: ImmudbServer | None = None
    starts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def label(self) -> str:
        return f"immudb {self.version}" if self.version else self.backend

    @property
    def settings(self) -> str:
        return f"tests.conformance.settings_{self.backend}"

    def server_log(self, log_dir: Path) -> Path:
        return log_dir / self.label.replace(" ", "-") / f"immudb-server-{self.starts}.log"

    def start_server(self) -> None:
        self.server = ImmudbServer(version=self.version).start()
        self.starts += 1

    def stop_server(self, log_dir: Path) -> None:
        """Stop the server, keeping its log with the apps' output."""
        if self.server.data_dir:
            log = self.server_log(log_dir)
            log.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.server.data_dir / "immudb.log", log)
        self.server.stop()


@dataclass
class AppResult:
    target: str
    app: str
    outcome: Outcome
    seconds: float
    log: Path
    note: str = ""


class Runner:
    """Runs runtests.py processes; ``stop()`` kills the running ones and refuses new ones."""

    def __init__(self, suite: Path, log_dir: Path, timeout: float):
        self.suite, self.log_dir, self.timeout = suite, log_dir, timeout
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen] = set()
        self._stopping = False

    def run_app(self, target: Target, app: str) -> AppResult:
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            PYTHONUNBUFFERED="1",  # keeps printed output and result lines in order
            CONFORMANCE_DB_PREFIX=re.sub(r"[^a-z0-9_]", "_", app.lower()) + "_",
        )
        server_process = None
        if target.version:
            with target.lock:
                # A server that died during an earlier app is replaced, so one
                # crash does not cost the remaining apps; the apps that were
                # running when it died say so in their notes.
                if target.server.process is None or target.server.process.poll() is not None:
                    target.stop_server(self.log_dir)
                    target.start_server()
                server_process, server_log = target.server.process, target.server_log(self.log_dir)
                env.update(CONFORMANCE_IMMUDB_HOST=target.server.host, CONFORMANCE_IMMUDB_PORT=str(target.server.port))
        command = [sys.executable, "runtests.py", f"--settings={target.settings}",
                   "--parallel=1", "--noinput", "-v", "2", app]
        log = self.log_dir / target.label.replace(" ", "-") / f"{app}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with open(log, "w") as out:
            with self._lock:
                if self._stopping:
                    raise KeyboardInterrupt
                # Own session: a timeout or Ctrl-C kills the test process with
                # anything it started, and never the runner.
                proc = subprocess.Popen(command, cwd=self.suite, env=env, stdin=subprocess.DEVNULL,
                                        stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
                self._running.add(proc)
            try:
                proc.wait(self.timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                _kill(proc)
                timed_out = True
            finally:
                with self._lock:
                    self._running.discard(proc)
        seconds = time.monotonic() - started
        text = log.read_text(errors="replace")
        outcome = parse_output(text)
        notes = []
        if timed_out:
            notes.append(f"timed out after {self.timeout:.0f} s")
        elif proc.returncode not in (0, 1):
            notes.append(f"exit code {proc.returncode}")
        if server_process and server_process.poll() is not None:
            notes.append(f"immudb server died (exit code {server_process.returncode}), see {server_log.name}")
        if outcome.ran is None:
            outcome.errors += 1  # the crash itself
            if not timed_out:
                notes.append(f"crashed: {crash_reason(text)[:160]}")
        else:
            notes += outcome.problems
        return AppResult(target.label, app, outcome, seconds, log, "; ".join(notes))

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            for proc in self._running:
                _kill(proc)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def run_all(runner: Runner, targets: list[Target], apps: list[str], jobs: int) -> list[AppResult]:
    pool = ThreadPoolExecutor(max_workers=jobs)
    results = []
    try:
        futures = [pool.submit(runner.run_app, target, app) for target in targets for app in apps]
        for done, future in enumerate(as_completed(futures), 1):
            r = future.result()
            o = r.outcome
            print(f"[{done}/{len(futures)}] {r.target} {r.app}: {o.passed} passed, {o.failed} failed, "
                  f"{o.errors} errors, {o.skipped} skipped ({r.seconds:.0f} s){'  ' + r.note if r.note else ''}",
                  flush=True)
            results.append(r)
    finally:
        runner.stop()
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def totals(results: list[AppResult]) -> dict[str, int]:
    return {name: sum(getattr(r.outcome, name) for r in results) for name in COUNTS}


def percent_of_sqlite(by_target: dict[str, list[AppResult]], label: str) -> float | None:
    """Of the tests SQLite passes, the share that also pass on ``label``."""
    baseline = set().union(*(r.outcome.passed_tests for r in by_target.get("sqlite", [])))
    if not baseline:
        return None
    passed = set().union(*(r.outcome.passed_tests for r in by_target[label]))
    return 100 * len(baseline & passed) / len(baseline)


def print_tables(by_target: dict[str, list[AppResult]]) -> None:
    headers = ("app", "passed", "failed", "errors", "skipped", "xfail", "xpass", "not run", "time", "note")
    for label, results in by_target.items():
        rows = [(r.app, *(getattr(r.outcome, c) for c in COUNTS), _blank(r.outcome.not_run),
                 f"{r.seconds:.0f}s", r.note) for r in results]
        rows.append(("TOTAL", *totals(results).values(),
                     sum(r.outcome.not_run or 0 for r in results), f"{sum(r.seconds for r in results):.0f}s", ""))
        widths = [max(len(str(row[i])) for row in (headers, *rows)) for i in range(len(headers) - 1)]
        print(f"\n{label}")
        for row in (headers, *rows):
            cells = [str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(row, widths))]
            print("  " + "  ".join(cells) + ("  " + row[-1] if row[-1] else ""))
    print()
    for label in by_target:
        if label != "sqlite" and (pct := percent_of_sqlite(by_target, label)) is not None:
            print(f"{label}: passes {pct:.1f} % of the tests SQLite passes")


def _blank(value) -> str:
    return "?" if value is None else str(value)


def markdown(by_target: dict[str, list[AppResult]], apps: list[str]) -> str:
    """Passed tests per app and target, for the README."""
    labels = list(by_target)
    cells = {(r.target, r.app): str(r.outcome.passed) + (" ⚠" if r.note else "")
             for results in by_target.values() for r in results}
    lines = ["| app | " + " | ".join(labels) + " |", "|---|" + "---:|" * len(labels)]
    lines += [f"| {app} | " + " | ".join(cells[label, app] for label in labels) + " |" for app in apps]
    lines.append("| **passed** | " + " | ".join(f"**{totals(by_target[label])['passed']}**" for label in labels) + " |")
    if "sqlite" in by_target and len(labels) > 1:
        pcts = [percent_of_sqlite(by_target, label) if label != "sqlite" else None for label in labels]
        lines.append("| **% of SQLite passes** | " + " | ".join(
            "" if pct is None else f"**{pct:.1f} %**" for pct in pcts) + " |")
    if any("⚠" in cell for cell in cells.values()):
        lines += ["", "⚠: crashed, timed out, or its output did not add up; see the run's notes."]
    return "\n".join(lines) + "\n"


def as_json(by_target: dict[str, list[AppResult]], django_version: str) -> dict:
    return {
        "django": django_version,
        "targets": {
            label: {
                "apps": {
                    r.app: {**{c: getattr(r.outcome, c) for c in COUNTS}, "ran": r.outcome.ran,
                            "not_run": r.outcome.not_run, "seconds": round(r.seconds, 1), "note": r.note}
                    for r in results
                },
                "totals": totals(results),
                "percent_of_sqlite_passes": percent_of_sqlite(by_target, label) if label != "sqlite" else None,
            }
            for label, results in by_target.items()
        },
    }


def parse_targets(text: str) -> dict[str, float]:
    """``1.11.1=90,1.9.6=80`` -> {"1.11.1": 90.0, "1.9.6": 80.0}"""
    pairs = (item.split("=", 1) for item in text.split(",") if item)
    return {version.strip(): float(pct) for version, pct in pairs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", help="comma-separated Django test apps (default: %(default)s)",
                        default=",".join(DEFAULT_APPS))
    parser.add_argument("--backends", default="sqlite,immudb", help="sqlite, immudb or both (default: %(default)s)")
    parser.add_argument("--versions", default=",".join(PINNED_VERSIONS),
                        help="immudb server versions (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=2, help="test processes at once (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=15 * 60,
                        help="seconds per app before it is killed and counted as an error (default: %(default)s)")
    parser.add_argument("--log-dir", type=Path, help="where each app's full output goes (default: a new temp dir)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--markdown", action="store_true", help="also print a markdown table of passes")
    parser.add_argument("--min-percent", type=parse_targets, default={},
                        help="fail unless each version passes this share of SQLite's passes, e.g. 1.11.1=90,1.9.6=80")
    args = parser.parse_args(argv)

    apps = [a.strip() for a in args.apps.split(",") if a.strip()]
    backends = {b.strip() for b in args.backends.split(",") if b.strip()}
    if unknown := backends - {"sqlite", "immudb"}:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    versions = [v.strip() for v in args.versions.split(",") if v.strip()] if "immudb" in backends else []
    if args.min_percent and "sqlite" not in backends:
        parser.error("--min-percent compares with SQLite: include sqlite in --backends")
    if missing := set(args.min_percent) - set(versions):
        parser.error(f"--min-percent names version(s) not being run: {', '.join(sorted(missing))}")

    django_version = installed_version("django")
    try:
        suite = django_test_suite(django_version)
    except (subprocess.CalledProcessError, ValueError) as exc:
        print(f"Could not get Django {django_version}'s test suite from its sdist: {exc}", file=sys.stderr)
        return 2
    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="django-conformance-"))

    targets = [Target("sqlite")] if "sqlite" in backends else []
    targets += [Target("immudb", v) for v in versions]
    runner = Runner(suite, log_dir, args.timeout)
    try:
        for target in targets:
            if target.version:
                target.start_server()
                print(f"immudb {target.version} listening on {target.server.address}", flush=True)
        results = run_all(runner, targets, apps, args.jobs)
    except KeyboardInterrupt:
        print("\nInterrupted; test processes and servers stopped.", file=sys.stderr)
        return 130
    except (FileNotFoundError, RuntimeError, TimeoutError) as exc:
        print(f"Could not start immudb: {exc}", file=sys.stderr)
        return 2
    finally:
        for target in targets:
            if target.server:
                target.stop_server(log_dir)

    by_target = {t.label: sorted((r for r in results if r.target == t.label), key=lambda r: apps.index(r.app))
                 for t in targets}
    print_tables(by_target)
    print(f"Full output of each app: {log_dir}")
    if args.markdown:
        print("\n" + markdown(by_target, apps))
    if args.json:
        args.json.write_text(json.dumps(as_json(by_target, django_version), indent=2) + "\n")

    missed = [f"immudb {v}: {pct:.1f} % < {target:g} %" for v, target in args.min_percent.items()
              if (pct := percent_of_sqlite(by_target, f"immudb {v}") or 0.0) < target]
    for line in missed:
        print(f"Target missed: {line}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
