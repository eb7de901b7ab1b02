"""A station process for the crash tests: journals handovers in its outbox and pushes them.

    python -m tests.resilience.station '<json config>'

Config keys: host, port, database, journal (outbox path), station (code),
parcels (tracking numbers), rounds, pace (seconds between a clerk's
handovers), mode:

* ``plan``: this station alone handles its parcels; round r hands each parcel
  from PARTIES[r-1] to PARTIES[r] (cycling), so it needs no lookup and keeps
  recording while the server is down;
* ``race``: stations share parcels; each handover looks up the custodian and
  hands the parcel on to the next party, and a conflict is scanned again;
* ``push``: only push what the journal holds (a restarted station).

Each stdout line is JSON saying what the clerk was told for one handover:
``{"told": "committed"|"pending"|"conflict", "event_id": ..., "tx": ..., "message": ...}``.
A line is printed only once the outbox holds that state durably.
"""

import json
import os
import sys
import time

PARTIES = ("WH1", "DHX", "SUB", "CUS")
RACE_RESCANS = 5


def configure_django(config: dict) -> None:
    import django
    from django.conf import settings

    settings.configure(
        USE_TZ=True,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "station_app.custody"],
        DATABASES={
            "default": {
                "ENGINE": "immudb_backend",
                "HOST": config["host"],
                "PORT": config["port"],
                "NAME": config["database"],
                # Short, so a dead server is noticed within the burst.
                "OPTIONS": {"timeout": 5.0},
            }
        },
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    django.setup()


def tell(entry) -> None:
    line = {"told": entry.state, "event_id": str(entry.event_id), "tx": entry.tx_id, "message": entry.clerk_message}
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def record_and_push(outbox, station, **handover):
    event_id = outbox.record(station=station, clerk=f"clerk-{station}", **handover)
    report = outbox.push_pending()
    # The push may also settle earlier handovers; the clerk sees those too.
    for settled in report.committed + report.conflicts:
        if settled.event_id != event_id:
            tell(settled)
    entry = outbox.entry(event_id)
    tell(entry)
    return entry


def run_plan(outbox, station, parcels, rounds, pace):
    for r in range(rounds):
        for parcel in parcels:
            time.sleep(pace)
            record_and_push(
                outbox,
                station,
                scanned_code=parcel,
                to_party=PARTIES[r % len(PARTIES)],
                from_party=PARTIES[(r - 1) % len(PARTIES)] if r else None,
                expected_sequence=r,
                condition="intact",
                note=f"round {r}",
            )


def run_race(outbox, station, parcels, rounds):
    from django.db import OperationalError

    from station_app.custody.services import current_custody

    for _ in range(rounds):
        for parcel in parcels:
            for _ in range(RACE_RESCANS):
                try:
                    custody = current_custody(parcel)
                except OperationalError:
                    break  # the server is away; this clerk moves on
                holder = custody.custodian.code if custody.custodian else None
                receiver = PARTIES[(PARTIES.index(holder) + 1) % len(PARTIES)] if holder else PARTIES[0]
                entry = record_and_push(
                    outbox,
                    station,
                    scanned_code=parcel,
                    to_party=receiver,
                    from_party=holder,
                    expected_sequence=custody.sequence,
                    condition="intact",
                )
                if entry.state != "conflict":
                    break  # a conflict is what a clerk rescans for


def main(config: dict) -> None:
    configure_django(config)
    from station_app.outbox import Outbox

    outbox = Outbox(config["journal"])
    if config["mode"] == "plan":
        run_plan(outbox, config["station"], config["parcels"], config["rounds"], config["pace"])
    elif config["mode"] == "race":
        run_race(outbox, config["station"], config["parcels"], config["rounds"])
    for entry in outbox.push_pending().committed:
        tell(entry)


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    main(json.loads(sys.argv[1]))
