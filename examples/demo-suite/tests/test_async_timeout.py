"""Async wait with a timeout tighter than the worst-case latency of the awaited work."""

import asyncio
import json
import time

FLUSH_INTERVAL = 0.100  # the batcher flushes on every 100 ms boundary of the wall clock
ACK_TIMEOUT = 0.070  # ...but the caller only waits 70 ms for its acknowledgement


class Batcher:
    """Collects events and flushes them in batches aligned to the wall clock (like a metrics agent)."""

    def __init__(self):
        self.pending = []
        self.flushed = []

    def submit(self, event):
        fut = asyncio.get_running_loop().create_future()
        self.pending.append((event, fut))
        return fut

    async def run(self):
        while True:
            # sleep until the next multiple of FLUSH_INTERVAL on the wall clock
            await asyncio.sleep(FLUSH_INTERVAL - (time.time() % FLUSH_INTERVAL))
            batch, self.pending = self.pending, []
            payload = json.dumps([event for event, _ in batch])
            self.flushed.append(payload)
            for _, fut in batch:
                if not fut.done():
                    fut.set_result(len(payload))


async def _submit_and_wait():
    batcher = Batcher()
    flusher = asyncio.create_task(batcher.run())
    try:
        ack = batcher.submit({"event": "signup", "user": 42})
        return await asyncio.wait_for(ack, timeout=ACK_TIMEOUT)
    finally:
        flusher.cancel()


def test_event_ack_within_timeout():
    """Flaky: waits 70 ms for an ack that arrives at the next 100 ms flush, i.e. after 0-100 ms."""
    written = asyncio.run(_submit_and_wait())
    assert written > 0
