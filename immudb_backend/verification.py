"""Prove rows and states of an immudb database against a trusted state.

We verify immudb's proofs ourselves because immudb-py 1.5.0's verification is
unsound: its dual proof ignores the linear advance proof, it encodes VARCHAR
primary keys by character count instead of UTF-8 byte length, it trusts the
server on first use and ``currentState()`` replaces the trusted state without
any proof. The algorithms follow immudb's Go client (``embedded/store``,
``embedded/ahtree``, ``embedded/htree``); the encodings are those of immudb
1.9.6 and 1.11.1, which agree on everything used here.

What a proven row means: the row's key and value are an entry of transaction
``tx_id``, whose hash is part of the history the trusted state commits to, and
that history is signed by the pinned key. What immudb cannot prove: that this
is the row's latest revision (the server picks which revision to prove) and
the table's schema (column names and types come from the server unproven).
"""

from __future__ import annotations

import hashlib
import json
import struct
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Sequence

import grpc
from google.protobuf import empty_pb2
from immudb.grpc import schema_pb2

from immudb_backend.trusted_state import (
    AlreadyEnrolled,
    ForkDetected,
    NotEnrolled,
    StateRollback,
    TrustedState,
    TrustedStateCorrupt,
    TrustedStateMissing,
    TrustedStateStore,
    VerificationError,
    key_fingerprint,
)

__all__ = [
    "AlreadyEnrolled",
    "DualProof",
    "EntryInclusionProof",
    "ForkDetected",
    "LinearAdvanceProof",
    "LinearProof",
    "NotEnrolled",
    "ProofError",
    "ProvenRow",
    "ServerError",
    "SignatureError",
    "SignatureMissing",
    "StateRollback",
    "TrustedState",
    "TrustedStateCorrupt",
    "TrustedStateMissing",
    "TrustedStateStore",
    "TxHeader",
    "VerificationError",
    "Verifier",
    "decode_row",
    "encode_pk_value",
    "entry_digest",
    "row_key",
    "signature_is_valid",
    "tx_header_alh",
    "tx_header_inner_hash",
    "verify_ahtree_consistency",
    "verify_ahtree_inclusion",
    "verify_ahtree_last_inclusion",
    "verify_dual_proof",
    "verify_entry_inclusion",
    "verify_linear_advance_proof",
    "verify_linear_proof",
]

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
SQL_PREFIX = b"\x02"
ROW_PREFIX = b"R."
PRIMARY_INDEX_ID = 0
KEY_NOT_NULL = b"\x80"
KEY_NULL = b"\x20"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Rows are fetched concurrently over one channel; this bounds what is in flight.
ROWS_IN_FLIGHT = 256


class ProofError(VerificationError):
    """A proof the server sent does not hold."""


class SignatureError(VerificationError):
    """A state is not signed by the pinned key."""


class SignatureMissing(SignatureError):
    """The server sent a state without a signature although a key is pinned."""


class ServerError(Exception):
    """The server could not answer a verification request (not evidence of tampering)."""


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# --- Proof structures, decoupled from protobuf so the algorithms stay plain ---


@dataclass(frozen=True)
class TxHeader:
    id: int
    prev_alh: bytes
    ts: int
    version: int
    metadata: bytes  # serialized TxMetadata attributes
    nentries: int
    eh: bytes
    bl_tx_id: int
    bl_root: bytes


@dataclass(frozen=True)
class LinearProof:
    source_tx_id: int
    target_tx_id: int
    terms: Sequence[bytes]


@dataclass(frozen=True)
class LinearAdvanceProof:
    linear_proof_terms: Sequence[bytes]
    inclusion_proofs: Sequence[Sequence[bytes]]


@dataclass(frozen=True)
class DualProof:
    source_header: TxHeader
    target_header: TxHeader
    inclusion_proof: Sequence[bytes]
    consistency_proof: Sequence[bytes]
    target_bl_tx_alh: bytes
    last_inclusion_proof: Sequence[bytes]
    linear_proof: LinearProof | None
    linear_advance_proof: LinearAdvanceProof | None


@dataclass(frozen=True)
class EntryInclusionProof:
    leaf: int
    width: int
    terms: Sequence[bytes]


# --- Hashes of transactions and entries ---


def tx_header_alh(header: TxHeader) -> bytes:
    """The accumulated linear hash: sha256(id + prevAlh + inner hash)."""
    return _advance_linear_hash(header.prev_alh, header.id, tx_header_inner_hash(header))


def tx_header_inner_hash(header: TxHeader) -> bytes:
    """sha256 of the header without id and prevAlh; the term a linear proof holds for each transaction."""
    if header.version == 0:
        if header.metadata:
            raise ValueError("a version 0 transaction header cannot carry metadata")
        entries_field = struct.pack(">H", header.nentries)
    elif header.version == 1:
        entries_field = struct.pack(">H", len(header.metadata)) + header.metadata + struct.pack(">I", header.nentries)
    else:
        raise ValueError(f"unsupported transaction header version {header.version}")
    return sha256(
        struct.pack(">qH", header.ts, header.version)
        + entries_field
        + header.eh
        + struct.pack(">Q", header.bl_tx_id)
        + header.bl_root
    )


def entry_digest(tx_version: int, key: bytes, value: bytes, kv_metadata: bytes = b"") -> bytes:
    if tx_version == 0:
        return sha256(key + sha256(value))
    if tx_version == 1:
        return sha256(struct.pack(">H", len(kv_metadata)) + kv_metadata + struct.pack(">H", len(key)) + key + sha256(value))
    raise ValueError(f"unsupported transaction version {tx_version}")


def _node(left: bytes, right: bytes) -> bytes:
    return sha256(NODE_PREFIX + left + right)


def _leaf(digest: bytes) -> bytes:
    return sha256(LEAF_PREFIX + digest)


def _advance_linear_hash(alh: bytes, tx_id: int, term: bytes) -> bytes:
    return sha256(struct.pack(">Q", tx_id) + alh + term)


# --- Proof algorithms ---


def verify_entry_inclusion(proof: EntryInclusionProof, digest: bytes, eh: bytes) -> bool:
    """The entry with ``digest`` is in the Merkle tree of a transaction's entries, whose root is ``eh``."""
    root = _leaf(digest)
    i, r = proof.leaf, proof.width - 1
    for term in proof.terms:
        root = _node(root, term) if i % 2 == 0 and i != r else _node(term, root)
        i //= 2
        r //= 2
    return i == r and root == eh


def verify_ahtree_inclusion(terms: Sequence[bytes], i: int, j: int, leaf: bytes, root_j: bytes) -> bool:
    """Leaf ``i`` is in the append-only tree of ``j`` transactions whose root is ``root_j``."""
    if i > j or i == 0 or (i < j and not terms):
        return False
    i1, j1, root = i - 1, j - 1, leaf
    for term in terms:
        root = _node(root, term) if i1 % 2 == 0 and i1 != j1 else _node(term, root)
        i1 >>= 1
        j1 >>= 1
    return root == root_j


def verify_ahtree_consistency(terms: Sequence[bytes], i: int, j: int, root_i: bytes, root_j: bytes) -> bool:
    """The tree of ``i`` transactions (``root_i``) is a prefix of the tree of ``j`` (``root_j``)."""
    if i > j or i == 0 or (i < j and not terms):
        return False
    if i == j and not terms:
        return root_i == root_j
    fn, sn = i - 1, j - 1
    while fn % 2 == 1:
        fn >>= 1
        sn >>= 1
    calc_i = calc_j = terms[0]
    for term in terms[1:]:
        if fn % 2 == 1 or fn == sn:
            calc_i = _node(term, calc_i)
            calc_j = _node(term, calc_j)
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            calc_j = _node(calc_j, term)
        fn >>= 1
        sn >>= 1
    return calc_i == root_i and calc_j == root_j


def verify_ahtree_last_inclusion(terms: Sequence[bytes], i: int, leaf: bytes, root_i: bytes) -> bool:
    """``leaf`` is the last leaf of the tree of ``i`` transactions."""
    if i == 0:
        return False
    root = leaf
    for term in terms:
        root = _node(term, root)
    return root == root_i


def verify_linear_proof(proof: LinearProof | None, source_id: int, target_id: int, source_alh: bytes, target_alh: bytes) -> bool:
    """Hashing forward from ``source_alh`` over the proof's terms reaches ``target_alh``."""
    if proof is None or proof.source_tx_id != source_id or proof.target_tx_id != target_id:
        return False
    if source_id == 0 or source_id > target_id or len(proof.terms) != target_id - source_id + 1:
        return False
    if proof.terms[0] != source_alh:
        return False
    alh = proof.terms[0]
    for offset, term in enumerate(proof.terms[1:], start=1):
        alh = _advance_linear_hash(alh, source_id + offset, term)
    return alh == target_alh


def verify_linear_advance_proof(
    proof: LinearAdvanceProof | None, start_id: int, end_id: int, end_alh: bytes, tree_root: bytes, tree_size: int
) -> bool:
    """Every transaction strictly between ``start_id`` and ``end_id`` on the old linear chain is a leaf of the new tree.

    Without this check a server can show one history on the linear part of
    an older state and another once the Merkle tree has consumed it (the
    "linear fake" attack); immudb-py 1.5.0 skips it.
    """
    if end_id < start_id:
        return False
    if end_id <= start_id + 1:
        return True  # nothing lies between: the other parts of the dual proof cover both ends
    if (
        proof is None
        or len(proof.linear_proof_terms) != end_id - start_id
        or len(proof.inclusion_proofs) != end_id - start_id - 1
    ):
        return False
    alh = proof.linear_proof_terms[0]
    for tx_id in range(start_id + 1, end_id):
        if not verify_ahtree_inclusion(proof.inclusion_proofs[tx_id - start_id - 1], tx_id, tree_size, _leaf(alh), tree_root):
            return False
        alh = _advance_linear_hash(alh, tx_id + 1, proof.linear_proof_terms[tx_id - start_id])
    return alh == end_alh


def verify_dual_proof(proof: DualProof | None, source_id: int, target_id: int, source_alh: bytes, target_alh: bytes) -> bool:
    """Transaction ``source_id`` (hash ``source_alh``) is in the history ending at ``target_id`` (``target_alh``)."""
    if proof is None or proof.source_header.id != source_id or proof.target_header.id != target_id:
        return False
    if source_id == 0 or source_id > target_id:
        return False
    source, target = proof.source_header, proof.target_header
    if tx_header_alh(source) != source_alh or tx_header_alh(target) != target_alh:
        return False
    if source_id < target.bl_tx_id and not verify_ahtree_inclusion(
        proof.inclusion_proof, source_id, target.bl_tx_id, _leaf(source_alh), target.bl_root
    ):
        return False
    if source.bl_tx_id > 0 and not verify_ahtree_consistency(
        proof.consistency_proof, source.bl_tx_id, target.bl_tx_id, source.bl_root, target.bl_root
    ):
        return False
    if target.bl_tx_id > 0 and not verify_ahtree_last_inclusion(
        proof.last_inclusion_proof, target.bl_tx_id, _leaf(proof.target_bl_tx_alh), target.bl_root
    ):
        return False
    if source_id < target.bl_tx_id:
        return verify_linear_proof(
            proof.linear_proof, target.bl_tx_id, target_id, proof.target_bl_tx_alh, target_alh
        ) and verify_linear_advance_proof(
            proof.linear_advance_proof, source.bl_tx_id, source_id, source_alh, target.bl_root, target.bl_tx_id
        )
    return verify_linear_proof(
        proof.linear_proof, source_id, target_id, source_alh, target_alh
    ) and verify_linear_advance_proof(
        proof.linear_advance_proof, source.bl_tx_id, target.bl_tx_id, proof.target_bl_tx_alh, target.bl_root, target.bl_tx_id
    )


# --- State signatures ---


def state_signing_bytes(database: str, tx_id: int, tx_hash: bytes) -> bytes:
    """What immudb signs: len(db) + db + txId + txHash, big-endian."""
    name = database.encode()
    return struct.pack(">I", len(name)) + name + struct.pack(">Q", tx_id) + tx_hash


def signature_is_valid(public_key_pem: bytes, signature: bytes, database: str, tx_id: int, tx_hash: bytes) -> bool:
    """Whether ``signature`` (DER ECDSA over SHA-256) signs this state with the key in ``public_key_pem``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = serialization.load_pem_public_key(public_key_pem)
    try:
        key.verify(signature, state_signing_bytes(database, tx_id, tx_hash), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


# --- SQL rows: key and value encodings ---


def encode_pk_value(value: Any, col_type: str, max_len: int) -> bytes:
    """A primary key value as immudb encodes it inside a row's key (lengths in UTF-8 bytes)."""
    if value is None:
        return KEY_NULL
    if col_type == "INTEGER" and isinstance(value, int) and not isinstance(value, bool):
        return KEY_NOT_NULL + _sortable_int64(value)
    if col_type == "BOOLEAN" and isinstance(value, bool):
        return KEY_NOT_NULL + (b"\x01" if value else b"\x00")
    if col_type in ("VARCHAR", "BLOB") and isinstance(value, (str, bytes)):
        raw = value.encode() if isinstance(value, str) else value
        if (col_type == "VARCHAR") != isinstance(value, str) or len(raw) > max_len:
            raise ValueError(f"{value!r} does not fit a {col_type}[{max_len}] key")
        return KEY_NOT_NULL + raw.ljust(max_len, b"\x00") + struct.pack(">I", len(raw))
    if col_type == "TIMESTAMP" and isinstance(value, datetime):
        return KEY_NOT_NULL + _sortable_int64(_micros_since_epoch(value) * 1000)
    if col_type == "UUID" and isinstance(value, (uuid.UUID, str)):
        return KEY_NOT_NULL + uuid.UUID(str(value)).bytes
    raise ValueError(f"a primary key value {value!r} cannot be encoded as {col_type}")


def _sortable_int64(n: int) -> bytes:
    encoded = bytearray(struct.pack(">q", n))
    encoded[0] ^= 0x80
    return bytes(encoded)


def _micros_since_epoch(value: datetime) -> int:
    if value.tzinfo is None:
        raise ValueError(f"{value!r} is a naive datetime; pass an aware one")
    return (value - EPOCH) // timedelta(microseconds=1)


def row_key(database_id: int, table_id: int, encoded_pk: bytes) -> bytes:
    return SQL_PREFIX + ROW_PREFIX + struct.pack(">III", database_id, table_id, PRIMARY_INDEX_ID) + encoded_pk


def decode_row(encoded: bytes, col_types: dict[int, str], max_col_id: int) -> dict[int, Any]:
    """Column id → Python value of a row as stored; NULL columns are absent from the encoding."""
    try:
        (count,) = struct.unpack_from(">I", encoded, 0)
        offset, values = 4, {}
        for _ in range(count):
            col_id, length = struct.unpack_from(">II", encoded, offset)
            offset += 8
            raw = encoded[offset : offset + length]
            if len(raw) != length:
                raise ValueError("value runs past the end of the row")
            offset += length
            if col_id in col_types:
                values[col_id] = decode_value(raw, col_types[col_id])
            elif col_id > max_col_id:
                raise ValueError(f"column id {col_id} was never allocated")
            # otherwise the column was dropped; its old value is skipped
    except struct.error as exc:
        raise ValueError(f"truncated row: {exc}") from exc
    if offset != len(encoded):
        raise ValueError("trailing bytes after the row")
    return values


def decode_value(raw: bytes, col_type: str) -> Any:
    if col_type == "VARCHAR":
        return raw.decode()
    if col_type == "BLOB":
        return raw
    if col_type == "JSON":
        return json.loads(raw)
    fixed = {"INTEGER": 8, "TIMESTAMP": 8, "FLOAT": 8, "BOOLEAN": 1, "UUID": 16}
    if fixed.get(col_type) != len(raw):
        raise ValueError(f"{len(raw)} bytes cannot be a {col_type} value")
    if col_type == "INTEGER":
        return struct.unpack(">q", raw)[0]
    if col_type == "TIMESTAMP":
        return EPOCH + timedelta(microseconds=struct.unpack(">q", raw)[0])
    if col_type == "FLOAT":
        return struct.unpack(">d", raw)[0]
    if col_type == "BOOLEAN":
        return raw == b"\x01"
    return uuid.UUID(bytes=raw)


# --- From protobuf ---


def tx_metadata_bytes(md: schema_pb2.TxMetadata) -> bytes:
    encoded = b""
    if md.truncatedTxID > 0:
        encoded += b"\x00" + struct.pack(">Q", md.truncatedTxID)
    if md.extra:
        encoded += b"\x01" + struct.pack(">H", len(md.extra)) + md.extra
    return encoded


def kv_metadata_bytes(md: schema_pb2.KVMetadata) -> bytes:
    encoded = b""
    if md.deleted:
        encoded += b"\x00"
    if md.HasField("expiration"):
        encoded += b"\x01" + struct.pack(">Q", md.expiration.expiresAt)
    if md.nonIndexable:
        encoded += b"\x02"
    return encoded


def tx_header_from_proto(header: schema_pb2.TxHeader) -> TxHeader:
    return TxHeader(
        id=header.id,
        prev_alh=header.prevAlh,
        ts=header.ts,
        version=header.version,
        metadata=tx_metadata_bytes(header.metadata) if header.HasField("metadata") else b"",
        nentries=header.nentries,
        eh=header.eH,
        bl_tx_id=header.blTxId,
        bl_root=header.blRoot,
    )


def dual_proof_from_proto(proof: schema_pb2.DualProof) -> DualProof:
    linear = proof.linearProof if proof.HasField("linearProof") else None
    advance = proof.LinearAdvanceProof if proof.HasField("LinearAdvanceProof") else None
    return DualProof(
        source_header=tx_header_from_proto(proof.sourceTxHeader),
        target_header=tx_header_from_proto(proof.targetTxHeader),
        inclusion_proof=list(proof.inclusionProof),
        consistency_proof=list(proof.consistencyProof),
        target_bl_tx_alh=proof.targetBlTxAlh,
        last_inclusion_proof=list(proof.lastInclusionProof),
        linear_proof=linear and LinearProof(linear.sourceTxId, linear.TargetTxId, list(linear.terms)),
        linear_advance_proof=advance
        and LinearAdvanceProof(list(advance.linearProofTerms), [list(p.terms) for p in advance.inclusionProofs]),
    )


def _sql_value(value: Any) -> schema_pb2.SQLValue:
    if value is None:
        return schema_pb2.SQLValue(null=0)
    if isinstance(value, bool):
        return schema_pb2.SQLValue(b=value)
    if isinstance(value, int):
        return schema_pb2.SQLValue(n=value)
    if isinstance(value, (str, uuid.UUID)):
        return schema_pb2.SQLValue(s=str(value))
    if isinstance(value, bytes):
        return schema_pb2.SQLValue(bs=value)
    if isinstance(value, datetime):
        return schema_pb2.SQLValue(ts=_micros_since_epoch(value))
    raise ValueError(f"{value!r} cannot be a primary key value")


# --- The verifier ---


@dataclass(frozen=True)
class ProvenRow:
    """A row whose key and value are proven to be in transaction ``tx_id`` of the trusted history.

    ``values`` maps column names to Python values; NULL columns map to None.
    """

    table: str
    pk_values: tuple
    tx_id: int
    values: dict[str, Any]


class Verifier:
    """Proves states and rows of one immudb database against the trusted state in ``store``.

    ``client`` is an immudb-py ``ImmudbClient`` after ``login()`` or inside
    ``openSession``; only its gRPC stub is used. States must be signed by the
    pinned ``server_public_key_pem``. The trusted state is kept under
    ``server_id``, by default the key's fingerprint, so replicas that serve
    the primary's history share its trusted state.

    Not thread-safe: use one verifier per thread (they may share a store).
    """

    def __init__(
        self,
        client,
        database: str,
        store: TrustedStateStore,
        server_public_key_pem: bytes,
        *,
        server_id: str | None = None,
    ):
        self.database = database
        self.store = store
        self.public_key_pem = server_public_key_pem
        self.fingerprint = key_fingerprint(server_public_key_pem)
        self.server_id = server_id or f"key-{self.fingerprint[:16]}"
        self.address = getattr(client, "_url", "the immudb server")
        self._stub = client._stub
        # tx id -> Alh proven to be in the trusted history; stays valid as that history grows.
        self._proven_alh: dict[int, bytes] = {}

    # States

    def enroll(self, *, replace: bool = False) -> TrustedState:
        """Trust the server's current signed state as the starting point (an administrator's action)."""
        current = self._call(self._stub.CurrentState, empty_pb2.Empty(), "fetching the current state")
        state = self._signed_state(current.txId, current.txHash, current.signature, "the current state")
        self.store.enroll(self.server_id, self.database, state, replace=replace)
        return state

    def verified_state(self) -> TrustedState:
        """Fetch the current state, check its signature, prove it extends the trusted one, then trust it."""
        trusted = self._trusted_state()
        current = self._call(self._stub.CurrentState, empty_pb2.Empty(), "fetching the current state")
        state = self._signed_state(current.txId, current.txHash, current.signature, "the current state")
        if state.tx_id < trusted.tx_id:
            raise ProofError(
                f"{self._where()}: the server's state is at tx {state.tx_id}, behind the trusted tx "
                f"{trusted.tx_id}; its history was truncated or replaced."
            )
        if state.tx_id == trusted.tx_id:
            if state.tx_hash != trusted.tx_hash:
                raise ProofError(f"{self._where()}: tx {state.tx_id} has a different hash than the trusted one.")
            return trusted
        if trusted.tx_id > 0:
            self._prove_extends(trusted, state)
        return self.store.advance(self.server_id, self.database, state)

    def _prove_extends(self, trusted: TrustedState, state: TrustedState) -> None:
        request = schema_pb2.VerifiableTxRequest(
            tx=state.tx_id,
            proveSinceTx=trusted.tx_id,
            entriesSpec=schema_pb2.EntriesSpec(),  # all entry kinds EXCLUDEd: only the proof is needed
        )
        response = self._call(self._stub.VerifiableTxById, request, f"proving tx {state.tx_id}")
        proof = dual_proof_from_proto(response.dualProof)
        if not verify_dual_proof(proof, trusted.tx_id, state.tx_id, trusted.tx_hash, state.tx_hash):
            raise ProofError(
                f"{self._where()}: the state at tx {state.tx_id} is not consistent with the trusted "
                f"tx {trusted.tx_id}; the server's history differs from the one already trusted."
            )
        self._proven_alh[state.tx_id] = state.tx_hash

    def _trusted_state(self) -> TrustedState:
        state = self.store.load(self.server_id, self.database)
        if state.public_key_fingerprint != self.fingerprint or not signature_is_valid(
            self.public_key_pem, state.signature, self.database, state.tx_id, state.tx_hash
        ):
            raise TrustedStateCorrupt(
                f"{self._where()}: the trusted state at tx {state.tx_id} is not signed by the pinned key; "
                f"its file was altered."
            )
        return state

    def _signed_state(self, tx_id: int, tx_hash: bytes, signature, what: str) -> TrustedState:
        if signature is None or not signature.signature:
            raise SignatureMissing(
                f"{self._where()}: {what} (tx {tx_id}) carries no signature, but a signing key is pinned; "
                f"start the server with its signing key."
            )
        if not signature_is_valid(self.public_key_pem, signature.signature, self.database, tx_id, tx_hash):
            raise SignatureError(
                f"{self._where()}: {what} (tx {tx_id}) is not signed by the pinned key "
                f"(fingerprint {self.fingerprint[:16]})."
            )
        return TrustedState(tx_id, tx_hash, signature.signature, self.fingerprint)

    # Rows

    def verify_row(self, table: str, pk_values: Sequence, *, at_tx: int = 0) -> ProvenRow | None:
        """Prove the row with primary key ``pk_values`` against the trusted state.

        Proves the revision the server serves as current, or the one written
        at ``at_tx``. Returns None when the server says there is no such row:
        it was deleted (DELETE is logical; prove its earlier content with
        ``at_tx``) or never written. immudb cannot prove that absence.
        """
        pk = tuple(pk_values)
        trusted = self.verified_state()
        entry = self._await_row(self._fetch_row(table, pk, trusted.tx_id, at_tx), table, pk)
        return self._prove_row(table, pk, entry, trusted)

    def verify_rows(self, table: str, pk_values_list: Iterable[Sequence]) -> list[ProvenRow | None]:
        """``verify_row`` for many rows: one state proof, then one consistency proof per transaction."""
        pks = [tuple(pk) for pk in pk_values_list]
        trusted = self.verified_state()
        # A sliding window keeps the server busy while earlier rows are being proven here.
        pending = deque((pk, self._fetch_row(table, pk, trusted.tx_id)) for pk in pks[:ROWS_IN_FLIGHT])
        results: list[ProvenRow | None] = []
        for pk in pks[ROWS_IN_FLIGHT:] + [None] * len(pending):
            done_pk, future = pending.popleft()
            if pk is not None:
                pending.append((pk, self._fetch_row(table, pk, trusted.tx_id)))
            results.append(self._prove_row(table, done_pk, self._await_row(future, table, done_pk), trusted))
        return results

    def _fetch_row(self, table: str, pk: tuple, prove_since_tx: int, at_tx: int = 0) -> grpc.Future:
        request = schema_pb2.VerifiableSQLGetRequest(
            sqlGetRequest=schema_pb2.SQLGetRequest(table=table, pkValues=[_sql_value(v) for v in pk], atTx=at_tx),
            proveSinceTx=prove_since_tx,
        )
        return self._stub.VerifiableSQLGet.future(request)

    def _await_row(self, future: grpc.Future, table: str, pk: tuple) -> schema_pb2.VerifiableSQLEntry | None:
        try:
            return future.result()
        except grpc.RpcError as exc:
            if "key not found" in (exc.details() or ""):
                return None
            raise ServerError(
                f"{self._where()}, table {table}, primary key {pk!r}: fetching the row failed: {exc.details()}"
            ) from exc

    def _prove_row(
        self, table: str, pk: tuple, entry: schema_pb2.VerifiableSQLEntry | None, trusted: TrustedState
    ) -> ProvenRow | None:
        if entry is None:
            return None
        where = f"{self._where()}, table {table}, primary key {pk!r}, tx {entry.sqlEntry.tx}"
        try:
            header = self._prove_tx(entry, trusted, where)
            key = row_key(entry.DatabaseId, entry.TableId, self._encoded_pk(entry, pk))
            metadata = kv_metadata_bytes(entry.sqlEntry.metadata) if entry.sqlEntry.HasField("metadata") else b""
            digest = entry_digest(header.version, key, entry.sqlEntry.value, metadata)
            proof = EntryInclusionProof(entry.inclusionProof.leaf, entry.inclusionProof.width, list(entry.inclusionProof.terms))
            if not verify_entry_inclusion(proof, digest, header.eh):
                raise ProofError(f"{where}: the row is not an entry of its transaction.")
            by_id = decode_row(entry.sqlEntry.value, dict(entry.ColTypesById), entry.MaxColId)
        except (KeyError, ValueError) as exc:
            raise ProofError(f"{where}: {exc!r}") from exc
        values = {name: by_id.get(col_id) for col_id, name in sorted(entry.ColNamesById.items())}
        proven_pk = tuple(by_id.get(col_id) for col_id in entry.PKIDs)
        if proven_pk != pk:
            raise ProofError(f"{where}: the proven row has primary key {proven_pk!r}.")
        return ProvenRow(table, pk, entry.sqlEntry.tx, values)

    def _encoded_pk(self, entry: schema_pb2.VerifiableSQLEntry, pk: tuple) -> bytes:
        if len(pk) != len(entry.PKIDs):
            raise ValueError(f"the table's primary key has {len(entry.PKIDs)} columns, {len(pk)} values given")
        return b"".join(
            encode_pk_value(value, entry.ColTypesById[col_id], entry.ColLenById[col_id])
            for value, col_id in zip(pk, entry.PKIDs)
        )

    def _prove_tx(self, entry: schema_pb2.VerifiableSQLEntry, trusted: TrustedState, where: str) -> TxHeader:
        """The header of the row's transaction, once proven part of the history ``trusted`` commits to.

        ``trusted`` is the state the row was requested against; a row written
        after it is proven from it forward, and its signed state is trusted.
        """
        tx_id = entry.sqlEntry.tx
        proof = dual_proof_from_proto(entry.verifiableTx.dualProof)
        if tx_id <= trusted.tx_id:
            header = proof.source_header
            if header.id != tx_id:
                raise ProofError(f"{where}: the proof is for tx {header.id}.")
            alh = tx_header_alh(header)
            if self._proven_alh.get(tx_id) != alh and not verify_dual_proof(
                proof, tx_id, trusted.tx_id, alh, trusted.tx_hash
            ):
                raise ProofError(f"{where}: the row's transaction is not in the trusted history (tx {trusted.tx_id}).")
        else:
            header = proof.target_header
            if header.id != tx_id:
                raise ProofError(f"{where}: the proof is for tx {header.id}.")
            alh = tx_header_alh(header)
            newer = self._signed_state(tx_id, alh, entry.verifiableTx.signature, "the row's transaction")
            if not verify_dual_proof(proof, trusted.tx_id, tx_id, trusted.tx_hash, alh):
                raise ProofError(f"{where}: the row's transaction does not extend the trusted history (tx {trusted.tx_id}).")
            self.store.advance(self.server_id, self.database, newer)
        self._proven_alh[tx_id] = alh
        return header

    def _call(self, method, request, doing: str):
        try:
            return method(request)
        except grpc.RpcError as exc:
            raise ServerError(f"{self._where()}: {doing} failed: {exc.details()}") from exc

    def _where(self) -> str:
        return f"database {self.database} on {self.address}"

