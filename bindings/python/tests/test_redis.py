"""redis_nonce_store against a real redis-server (the `redis_server` fixture of
conftest.py starts one per test and stops it): replay across verifiers and
processes, fail closed while Redis is down and recovery, configuration
errors, no password in any message, an ACL user, WAIT for replicas, TLS
with certificates made here by the openssl CLI, and single-use tokens.
Redis Cluster is covered by the Rust suite (core/tests/redis_managed.rs);
here only its factory's checks."""

import asyncio
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time

import pytest
import userhash
from conftest import RedisServer, free_port

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


def redis_cli(port, *args, user=None, password=None):
    auth = [] if user is None else ["--user", user, "--pass", password, "--no-auth-warning"]
    run = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", str(port), *auth, *args], capture_output=True, check=False, text=True, timeout=30
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def refusal(verifier, url):
    with pytest.raises(userhash.UserHashError.StoreUnavailable) as info:
        verifier.verify_url(url)
    return info.value


PASSWORD = "py-acl-pa55word-7c1e9a52"


def test_an_acl_user_with_the_right_password_is_accepted_and_the_wrong_one_refused(redis_server):
    for user, rules in (("verifier", ["+set", "+echo", "+wait"]), ("reader", ["+get"])):
        assert redis_cli(redis_server.port, "ACL", "SETUSER", user, "on", f">{PASSWORD}", "~userhash:nonce:*", *rules) == "OK"
    # Off for the default user: only the ACL users get in.
    assert redis_cli(redis_server.port, "ACL", "SETUSER", "default", "off") == "OK"
    url = redis_server.url
    good = userhash.redis_nonce_store(url, username="verifier", password=PASSWORD)
    signed = signed_url("py-acl-0001")
    assert userhash.Verifier([SECRET], ORG, nonce_store=good).verify_url(signed).nonce == "py-acl-0001"
    # The same user named in the URL, its password given apart.
    in_url = userhash.redis_nonce_store(f"redis://verifier@127.0.0.1:{redis_server.port}", password=PASSWORD)
    with pytest.raises(userhash.UserHashError.Replayed):
        userhash.Verifier([SECRET], ORG, nonce_store=in_url).verify_url(signed)

    fresh = signed_url("py-acl-0002")
    shown = [good, in_url]
    for store, says in (
        (userhash.redis_nonce_store(url, username="verifier", password="not-" + PASSWORD), "authentication"),
        (userhash.redis_nonce_store(url, password=PASSWORD), "authentication"),  # the default user, off
        (userhash.redis_nonce_store(url, username="reader", password=PASSWORD), "SET"),  # may not SET
    ):
        err = refusal(userhash.Verifier([SECRET], ORG, nonce_store=store), fresh)
        assert says in err.reason, err.reason
        shown += [store, err]
    # None of the refusals recorded it.
    assert userhash.Verifier([SECRET], ORG, nonce_store=good).verify_url(fresh).nonce == "py-acl-0002"
    for obj in shown:
        for text in (str(obj), repr(obj)):
            assert PASSWORD not in text and PASSWORD[4:] not in text, text


def test_wait_for_a_replica_accepts_once_it_has_the_nonce_and_refuses_without_one(redis_server, tmp_path):
    alone = userhash.redis_nonce_store(redis_server.url, wait_replicas=1, wait_timeout_ms=50)
    err = refusal(userhash.Verifier([SECRET], ORG, nonce_store=alone), signed_url("py-wait-alone-01"))
    assert "WAIT counted 0 of the 1 replicas" in err.reason, err.reason

    replica_dir = tmp_path / "replica"
    replica_dir.mkdir()
    replica = RedisServer(replica_dir)
    replica.start("--replicaof", "127.0.0.1", str(redis_server.port))
    try:
        deadline = time.monotonic() + 30
        while "master_link_status:up" not in redis_cli(replica.port, "INFO", "replication"):
            assert time.monotonic() < deadline, "the replica never linked"
            time.sleep(0.05)
        # WAIT returns as soon as the replica confirms; the timeout is generous.
        confirmed = userhash.redis_nonce_store(redis_server.url, wait_replicas=1, wait_timeout_ms=5000)
        verifier = userhash.Verifier([SECRET], ORG, nonce_store=confirmed)
        assert verifier.verify_url(signed_url("py-wait-one-0001")).nonce == "py-wait-one-0001"
        assert redis_cli(replica.port, "GET", f"userhash:nonce:{ORG}:py-wait-one-0001") == "1"
        # Two replicas asked for, one there: refused.
        two = userhash.redis_nonce_store(redis_server.url, wait_replicas=2, wait_timeout_ms=100)
        err = refusal(userhash.Verifier([SECRET], ORG, nonce_store=two), signed_url("py-wait-two-0001"))
        assert "WAIT counted 1 of the 2 replicas" in err.reason, err.reason
    finally:
        replica.stop()


@pytest.mark.parametrize(
    "settings,says",
    [
        ({"wait_replicas": -1}, "wait_replicas is -1; it must be 0 or more"),
        ({"wait_replicas": 1, "wait_timeout_ms": -5}, "wait_timeout_ms is -5; it must be 0 or more"),
        ({"wait_timeout_ms": 100}, "wait_timeout_ms is given without wait_replicas"),
        ({"username": "verifier"}, "`verifier` is given without a password"),
        ({"url": "redis://verifier@127.0.0.1:6379"}, "`verifier` is given without a password"),
        ({"ca_file": "/etc/hostname", "password": PASSWORD}, "not rediss://"),
        ({"url": "rediss://localhost:6380", "ca_file": "/nonexistent/ca.pem", "password": PASSWORD}, "cannot be read"),
        ({"url": "rediss://localhost:6380/#insecure", "password": PASSWORD}, "#insecure"),
        ({"connect_timeout_ms": 0, "password": PASSWORD}, "connect timeout is 0 ms"),
    ],
)
def test_settings_that_weaken_or_contradict_are_refused(settings, says):
    settings = dict(settings)
    url = settings.pop("url", "redis://127.0.0.1:6379")
    for factory in (lambda: userhash.redis_nonce_store(url, **settings),
                    lambda: userhash.redis_cluster_nonce_store([url], **settings)):
        with pytest.raises(userhash.UserHashError.Malformed) as info:
            factory()
        err = info.value
        assert err.field is userhash.Field.NONCE_STORE and err.input_field() is userhash.Field.NONCE_STORE
        assert says in str(err), str(err)
        assert PASSWORD not in f"{err} {err!r}"


def test_the_cluster_factory_checks_its_nodes():
    with pytest.raises(userhash.UserHashError.Malformed, match="no Redis Cluster node given"):
        userhash.redis_cluster_nonce_store([])
    for wrong in ("redis://127.0.0.1:7000", b"redis://127.0.0.1:7000", 7000, [b"redis://127.0.0.1:7000"]):
        with pytest.raises(TypeError):
            userhash.redis_cluster_nonce_store(wrong)
    # Nothing connects when it is made; the password is never shown.
    store = userhash.redis_cluster_nonce_store(
        ("redis://127.0.0.1:1", "redis://127.0.0.1:2"), prefix="app:nonce", username="verifier", password=PASSWORD
    )
    assert type(store) is userhash.NonceStoreImpl and PASSWORD not in repr(store)


def test_a_single_use_token_is_accepted_once_across_verifiers_sharing_redis(redis_server):
    secret = "tok_py_redis_" + "5" * 32
    made = userhash.TokenSigner.hs256(secret, userhash.Profile.USERHASH, org=ORG)
    token = made.sign(userhash.TokenSubject(user_id="user-42"))
    verifiers = [
        userhash.TokenVerifier(
            [userhash.TokenKey.hs256(secret)], userhash.Profile.USERHASH, org=ORG, single_use=True,
            nonce_store=userhash.redis_nonce_store(redis_server.url),
        )
        for _ in range(2)
    ]
    jti = verifiers[0].verify(token).jti
    for verifier in verifiers:
        with pytest.raises(userhash.UserHashError.Replayed):
            verifier.verify(token)
    # Apart from the signed identity's nonces: under `jwt:` and the org.
    assert f"userhash:nonce:jwt:{ORG}:{jti}".encode() in redis_keys(redis_server)


# --- TLS, with certificates the openssl CLI makes here ---------------------------------------------


def openssl(*args, cwd):
    if shutil.which("openssl") is None:
        pytest.fail("openssl is not installed; run `cargo xtask test`, which installs it (apt-get install openssl)")
    run = subprocess.run(["openssl", *args], capture_output=True, check=False, text=True, cwd=cwd, timeout=60)
    assert run.returncode == 0, run.stderr


def make_ca(directory, label):
    directory.mkdir()
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
            "-subj", f"/CN=userhash test CA {label}", "-keyout", "ca.key", "-out", "ca.pem", cwd=directory)
    return directory


def server_cert(ca, names):
    (ca / "server.ext").write_text(
        f"subjectAltName={','.join(names)}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
    )
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=userhash test server",
            "-keyout", "server.key", "-out", "server.csr", cwd=ca)
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
            "-extfile", "server.ext", "-out", "server.pem", cwd=ca)
    return ca / "server.pem", ca / "server.key"


@pytest.fixture()
def tls_server(tmp_path):
    ca = make_ca(tmp_path / "ca", "good")
    cert, key = server_cert(ca, ["DNS:localhost"])
    server = RedisServer(tmp_path)
    server.tls_port = free_port()
    server.start("--tls-port", str(server.tls_port), "--tls-cert-file", str(cert), "--tls-key-file", str(key),
                 "--tls-ca-cert-file", str(ca / "ca.pem"), "--tls-auth-clients", "no")
    try:
        yield server, ca / "ca.pem"
    finally:
        server.stop()


def test_tls_with_the_users_ca_accepts_once_then_replayed(tls_server):
    server, ca_file = tls_server
    store = userhash.redis_nonce_store(f"rediss://localhost:{server.tls_port}", ca_file=str(ca_file))
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=store)
    url = signed_url("py-tls-0001")
    assert verifier.verify_url(url).nonce == "py-tls-0001"
    with pytest.raises(userhash.UserHashError.Replayed):
        verifier.verify_url(url)
    # Awaited, over the same TLS store.
    awaited = signed_url("py-tls-0002")
    assert asyncio.run(verifier.verify_url_async(awaited)).nonce == "py-tls-0002"
    with pytest.raises(userhash.UserHashError.Replayed):
        asyncio.run(verifier.verify_url_async(awaited))
    # TLS reached the real server: the keys are in it (seen on its plain port).
    assert redis_keys(server) == sorted(f"userhash:nonce:{ORG}:py-tls-000{i}".encode() for i in (1, 2))


def test_tls_refuses_another_ca_or_another_name_and_records_nothing(tls_server, tmp_path):
    server, ca_file = tls_server
    other_ca = make_ca(tmp_path / "other", "other") / "ca.pem"
    plain = userhash.Verifier([SECRET], ORG, nonce_store=userhash.redis_nonce_store(server.url))
    for i, (url, ca, says) in enumerate([
        (f"rediss://localhost:{server.tls_port}", other_ca, "unknown CA"),
        (f"rediss://localhost:{server.tls_port}", None, "unknown CA"),  # the system's roots
        (f"rediss://127.0.0.1:{server.tls_port}", ca_file, "name mismatch"),  # the certificate names localhost
    ]):
        store = userhash.redis_nonce_store(url, ca_file=None if ca is None else str(ca), connect_timeout_ms=3000)
        signed = signed_url(f"py-tls-refused-{i}")
        err = refusal(userhash.Verifier([SECRET], ORG, nonce_store=store), signed)
        assert "TLS" in err.reason and says in err.reason, err.reason
        assert plain.verify_url(signed).nonce == f"py-tls-refused-{i}", "never recorded"


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
