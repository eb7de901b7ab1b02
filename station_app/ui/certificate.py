"""The chain-of-custody certificate: a verified trail drawn as a PDF with Qt's own writer.

Safe to run in an op: it paints on a QPdfWriter and touches no widget.
"""

from __future__ import annotations

import datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from station_app.ledger import TrailExport
from station_app.ui.events_model import HASH_PREFIX, local_time

STYLE = """
body { font-family: sans-serif; font-size: 9pt; }
h1 { font-size: 16pt; }
table.events { border-collapse: collapse; }
table.events th, table.events td { border: 1px solid #999; padding: 3px; }
.hash { font-family: monospace; }
.footer { font-size: 8pt; color: #444; }
"""


def write_pdf(trail: TrailExport, station: str, path: Path) -> None:
    writer = QPdfWriter(str(path))
    writer.setTitle(f"Chain of custody of parcel {trail.parcel_id}")
    writer.setCreator("Handover station")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    document = QTextDocument()
    document.setDefaultStyleSheet(STYLE)
    document.setHtml(certificate_html(trail, station))
    # Without a page size of its own, print_ lays the text out on the writer's pages with fonts at their point sizes.
    document.print_(writer)


def certificate_html(trail: TrailExport, station: str) -> str:
    created_local = trail.created.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    created_utc = trail.created.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    rows = "".join(_event_row(event) for event in trail.events)
    photos = "".join(
        f"<li>#{e.details.row.sequence}: <span class='hash'>{e.details.photo_sha256}</span></li>"
        for e in trail.events if e.details.photo_sha256
    ) or "<li>No photos were taken.</li>"
    return f"""
<h1>Chain-of-custody certificate</h1>
<p>Parcel <b>{escape(trail.parcel_id)}</b> ({escape(trail.parcel_format)})<br>
Generated {created_local} (station local time), {created_utc}<br>
Issued by station {escape(station)}</p>
<table class="events" width="100%">
<tr><th>Seq</th><th>Time</th><th>From → To</th><th>Station</th><th>Condition</th><th>Clerk</th>
<th>Verification</th><th>Tx</th><th>Hash</th></tr>
{rows}
</table>
<h3>Photos (SHA-256)</h3>
<ul>{photos}</ul>
<h3>Verification</h3>
<p>{escape(_summary(trail))}</p>
<p>Server public key fingerprint (SHA-256): <span class="hash">{trail.key_fingerprint or "none pinned"}</span></p>
<p class="footer">To check this certificate independently, export the trail as EPCIS JSON: each event carries its
hash (hs:eventHash) and the previous event's hash (hs:previousHash), and photo hashes (hs:photoSha256). Recompute
the chain from the events, and ask immudb for a verified read of each event's row in the transaction listed here,
checking the server's signed state against the public key with the fingerprint above.</p>
"""


def _event_row(event) -> str:
    row, proof = event.details.row, event.proof
    cells = [
        str(row.sequence), local_time(row), f"{row.from_party or 'first intake'} → {row.to_party}",
        row.station, row.condition, row.clerk, proof.status,
        str(proof.tx_id) if proof.tx_id is not None else "—",
    ]
    tds = "".join(f"<td>{escape(cell)}</td>" for cell in cells)
    return f"<tr>{tds}<td class='hash'>{row.event_hash[:HASH_PREFIX]}</td></tr>"


def _summary(trail: TrailExport) -> str:
    if not trail.unverified:
        return f"All {len(trail.events)} handovers verified against the ledger's signed proofs."
    problems = " ".join(f"#{e.details.row.sequence} {e.proof.status}: {e.proof.reason}" for e in trail.unverified)
    return f"Not verified: {problems}"
