"""Station processes and the ledger audit shared by the crash tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from station_app.custody.hashing import GENESIS_HASH, event_hash, fields_of
from station_app.custody.models import Handover, Parcel
from station_app.custody.services import trail
from station_app.custody.verification import Status, verify_trail
from station_app.outbox import COMMITTED, Outbox

REPO = Path(__file__).resolve().parents[2]


@dataclass
class StationProcess:
    """One station program, its outbox journal and what its clerk was told."""

    code: str
    journal: Path
    told_file: Path
    process: subprocess.Popen | None = None

    def start(self, server, mode: str, parcels: list[str] = (), rounds: int = 0, pace: float = 0.0) -> "StationProcess":
        config = {
            "host": server.host, "port": server.port, "database": "defaultdb", "journal": str(self.journal),
            "station": self.code, "parcels": list(parcels), "rounds": rounds, "pace": pace, "mode": mode,
        }
        with open(self.told_file, "a") as out, open(self.told_file.with_suffix(".err"), "a") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.resilience.station", json.dumps(config)],
                cwd=REPO, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=os.environ.copy(),
            )
        return self

    def told(self) -> list[dict]:
        """Every complete line the clerk saw; a line cut by a kill is not something they saw."""
        if not self.told_file.exists():
            return []
        text = self.told_file.read_text()
        return [json.loads(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]

    def wait(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def errors(self) -> str:
        path = self.told_file.with_suffix(".err")
        return path.read_text() if path.exists() else ""


@contextmanager
def stations(tmp_path: Path, count: int) -> Iterator[list[StationProcess]]:
    """``count`` station programs, every one killed on the way out, whatever happened."""
    programs = [
        StationProcess(f"ST{i}", tmp_path / f"outbox-ST{i}.sqlite3", tmp_path / f"told-ST{i}.jsonl")
        for i in range(1, count + 1)
    ]
    try:
        yield programs
    finally:
        for station in programs:
            station.kill()


def wait_for_all(programs: list[StationProcess], timeout: float) -> None:
    for station in programs:
        assert station.wait(timeout) == 0, station.errors()


def own_parcels(station_index: int, count: int) -> list[str]:
    """Tracking numbers no other station handles."""
    return [f"S{station_index}P{n:08d}" for n in range(count)]


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"Waited {timeout:.0f} s for {what}.")
        time.sleep(0.05)


def push_until_settled(journals: list[Path], attempts: int = 5) -> None:
    """Push every journal until nothing is pending (a push stops at the first unreachable server)."""
    for _ in range(attempts):
        if all(not Outbox(j).pending() for j in journals):
            return
        for journal in journals:
            Outbox(journal).push_pending()


@dataclass
class Figures:
    sent: int = 0  # handovers journaled by all stations
    told_committed: int = 0  # by the last message about each handover
    told_pending: int = 0  # told "saved on this station" at least once
    told_conflict: int = 0
    committed: int = 0  # handover rows in immudb
    lost: int = 0
    duplicated: int = 0
    replayed: int = 0  # committed by an interrupted push, found again by its event id
    problems: list[str] = field(default_factory=list)

    def line(self, title: str) -> str:
        return (
            f"{title}: sent {self.sent}, told committed {self.told_committed}, told pending first {self.told_pending}, "
            f"told conflict {self.told_conflict}, committed {self.committed}, replayed {self.replayed}, "
            f"lost {self.lost}, duplicated {self.duplicated}"
        )


def audit(processes: list[StationProcess]) -> Figures:
    """Compare what clerks were told and what journals hold with the verified ledger."""
    figures = Figures()
    last_told: dict[str, dict] = {}
    waited = set()
    for station in processes:
        for line in station.told():
            last_told[line["event_id"]] = line
            if line["told"] == "pending":
                waited.add(line["event_id"])
    told_kinds = Counter(line["told"] for line in last_told.values())
    figures.told_committed, figures.told_conflict = told_kinds["committed"], told_kinds["conflict"]
    figures.told_pending = len(waited)

    stored = Counter(str(e) for e in Handover.objects.values_list("event_id", flat=True))
    figures.committed = sum(stored.values())
    figures.duplicated = sum(n - 1 for n in stored.values())

    journaled = {}
    for station in processes:
        for entry in Outbox(station.journal).entries():
            journaled[str(entry.event_id)] = (entry.state, entry.tx_id)
    figures.sent = len(journaled)
    figures.replayed = sum(1 for state, tx in journaled.values() if state == COMMITTED and tx is None)

    for event_id, line in last_told.items():
        if line["told"] == "committed" and event_id not in stored:
            figures.problems.append(f"told committed but not in immudb: {event_id}")
        if line["told"] == "conflict" and event_id in stored:
            figures.problems.append(f"told conflict but recorded: {event_id}")
    for event_id, (state, _) in journaled.items():
        if state == COMMITTED and event_id not in stored:
            figures.problems.append(f"journal says committed but not in immudb: {event_id}")
        if state == "pending":
            figures.problems.append(f"still pending after the final push: {event_id}")
    figures.lost = sum(
        1 for event_id, (state, _) in journaled.items() if state != "conflict" and event_id not in stored
    )
    figures.problems += _check_trails(last_told)
    return figures


def _check_trails(last_told: dict[str, dict]) -> list[str]:
    """Every trail linear and hash-linked, every event proven, told tx ids matching the proofs."""
    problems = []
    for parcel in Parcel.objects.all():
        events = trail(parcel)
        if [e.sequence for e in events] != list(range(1, len(events) + 1)):
            problems.append(f"{parcel}: sequences {[e.sequence for e in events]}")
        previous = GENESIS_HASH
        for event in events:
            if event.previous_hash != previous or event.event_hash != event_hash(fields_of(event)):
                problems.append(f"{parcel}#{event.sequence}: broken hash link")
            previous = event.event_hash
        for report in verify_trail(events):
            if report.status is not Status.VERIFIED:
                problems.append(f"{parcel}#{report.handover.sequence}: {report.status.value}: {report.reason}")
            told = last_told.get(str(report.handover.event_id))
            if told and told["told"] == "committed" and told["tx"] and told["tx"] != report.tx_id:
                problems.append(f"{report.handover.event_id}: told tx {told['tx']}, proven in tx {report.tx_id}")
    return problems
