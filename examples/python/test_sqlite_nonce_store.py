"""The SQLite nonce store: used by the verifier, expiry, fail closed, and
exactly once across two processes that share one database file."""

import os
import pathlib
import subprocess
import sys
import threading
import time
import typing

import pytest
import userhash
from sqlite_nonce_store import SqliteNonceStore, now_ms

SECRET = "example-test-secret-0123456789abcdef"
ORG = "org_123"
HERE = pathlib.Path(__file__).parent


def signed_url(nonce: str, timestamp_ms: typing.Optional[int] = None) -> str:
    signer = userhash.IdentitySigner(SECRET, ORG)
    identity = signer.sign_at("jane@example.com", now_ms() if timestamp_ms is None else timestamp_ms, nonce)
    return userhash.widget_url("https://widget.example.com/", identity)


def test_the_verifier_uses_it_once_per_nonce(tmp_path: pathlib.Path) -> None:
    store = SqliteNonceStore(str(tmp_path / "nonces.db"))
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=store)
    url = signed_url("sqlite-nonce-0001")
    assert verifier.verify_url(url).email == "jane@example.com"
    with pytest.raises(userhash.UserHashError.Replayed):
        verifier.verify_url(url)
    # Another verifier (another process's) on the same file refuses it too.
    other = userhash.Verifier([SECRET], ORG, nonce_store=SqliteNonceStore(str(tmp_path / "nonces.db")))
    with pytest.raises(userhash.UserHashError.Replayed):
        other.verify_url(url)
    assert len(store) == 1


def test_expired_rows_are_deleted(tmp_path: pathlib.Path) -> None:
    store = SqliteNonceStore(str(tmp_path / "nonces.db"))
    assert store.check_and_insert(ORG, "short-lived-1", now_ms() + 50) is True
    assert store.check_and_insert(ORG, "short-lived-1", now_ms() + 50) is False
    time.sleep(0.1)
    assert store.check_and_insert(ORG, "long-lived-01", now_ms() + 60_000) is True
    assert len(store) == 1, "the expired row went with the next check"
    assert store.check_and_insert(ORG, "short-lived-1", now_ms() + 50) is True, "its window passed: new again"


def test_threads_racing_one_nonce_exactly_one_wins(tmp_path: pathlib.Path) -> None:
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=SqliteNonceStore(str(tmp_path / "nonces.db")))
    url = signed_url("sqlite-race-0001")
    barrier = threading.Barrier(8)
    results: typing.List[str] = []

    def verify() -> None:
        barrier.wait()
        try:
            verifier.verify_url(url)
            results.append("accepted")
        except userhash.UserHashError as e:
            results.append(type(e).__name__)

    threads = [threading.Thread(target=verify) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["Replayed"] * 7 + ["accepted"]


def test_a_database_error_fails_closed(tmp_path: pathlib.Path) -> None:
    store = SqliteNonceStore(str(tmp_path / "nonces.db"), timeout=0.05)
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=store)
    # Another process holds the write lock past the store's timeout.
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(tmp_path / "nonces.db")], stdout=subprocess.PIPE, stdin=subprocess.PIPE
    )
    try:
        assert locker.stdout is not None  # stdout=PIPE
        assert locker.stdout.readline() == b"locked\n"
        with pytest.raises(userhash.UserHashError.StoreUnavailable) as info:
            verifier.verify_url(signed_url("sqlite-locked-01"))
        assert "locked" in info.value.reason
    finally:
        locker.communicate(b"done\n", timeout=10)
    assert verifier.verify_url(signed_url("sqlite-locked-01")).nonce == "sqlite-locked-01", "refused, not recorded"


LOCKER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
"""


def test_two_processes_accept_each_url_exactly_once(tmp_path: pathlib.Path) -> None:
    db = tmp_path / "shared.db"
    SqliteNonceStore(str(db))  # the schema, before the race
    urls = [signed_url(f"sqlite-cross-{i:04}") for i in range(200)]
    urls_file = tmp_path / "urls.txt"
    urls_file.write_text("\n".join(urls))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    workers = [
        subprocess.Popen(
            [sys.executable, __file__, str(db), str(urls_file), str(worker)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for worker in range(2)
    ]
    # Both start together once each has imported and opened the database, and
    # go on together once each is halfway: however a busy machine schedules
    # them, each has verified half its URLs before either verifies the rest,
    # so neither can do all the work alone. Within each half they race.
    for step in ("ready", "half"):
        for process in workers:
            assert process.stdout is not None and process.stderr is not None  # PIPE
            assert process.stdout.readline() == f"{step}\n", process.stderr.read()
        for process in workers:
            assert process.stdin is not None  # PIPE
            process.stdin.write("go\n")
            process.stdin.flush()
    accepted: typing.Dict[int, typing.List[int]] = {}
    for worker, process in enumerate(workers):
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        lines = [line.split() for line in out.splitlines()]
        assert len(lines) == len(urls), out
        for index, result in lines:
            assert result in ("accepted", "Replayed"), (worker, index, result)
            if result == "accepted":
                accepted.setdefault(int(index), []).append(worker)
    assert sorted(accepted) == list(range(len(urls))), "every URL accepted"
    assert all(len(w) == 1 for w in accepted.values()), "and only once"
    assert {w[0] for w in accepted.values()} == {0, 1}, "both processes won some"


def verify_all(db: str, urls_file: str, worker: int) -> None:
    """One process of the test above: its own verifier on the shared file,
    four threads, each URL in an order of its own."""
    urls = pathlib.Path(urls_file).read_text().splitlines()
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=SqliteNonceStore(db))
    results: typing.Dict[int, str] = {}

    def halfway() -> None:
        # Once all four threads are halfway (run by one of them).
        print("half", flush=True)
        assert sys.stdin.readline() == "go\n"

    barrier = threading.Barrier(4, action=halfway)

    def run(thread: int) -> None:
        order = [(k * 7 + worker * 53 + thread * 11) % len(urls) for k in range(len(urls))]
        mine = [i for i in order if i % 4 == thread]
        for step, i in enumerate(mine):
            if step == len(mine) // 2:
                barrier.wait()
            try:
                verifier.verify_url(urls[i])
                results[i] = "accepted"
            except userhash.UserHashError as e:
                results[i] = type(e).__name__

    print("ready", flush=True)
    assert sys.stdin.readline() == "go\n"
    threads = [threading.Thread(target=run, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in sorted(results):
        print(i, results[i])


if __name__ == "__main__":
    verify_all(sys.argv[1], sys.argv[2], int(sys.argv[3]))
