"""Wall-clock dependency: two reads of the clock are assumed to fall in the same second."""

import datetime
import time


def build_invoice(lines):
    """Build an invoice; rendering the PDF (simulated by real I/O latency) takes ~0.3 s."""
    created_at = datetime.datetime.now().replace(microsecond=0)
    total = sum(qty * price for qty, price in lines)
    time.sleep(0.3)  # rendering + upload latency
    updated_at = datetime.datetime.now().replace(microsecond=0)
    return {"total": total, "created_at": created_at, "updated_at": updated_at}


def test_invoice_timestamps_same_second():
    """Flaky: asserts created_at == updated_at (second precision) around 0.3 s of work."""
    invoice = build_invoice([(2, 10), (1, 5)])
    assert invoice["total"] == 25
    assert invoice["created_at"] == invoice["updated_at"], (
        f"invoice crossed a second boundary: created {invoice['created_at']:%H:%M:%S}, "
        f"updated {invoice['updated_at']:%H:%M:%S}"
    )
