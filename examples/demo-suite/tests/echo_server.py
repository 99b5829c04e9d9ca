"""Tiny TCP echo peer used by test_network.py: ``python echo_server.py PORT``.

Binds and listens on 127.0.0.1:PORT, prints ``ready <time.monotonic()>`` on stdout,
answers one connection (or gives up after 2 s) and exits.
"""

import socket
import sys
import time


def main():
    port = int(sys.argv[1])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as srv:
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", port))
        srv.listen()
        print(f"ready {time.monotonic()}", flush=True)
        srv.settimeout(2.0)
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            return
        with conn:
            conn.sendall(b"echo:" + conn.recv(1024))


if __name__ == "__main__":
    main()
