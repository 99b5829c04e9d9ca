"""Thread race: unsynchronised read-modify-write of a shared counter."""

import threading
import time


def _weight_for(path):
    return 2 if path == "/checkout" else 1


class HitCounter:
    """Counts requests. No lock: ``record`` is a read-modify-write that is not atomic."""

    def __init__(self):
        self.hits = 0

    def record(self, path):
        current = self.hits
        # the interpreter may switch threads here (at the calls below), and another
        # thread's update made in between is then overwritten by the write
        route = path.rstrip("/") or "/"
        weight = _weight_for(route)
        self.hits = current + weight


def test_counter_threads_race():
    """Flaky: a heartbeat thread's hit is lost when the GIL switches inside record()."""
    counter = HitCounter()
    paths = ["/", "/search", "/item"]
    served = []

    def request_worker():
        deadline = time.perf_counter() + 0.030
        n = 0
        while True:
            for path in paths:
                counter.record(path)
            n += len(paths)
            if n % 300 == 0 and time.perf_counter() > deadline:
                break
        served.append(n)

    def heartbeat():
        time.sleep(0.010)
        counter.record("/health")

    threads = [threading.Thread(target=heartbeat), threading.Thread(target=request_worker)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    expected = served[0] + 1
    assert counter.hits == expected, f"lost {expected - counter.hits} update(s): {counter.hits} != {expected}"
