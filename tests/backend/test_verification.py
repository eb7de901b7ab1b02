"""Proofs of rows and states against real immudb servers of both pinned versions."""

import dataclasses
import json
import shutil
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
from google.protobuf import empty_pb2
from immudb.grpc import schema_pb2

from immudb_backend.server import ImmudbServer
from immudb_backend.verification import (
    AlreadyEnrolled,
    ForkDetected,
    LinearAdvanceProof,
    NotEnrolled,
    ProofError,
    ServerError,
    SignatureError,
    SignatureMissing,
    StateRollback,
    TrustedStateCorrupt,
    TrustedStateMissing,
    TrustedState,
    TrustedStateStore,
    Verifier,
    EntryInclusionProof,
    dual_proof_from_proto,
    encode_pk_value,
    entry_digest,
    row_key,
    signature_is_valid,
    tx_header_alh,
    tx_header_from_proto,
    tx_header_inner_hash,
    verify_dual_proof,
    verify_entry_inclusion,
    verify_linear_advance_proof,
    verify_linear_proof,
)
from tests.conftest import connect

PARCEL_TABLE = (
    "CREATE TABLE parcels (code VARCHAR[32], weight INTEGER, fragile BOOLEAN, photo BLOB[64], "
    "received TIMESTAMP, note VARCHAR, PRIMARY KEY code)"
)


def flip(data: bytes, index: int = 0) -> bytes:
    """``data`` with one bit of one byte changed."""
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


@pytest.fixture
def client(immudb_server, immudb_database):
    client = connect(immudb_server, immudb_database)
    yield client
    client.logout()


@pytest.fixture
def store(tmp_path):
    return TrustedStateStore(tmp_path / "trust")


@pytest.fixture
def verifier(client, immudb_database, store, immudb_server):
    verifier = Verifier(client, immudb_database, store, immudb_server.public_key_pem)
    verifier.enroll()
    return verifier


@contextmanager
def extra_server(tmp_path, version, *, signing=True, signing_key_of=None):
    """Another real server; with ``signing_key_of`` it signs with that server's key."""
    data_dir = tmp_path / f"server-{uuid.uuid4().hex[:8]}"
    data_dir.mkdir()
    if signing_key_of is not None:
        shutil.copy(signing_key_of.data_dir / "signing-key.pem", data_dir / "signing-key.pem")
    server = ImmudbServer(version=version, data_dir=data_dir, signing=signing)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def client_with_database(server, database):
    admin = connect(server)
    admin.createDatabaseV2(database, settings=None, ifNotExists=False)
    admin.logout()
    return connect(server, database)


def insert_txs(client, count, table="filler"):
    client.sqlExec(f"CREATE TABLE IF NOT EXISTS {table} (id INTEGER AUTO_INCREMENT, n INTEGER, PRIMARY KEY id)")
    for n in range(count):
        client.sqlExec(f"INSERT INTO {table} (n) VALUES (@n)", {"n": n})


def current_tx(client) -> int:
    return client._stub.CurrentState(empty_pb2.Empty()).txId


def verifiable_tx(client, tx, prove_since_tx):
    request = schema_pb2.VerifiableTxRequest(tx=tx, proveSinceTx=prove_since_tx, entriesSpec=schema_pb2.EntriesSpec())
    return client._stub.VerifiableTxById(request)


def tx_header(client, tx):
    request = schema_pb2.TxRequest(tx=tx, entriesSpec=schema_pb2.EntriesSpec())
    return tx_header_from_proto(client._stub.TxById(request).header)


# --- Rows ---


def test_row_values_are_proven_and_decoded(client, verifier):
    client.sqlExec(PARCEL_TABLE)
    received = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=timezone.utc)
    client.sqlExec(
        "INSERT INTO parcels (code, weight, fragile, photo, received) VALUES (@code, 1250, true, @photo, @received)",
        {"code": "Zürich-Ω", "photo": b"\x00\xffphoto", "received": received},
    )

    row = verifier.verify_row("parcels", ["Zürich-Ω"])

    assert row.tx_id == current_tx(client)
    assert row.values == {
        "code": "Zürich-Ω",
        "weight": 1250,
        "fragile": True,
        "photo": b"\x00\xffphoto",
        "received": received,
        "note": None,
    }


def test_composite_primary_key_with_negative_integer_and_timestamp(client, verifier):
    client.sqlExec("CREATE TABLE events (site VARCHAR[16], seq INTEGER, at TIMESTAMP, what VARCHAR, PRIMARY KEY (site, seq, at))")
    at = datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)
    client.sqlExec("INSERT INTO events (site, seq, at, what) VALUES ('Kraków', -7, @at, 'ok')", {"at": at})

    row = verifier.verify_row("events", ["Kraków", -7, at])

    assert row.values == {"site": "Kraków", "seq": -7, "at": at, "what": "ok"}


def test_row_is_proven_across_many_later_transactions(client, verifier, store, immudb_database):
    enrolled_at = store.load(verifier.server_id, immudb_database).tx_id
    insert_txs(client, 31)
    client.sqlExec(PARCEL_TABLE)
    client.sqlExec("INSERT INTO parcels (code, weight) VALUES ('P-1', 10)")
    row_tx = current_tx(client)
    insert_txs(client, 31, table="later")

    row = verifier.verify_row("parcels", ["P-1"])

    assert row.tx_id == row_tx and row.values["weight"] == 10
    trusted = store.load(verifier.server_id, immudb_database)
    assert trusted.tx_id == current_tx(client) > row_tx > enrolled_at + 31


def test_rows_updated_or_deleted_behind_the_apps_back(client, verifier):
    client.sqlExec(PARCEL_TABLE)
    client.sqlExec("INSERT INTO parcels (code, weight) VALUES ('P-1', 10)")
    written = verifier.verify_row("parcels", ["P-1"])

    client.sqlExec("UPSERT INTO parcels (code, weight) VALUES ('P-1', 99)")
    latest = verifier.verify_row("parcels", ["P-1"])
    assert latest.tx_id > written.tx_id
    assert latest.values["weight"] == 99 != written.values["weight"]

    client.sqlExec("DELETE FROM parcels WHERE code = 'P-1'")
    assert verifier.verify_row("parcels", ["P-1"]) is None
    assert verifier.verify_row("parcels", ["P-1"], at_tx=written.tx_id) == written


def test_missing_row_and_missing_table(client, verifier, immudb_server):
    client.sqlExec(PARCEL_TABLE)
    assert verifier.verify_row("parcels", ["never-written"]) is None
    with pytest.raises(ServerError, match=rf"{immudb_server.address}, table nowhere, primary key \('P-1',\)"):
        verifier.verify_row("nowhere", ["P-1"])


def test_thousand_rows_verify_in_one_batch(client, verifier):
    client.sqlExec("CREATE TABLE handovers (id INTEGER, party VARCHAR[32], PRIMARY KEY id)")
    for start in range(0, 1000, 10):
        client.sqlExec(
            "INSERT INTO handovers (id, party) VALUES " + ", ".join(f"({i}, 'party-{i}')" for i in range(start, start + 10))
        )
    for i in range(1000, 1100):
        client.sqlExec(f"INSERT INTO handovers (id, party) VALUES ({i}, 'party-{i}')")
    verifier.verified_state()

    started = time.perf_counter()
    rows = verifier.verify_rows("handovers", [[i] for i in range(1000, 1100)] + [[i] for i in range(900)])
    elapsed = time.perf_counter() - started

    assert [row.values for row in rows] == [{"id": i, "party": f"party-{i}"} for i in [*range(1000, 1100), *range(900)]]
    assert len({row.tx_id for row in rows}) == 190
    print(f"verified 1,000 rows in {elapsed:.3f} s")
    assert elapsed < 3.0  # about 0.5 s on an idle machine; generous for loaded CI runners


def test_verifier_works_inside_a_session(immudb_server, immudb_database, store):
    from immudb import ImmudbClient

    client = ImmudbClient(immudb_server.address)
    client.openSession("immudb", "immudb", database=immudb_database.encode())
    try:
        verifier = Verifier(client, immudb_database, store, immudb_server.public_key_pem)
        verifier.enroll()
        client.sqlExec(PARCEL_TABLE)
        client.sqlExec("INSERT INTO parcels (code, weight) VALUES ('S-1', 3)")
        assert verifier.verify_row("parcels", ["S-1"]).values["weight"] == 3
    finally:
        client.closeSession()


# --- States and signatures ---


def test_state_advances_only_with_a_proof(client, verifier, store, immudb_database):
    insert_txs(client, 3)
    state = verifier.verified_state()
    assert state.tx_id == current_tx(client)
    assert store.load(verifier.server_id, immudb_database) == state
    assert verifier.verified_state() == state


def test_state_signed_by_another_key_is_refused(client, verifier, immudb_server, immudb_database, store, tmp_path):
    with extra_server(tmp_path, immudb_server.version) as other:
        impostor = Verifier(
            client_with_database(other, immudb_database), immudb_database, store, immudb_server.public_key_pem
        )
        with pytest.raises(SignatureError, match="not signed by the pinned key") as refused:
            impostor.verified_state()
        assert other.address in str(refused.value) and immudb_database in str(refused.value)
        with pytest.raises(SignatureError):
            impostor.enroll(replace=True)


def test_server_without_signing_key_is_refused(client, verifier, immudb_server, immudb_database, store, tmp_path):
    with extra_server(tmp_path, immudb_server.version, signing=False) as unsigned:
        unsigned_verifier = Verifier(
            client_with_database(unsigned, immudb_database), immudb_database, store, immudb_server.public_key_pem
        )
        with pytest.raises(SignatureMissing, match="no signature.*signing key is pinned"):
            unsigned_verifier.verified_state()


def test_server_with_rewritten_history_is_refused(client, verifier, immudb_server, immudb_database, store, tmp_path):
    client.sqlExec(PARCEL_TABLE)
    client.sqlExec("INSERT INTO parcels (code, weight) VALUES ('P-1', 10)")
    verifier.verified_state()
    with extra_server(tmp_path, immudb_server.version, signing_key_of=immudb_server) as forger:
        forged_client = client_with_database(forger, immudb_database)
        forged_client.sqlExec(PARCEL_TABLE)
        forged_client.sqlExec("INSERT INTO parcels (code, weight) VALUES ('P-1', 1)")
        assert current_tx(forged_client) == current_tx(client)
        forged = Verifier(forged_client, immudb_database, store, immudb_server.public_key_pem)

        with pytest.raises(ProofError, match="different hash"):
            forged.verified_state()

        insert_txs(forged_client, 5)
        with pytest.raises(ProofError, match="not consistent with the trusted"):
            forged.verified_state()


def test_server_behind_the_trusted_state_is_refused(client, verifier, immudb_server, immudb_database, store, tmp_path):
    insert_txs(client, 5)
    verifier.verified_state()
    with extra_server(tmp_path, immudb_server.version, signing_key_of=immudb_server) as restored:
        older = Verifier(client_with_database(restored, immudb_database), immudb_database, store, immudb_server.public_key_pem)
        with pytest.raises(ProofError, match="behind the trusted"):
            older.verified_state()


# --- Trusted state store ---


def test_deleted_trusted_state_is_not_trusted_afresh(verifier, store, immudb_database):
    store.state_path(verifier.server_id, immudb_database).unlink()
    with pytest.raises(TrustedStateMissing, match=immudb_database):
        verifier.verified_state()


@pytest.mark.parametrize("content", ["", "{not json", "[]", '{"format": 1}'])
def test_unreadable_trusted_state_is_corrupt(verifier, store, immudb_database, content):
    store.state_path(verifier.server_id, immudb_database).write_text(content)
    with pytest.raises(TrustedStateCorrupt):
        verifier.verified_state()


def test_edited_trusted_state_fails_its_signature(client, verifier, store, immudb_database):
    insert_txs(client, 2)
    verifier.verified_state()
    path = store.state_path(verifier.server_id, immudb_database)
    data = json.loads(path.read_text())
    data["tx_hash"] = flip(bytes.fromhex(data["tx_hash"])).hex()
    path.write_text(json.dumps(data))
    with pytest.raises(TrustedStateCorrupt, match="not signed by the pinned key"):
        verifier.verified_state()


def test_rolled_back_trusted_state_is_detected(client, verifier, store, immudb_database, tmp_path):
    path = store.state_path(verifier.server_id, immudb_database)
    older_copy = path.read_bytes()
    insert_txs(client, 2)
    verifier.verified_state()
    path.write_bytes(older_copy)
    with pytest.raises(StateRollback, match="rolled back"):
        verifier.verified_state()


def test_lost_enrolment_registry_is_corrupt_not_unenrolled(verifier, store):
    store.registry_path.unlink()
    with pytest.raises(TrustedStateCorrupt, match="registry"):
        verifier.verified_state()


def test_enrolment_is_explicit(client, immudb_database, store, immudb_server):
    verifier = Verifier(client, immudb_database, store, immudb_server.public_key_pem)
    with pytest.raises(NotEnrolled):
        verifier.verified_state()
    first = verifier.enroll()
    with pytest.raises(AlreadyEnrolled):
        verifier.enroll()
    insert_txs(client, 1)
    assert verifier.enroll(replace=True).tx_id > first.tx_id
    assert store.is_enrolled(verifier.server_id, immudb_database)


def test_store_keeps_the_newer_state_and_refuses_a_fork(store):
    enrolled = TrustedState(5, b"\x05" * 32, b"sig-5", "fingerprint")
    store.enroll("server", "db", enrolled)
    newer = dataclasses.replace(enrolled, tx_id=9, tx_hash=b"\x09" * 32)
    assert store.advance("server", "db", newer) == newer
    assert store.advance("server", "db", enrolled) == newer
    with pytest.raises(ForkDetected, match="tx 9"):
        store.advance("server", "db", dataclasses.replace(newer, tx_hash=b"\x99" * 32))
    assert store.load("server", "db") == newer


def test_state_file_is_json_without_pickle(verifier, store, immudb_database):
    data = json.loads(store.state_path(verifier.server_id, immudb_database).read_text())
    assert set(data) == {"format", "server", "database", "tx_id", "tx_hash", "signature", "public_key_fingerprint"}
    assert not list(store.directory.glob(".*.tmp"))


# --- The proof algorithms on real proofs, one tampered byte at a time ---


@pytest.fixture
def long_history(client):
    insert_txs(client, 40)
    return current_tx(client)


def test_dual_proof_fails_on_any_tampered_byte(client, long_history):
    source_tx, target_tx = 3, long_history
    proof = dual_proof_from_proto(verifiable_tx(client, target_tx, source_tx).dualProof)
    source_alh, target_alh = tx_header_alh(proof.source_header), tx_header_alh(proof.target_header)
    assert verify_dual_proof(proof, source_tx, target_tx, source_alh, target_alh)

    tampered = [
        dataclasses.replace(proof, inclusion_proof=[flip(proof.inclusion_proof[0]), *proof.inclusion_proof[1:]]),
        dataclasses.replace(proof, consistency_proof=[*proof.consistency_proof[:-1], flip(proof.consistency_proof[-1])]),
        dataclasses.replace(proof, last_inclusion_proof=[flip(proof.last_inclusion_proof[0]), *proof.last_inclusion_proof[1:]]),
        dataclasses.replace(proof, target_bl_tx_alh=flip(proof.target_bl_tx_alh, 31)),
        dataclasses.replace(proof, source_header=dataclasses.replace(proof.source_header, eh=flip(proof.source_header.eh))),
    ]
    for bad in tampered:
        assert not verify_dual_proof(bad, source_tx, target_tx, tx_header_alh(bad.source_header), target_alh)
    assert not verify_dual_proof(proof, source_tx, target_tx, flip(source_alh), target_alh)
    assert not verify_dual_proof(proof, source_tx, target_tx, source_alh, flip(target_alh, 5))


def test_linear_proof_fails_on_tampered_or_missing_terms(client, long_history):
    proof = dual_proof_from_proto(verifiable_tx(client, long_history, long_history - 1).dualProof).linear_proof
    source_alh = tx_header_alh(tx_header(client, long_history - 1))
    target_alh = tx_header_alh(tx_header(client, long_history))
    assert verify_linear_proof(proof, long_history - 1, long_history, source_alh, target_alh)
    assert not verify_linear_proof(
        dataclasses.replace(proof, terms=[proof.terms[0], flip(proof.terms[1], 17)]), long_history - 1, long_history, source_alh, target_alh
    )
    assert not verify_linear_proof(
        dataclasses.replace(proof, terms=proof.terms[:1]), long_history - 1, long_history, source_alh, target_alh
    )


def test_linear_advance_proof_over_a_real_chain(client, long_history):
    """A linear advance proof over txs 5..30, assembled from the server's headers and tree proofs.

    Servers since 1.3.2 add each tx to the Merkle tree as it commits, so the
    ones they send are empty; this checks the algorithm on a long chain.
    """
    start, end = 5, 30
    target = tx_header(client, long_history)
    linear_terms = [tx_header_alh(tx_header(client, start + 1))] + [
        tx_header_inner_hash(tx_header(client, tx)) for tx in range(start + 2, end + 1)
    ]
    inclusion_proofs = [
        list(verifiable_tx(client, long_history, tx).dualProof.inclusionProof) for tx in range(start + 1, end)
    ]
    proof = LinearAdvanceProof(linear_terms, inclusion_proofs)
    end_alh = tx_header_alh(tx_header(client, end))

    def holds(candidate):
        return verify_linear_advance_proof(candidate, start, end, end_alh, target.bl_root, target.bl_tx_id)

    assert holds(proof)
    terms_with_flip = [*inclusion_proofs[:7], [flip(inclusion_proofs[7][0], 9), *inclusion_proofs[7][1:]], *inclusion_proofs[8:]]
    assert not holds(LinearAdvanceProof(linear_terms, terms_with_flip))
    assert not holds(LinearAdvanceProof([*linear_terms[:4], flip(linear_terms[4]), *linear_terms[5:]], inclusion_proofs))
    assert not holds(LinearAdvanceProof(linear_terms[:-1], inclusion_proofs))
    assert not holds(None)
    assert verify_linear_advance_proof(None, start, start + 1, end_alh, target.bl_root, target.bl_tx_id)


def test_entry_inclusion_fails_on_tampered_key_value_or_proof(client):
    client.sqlExec(PARCEL_TABLE)
    client.sqlExec("INSERT INTO parcels (code, weight) VALUES ('A', 1), ('B', 2), ('Zürich-Ω', 3), ('D', 4), ('E', 5)")
    request = schema_pb2.VerifiableSQLGetRequest(
        sqlGetRequest=schema_pb2.SQLGetRequest(table="parcels", pkValues=[schema_pb2.SQLValue(s="Zürich-Ω")])
    )
    entry = client._stub.VerifiableSQLGet(request)
    header = tx_header_from_proto(entry.verifiableTx.dualProof.targetTxHeader)
    key = row_key(entry.DatabaseId, entry.TableId, encode_pk_value("Zürich-Ω", "VARCHAR", 32))
    value = entry.sqlEntry.value
    proof = EntryInclusionProof(entry.inclusionProof.leaf, entry.inclusionProof.width, list(entry.inclusionProof.terms))
    assert len(proof.terms) >= 2

    assert verify_entry_inclusion(proof, entry_digest(header.version, key, value), header.eh)
    assert not verify_entry_inclusion(proof, entry_digest(header.version, flip(key, len(key) - 1), value), header.eh)
    assert not verify_entry_inclusion(proof, entry_digest(header.version, key, flip(value, len(value) - 1)), header.eh)
    bad_terms = dataclasses.replace(proof, terms=[proof.terms[0], flip(proof.terms[1], 3), *proof.terms[2:]])
    assert not verify_entry_inclusion(bad_terms, entry_digest(header.version, key, value), header.eh)
    # Counting characters instead of UTF-8 bytes (immudb-py 1.5.0) gives another key.
    by_characters = encode_pk_value("Zürich-Ω", "VARCHAR", 32)[:-4] + len("Zürich-Ω").to_bytes(4, "big")
    wrong_key = row_key(entry.DatabaseId, entry.TableId, by_characters)
    assert not verify_entry_inclusion(proof, entry_digest(header.version, wrong_key, value), header.eh)


def test_state_signature_covers_database_tx_and_hash(client, immudb_server, immudb_database):
    state = client._stub.CurrentState(empty_pb2.Empty())
    key, signature = immudb_server.public_key_pem, state.signature.signature
    assert signature_is_valid(key, signature, immudb_database, state.txId, state.txHash)
    assert not signature_is_valid(key, signature, immudb_database, state.txId, flip(state.txHash, 7))
    assert not signature_is_valid(key, signature, immudb_database, state.txId + 1, state.txHash)
    assert not signature_is_valid(key, signature, "defaultdb", state.txId, state.txHash)
    assert not signature_is_valid(key, flip(signature, 10), immudb_database, state.txId, state.txHash)
