import socket


def dead_port() -> int:
    """A port of 127.0.0.1 on which nothing listens (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
