"""Shared fixtures: the vectors of tests/vectors/, read from the repository,
and a real redis-server for the Redis nonce store's tests."""

import json
import os
import pathlib
import shutil
import socket
import subprocess
import time

import pytest
import userhash

VECTORS = pathlib.Path(os.environ.get("USERHASH_VECTORS", pathlib.Path(__file__).parents[3] / "tests" / "vectors"))


def load(name):
    with open(VECTORS / name, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="session")
def vectors():
    return load


def plain(value):
    """A value of an error or a cause as the vectors spell it: a generated
    enum (`Field`, `Limit`, `SecretEdit`, `Algorithm`, `Profile`) by its
    `as_str()`, anything else as it is."""
    if isinstance(value, (userhash.Field, userhash.Limit, userhash.SecretEdit, userhash.Algorithm, userhash.Profile)):
        return value.as_str()
    return value


def field_name(err):
    """The field an error is about, as the vectors name it: the generated
    `input_field()` (`secret` for a `WeakSecret`, `kid` for an `UnknownKey`,
    ...), None where there is none. Where the variant has a `field`
    attribute, they agree."""
    field = err.input_field()
    if hasattr(err, "field"):
        assert err.field is field, repr(err)
    return None if field is None else field.as_str()


def pytest_terminal_summary(terminalreporter):
    # One plain closing line that `cargo xtask test` adds up (skips count as
    # neither: the suite has none, and a skip is never a pass).
    stats = terminalreporter.stats
    passed = len(stats.get("passed", []))
    failed = len(stats.get("failed", [])) + len(stats.get("error", []))
    terminalreporter.write_line(f"userhash-python: {passed} passed, {failed} failed")


class RedisServer:
    """A real redis-server on a free loopback port, persistence off, in a
    directory of its own; `stop` and `start` again on the same port. Never
    mocked: the point is what a real Redis does."""

    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def start(self, *extra):
        if shutil.which("redis-server") is None:
            pytest.fail(
                "redis-server is not installed; run `cargo xtask test`, which installs Debian's redis-server "
                "package (or `apt-get install redis-server`). Redis tests never skip."
            )
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--loglevel", "warning", "--logfile", "", "--dir", str(self.directory), *extra],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.pings():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def pings(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(64).startswith((b"+PONG", b"-NOAUTH"))
        except OSError:
            return False

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
