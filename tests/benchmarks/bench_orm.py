"""ORM overhead: the backend against the same statements sent straight to immudb-py's gRPC stub."""

from __future__ import annotations

from immudb.grpc import schema_pb2

from station_app.custody.models import Condition, Handover, Parcel
from tests.benchmarks.stats import Figure, figure, timed

PARCEL_COLUMNS = '"custody_parcel"."id", "custody_parcel"."normalized_id", "custody_parcel"."scanned_code", "custody_parcel"."format"'
HANDOVER_COLUMNS = ", ".join(
    f'"custody_handover"."{f.column}"' for f in Handover._meta.concrete_fields
)
# Django's statements, as the backend sends them (checked with CaptureQueriesContext).
GET_SQL = f'SELECT {PARCEL_COLUMNS} FROM "custody_parcel" WHERE "custody_parcel"."id" = @p0 LIMIT 21'
PAGE_SQL = (
    f'SELECT {HANDOVER_COLUMNS} FROM "custody_handover" WHERE "custody_handover"."condition" = @p0 '
    'ORDER BY "custody_handover"."occurred_at" DESC, "custody_handover"."id" DESC LIMIT 50'
)
# Django asks for RETURNING "id" on 1.11, which immudb runs only inside an
# interactive transaction; the plain INSERT reports the new key by itself.
INSERT_SQL = 'INSERT INTO "custody_parcel" ("normalized_id", "scanned_code", "format") VALUES (@p0, @p1, @p2)'


def _param(i: int, value) -> schema_pb2.NamedParam:
    kind = "n" if isinstance(value, int) else "s"
    return schema_pb2.NamedParam(name=f"p{i}", value=schema_pb2.SQLValue(**{kind: value}))


class Raw:
    def __init__(self, client):
        self.stub = client._stub

    def exec(self, sql, *params):
        return self.stub.SQLExec(schema_pb2.SQLExecRequest(sql=sql, params=[_param(i, v) for i, v in enumerate(params)]))

    def query(self, sql, *params):
        request = schema_pb2.SQLQueryRequest(sql=sql, params=[_param(i, v) for i, v in enumerate(params)])
        return [
            tuple(getattr(v, v.WhichOneof("value")) for v in row.values)
            for chunk in self.stub.SQLQuery(request)
            for row in chunk.rows
        ]


def measure(raw_client, runs: int, ops: int) -> dict[str, Figure]:
    """ORM time ÷ raw time per operation kind, one ratio per run."""
    raw = Raw(raw_client)
    ratios: dict[str, list[float]] = {"create": [], "get by pk": [], "filtered page": []}
    serial = 0
    for _ in range(runs):
        totals = {kind: [0.0, 0.0] for kind in ratios}
        for _ in range(ops):
            serial += 1
            orm_code, raw_code = f"orm-{serial}", f"raw-{serial}"
            # Interleaved, so drift on a shared machine hits both sides alike.
            elapsed, parcel = timed(lambda: Parcel.objects.create(normalized_id=orm_code, scanned_code=orm_code, format="sscc"))
            totals["create"][0] += elapsed
            elapsed, result = timed(lambda: raw.exec(INSERT_SQL, raw_code, raw_code, "sscc"))
            totals["create"][1] += elapsed
            assert result.txs[0].lastInsertedPKs
            totals["get by pk"][0] += timed(lambda: Parcel.objects.get(pk=parcel.pk))[0]
            totals["get by pk"][1] += timed(lambda: raw.query(GET_SQL, parcel.pk))[0]
            page = lambda: list(Handover.objects.filter(condition=Condition.WET).order_by("-occurred_at", "-id")[:50])
            totals["filtered page"][0] += timed(page)[0]
            totals["filtered page"][1] += timed(lambda: raw.query(PAGE_SQL, Condition.WET.value))[0]
        for kind, (orm_ms, raw_ms) in totals.items():
            ratios[kind].append(orm_ms / raw_ms)
    return {kind: figure(samples, "×") for kind, samples in ratios.items()}
