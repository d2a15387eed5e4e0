"""redis_nonce_store against a real redis-server (the `redis_server` fixture of
conftest.py starts one per test and stops it): replay across verifiers and
processes, fail closed while Redis is down and recovery, configuration
errors, and no password in any message."""

import os
import pathlib
import socket
import subprocess
import sys
import time

import pytest

import userhash

SECRET = "whsec_redis_test_0123456789abcdef"
ORG = "org_123"


def now_ms():
    return time.time_ns() // 1_000_000


def signed_url(nonce):
    identity = userhash.IdentitySigner(SECRET, ORG).sign_at("jane@example.com", now_ms(), nonce)
    return userhash.widget_url("https://widget.example.com/", identity)


def redis_keys(server):
    """Every key in the server, sorted (a plain RESP `KEYS *` on a socket)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"KEYS *\r\n")
        data = b""
        while not data.endswith(b"\r\n") or data.count(b"\r\n") < 1 + 2 * int(data[1 : data.index(b"\r\n")]):
            data += s.recv(65536)
    lines = data.split(b"\r\n")
    return sorted(lines[2:-1:2])


def test_a_nonce_is_accepted_once_across_verifiers(redis_server):
    first = userhash.Verifier([SECRET], ORG, nonce_store=userhash.redis_nonce_store(redis_server.url))
    second = userhash.Verifier([SECRET], ORG, nonce_store=userhash.redis_nonce_store(redis_server.url))
    url = signed_url("py-redis-0001")
    assert first.verify_url(url).nonce == "py-redis-0001"
    for verifier in (first, second):
        with pytest.raises(userhash.UserHashError.Replayed):
            verifier.verify_url(url)


def test_the_store_used_directly_and_its_prefix(redis_server):
    store = userhash.redis_nonce_store(redis_server.url, prefix="py:test", connect_timeout_ms=500, command_timeout_ms=500)
    assert store.check_and_insert(ORG, "py-direct-01", now_ms() + 10_000) is True
    assert store.check_and_insert(ORG, "py-direct-01", now_ms() + 10_000) is False
    other_prefix = userhash.redis_nonce_store(redis_server.url)
    assert other_prefix.check_and_insert(ORG, "py-direct-01", now_ms() + 10_000) is True
    # The keys are the core's: `<prefix>:<org_id>:<nonce>`, the default prefix `userhash:nonce`.
    assert redis_keys(redis_server) == sorted([b"py:test:org_123:py-direct-01", b"userhash:nonce:org_123:py-direct-01"])
    assert type(store) is userhash.NonceStoreImpl and isinstance(store, userhash.NonceStore)


def test_redis_down_refuses_every_verification_then_recovers(redis_server):
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=userhash.redis_nonce_store(redis_server.url))
    accepted = signed_url("py-redis-before")
    verifier.verify_url(accepted)
    redis_server.stop()
    for url in [accepted] + [signed_url(f"py-redis-down-{i:02}") for i in range(10)]:
        with pytest.raises(userhash.UserHashError.StoreUnavailable) as info:
            verifier.verify_url(url)
        assert f"127.0.0.1:{redis_server.port}" in info.value.reason
        assert "refused" in info.value.reason or "closed" in info.value.reason, info.value.reason
        assert "fail closed" in str(info.value)
    redis_server.start()
    url = signed_url("py-redis-after")
    assert verifier.verify_url(url).nonce == "py-redis-after", "the same verifier works again"
    with pytest.raises(userhash.UserHashError.Replayed):
        verifier.verify_url(url)


def test_a_malformed_configuration_is_malformed_nonce_store():
    for kwargs in ({"url": "not a url"}, {"url": "redis://127.0.0.1", "prefix": ""},
                   {"url": "redis://127.0.0.1", "command_timeout_ms": 0},
                   {"url": "redis://127.0.0.1", "connect_timeout_ms": -1},
                   {"url": "redis://127.0.0.1", "command_timeout_ms": -1}):
        with pytest.raises(userhash.UserHashError.Malformed) as info:
            userhash.redis_nonce_store(**kwargs)
        assert info.value.field is userhash.Field.NONCE_STORE
    with pytest.raises(TypeError):
        userhash.redis_nonce_store(b"redis://127.0.0.1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        userhash.redis_nonce_store("redis://127.0.0.1", "prefix", "100")  # type: ignore[arg-type]
    # Redis need not be up to make one; the prefix may be given by position.
    userhash.redis_nonce_store("redis://127.0.0.1:1")
    userhash.redis_nonce_store("redis://127.0.0.1:1", "app:nonce")


def test_no_message_or_repr_shows_the_password(redis_server):
    password = "py-s3cret-redis-pa55"
    redis_server.stop()
    redis_server.start("--requirepass", password)
    good = userhash.redis_nonce_store(f"redis://:{password}@127.0.0.1:{redis_server.port}")
    assert good.check_and_insert(ORG, "py-auth-0001", now_ms() + 10_000) is True
    wrong = userhash.redis_nonce_store(f"redis://:x{password}@127.0.0.1:{redis_server.port}")
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=wrong)
    with pytest.raises(userhash.UserHashError.StoreUnavailable) as info:
        verifier.verify_url(signed_url("py-auth-0002"))
    assert "authentication" in info.value.reason
    with pytest.raises(userhash.UserHashError.Malformed) as bad:
        userhash.redis_nonce_store(f"redis://:{password}@127.0.0.1:notaport")
    for shown in (str(info.value), repr(info.value), str(bad.value), repr(bad.value), repr(good), repr(wrong)):
        assert password not in shown, shown


def test_two_processes_accept_each_url_exactly_once(redis_server, tmp_path):
    urls = [signed_url(f"py-redis-cross-{i:04}") for i in range(500)]
    urls_file = tmp_path / "urls.txt"
    urls_file.write_text("\n".join(urls))
    workers = [
        subprocess.Popen(
            [sys.executable, __file__, redis_server.url, str(urls_file), str(worker)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for worker in range(2)
    ]
    accepted = {}
    try:
        start_together(workers)
        for worker, process in enumerate(workers):
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            lines = [line.split() for line in out.splitlines()]
            assert len(lines) == len(urls), out
            for index, result in lines:
                assert result in ("accepted", "Replayed"), (worker, index, result)
                if result == "accepted":
                    accepted.setdefault(int(index), []).append(worker)
    finally:
        for process in workers:  # none left running if a worker hangs or fails
            process.kill()
            process.wait()
    assert sorted(accepted) == list(range(len(urls)))
    assert all(len(w) == 1 for w in accepted.values()), "each URL accepted once in all"
    assert {w[0] for w in accepted.values()} == {0, 1}, "both processes won some"


def test_a_store_of_your_own_can_refuse_more_and_ask_redis(redis_server):
    """To add to the Redis store (refuse more, log), wrap it in a store of
    your own: the verifier asks yours, and yours asks Redis."""

    class NoBannedNonces(userhash.NonceStore):
        def __init__(self, url: str) -> None:
            self.redis = userhash.redis_nonce_store(url)

        def check_and_insert(self, org_id: str, nonce: str, expires_at_ms: int) -> bool:
            if nonce.startswith("banned-"):
                return False
            return self.redis.check_and_insert(org_id, nonce, expires_at_ms)

    verifier = userhash.Verifier([SECRET], ORG, nonce_store=NoBannedNonces(redis_server.url))
    with pytest.raises(userhash.UserHashError.Replayed):
        verifier.verify_url(signed_url("banned-py-0001"))
    url = signed_url("py-redis-subclass-0001")
    assert verifier.verify_url(url).nonce == "py-redis-subclass-0001"
    other = userhash.Verifier([SECRET], ORG, nonce_store=userhash.redis_nonce_store(redis_server.url))
    with pytest.raises(userhash.UserHashError.Replayed):
        other.verify_url(url)  # recorded in Redis by the wrapping store


def start_together(workers):
    """Lets the workers go together twice: once all are ready (imported, their
    verifier made), and again once all are halfway. So each process has
    verified half its URLs before either verifies the rest, and both accept
    some, however a busy machine schedules them: neither can do all the work
    alone. Within each half they race."""
    for step in ("ready", "half"):
        for process in workers:
            assert process.stdout.readline() == f"{step}\n", process.stderr.read()
        for process in workers:
            process.stdin.write("go\n")
            process.stdin.flush()


def verify_all(redis_url, urls_file, worker):
    """One process of the test above: its own verifier and store."""
    urls = pathlib.Path(urls_file).read_text().splitlines()
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=userhash.redis_nonce_store(redis_url))
    print("ready", flush=True)
    assert sys.stdin.readline() == "go\n"
    order = [(k * 7 + worker * 53) % len(urls) for k in range(len(urls))]
    results = {}
    for step, i in enumerate(order):
        if step == len(order) // 2:
            print("half", flush=True)
            assert sys.stdin.readline() == "go\n"
        try:
            verifier.verify_url(urls[i])
            results[i] = "accepted"
        except userhash.UserHashError as e:
            results[i] = type(e).__name__
    for i in sorted(results):
        print(i, results[i])


if __name__ == "__main__":
    verify_all(sys.argv[1], sys.argv[2], int(sys.argv[3]))
