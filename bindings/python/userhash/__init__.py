"""Sign and verify who an embedded chat or support widget's user is.

A customer's backend signs its logged-in user; the widget's server verifies
the signature before it opens that user's conversation history. Two schemes,
both HMAC-SHA256 as 64 lowercase hex characters:

- the identifier hash: ``sign_identifier`` / ``verify_identifier``;
- the signed identity: ``IdentitySigner``, ``widget_url``, ``Verifier`` (with
  freshness, replay protection and key rotation).

Every function is the Rust core's, through uniffi. This module is a thin
facade over the generated ``userhash._native.userhash_ffi``: it accepts ``str`` (or
``bytes``) where the generated layer takes ``bytes``, which uniffi passes to
Rust without copying; a ``str`` argument would cost two more calls into Rust.
It holds no logic of its own.

Errors are ``UserHashError`` subclasses, one per rejection
(``UserHashError.Expired``, ``UserHashError.Replayed``, ...), each with its
fields and a ``message`` that says what to fix. No object, error or message
ever shows a secret.
"""

from __future__ import annotations

import collections.abc
import functools
import typing

from ._native import userhash_ffi as _ffi
from ._native.userhash_ffi import (
    DiagnosedCause,
    Diagnosis,
    InternalError,
    NonceStore,
    SignedIdentity,
    SignedInput,
    UserHashError,
    VerifiedIdentity,
    hmac_sha256,
    verify_hmac_sha256,
)

__all__ = [
    "DiagnosedCause",
    "Diagnosis",
    "IdentitySigner",
    "InternalError",
    "MemoryNonceStore",
    "NonceStore",
    "RedisNonceStore",
    "SignedIdentity",
    "SignedInput",
    "UserHashError",
    "VerifiedIdentity",
    "Verifier",
    "__version__",
    "diagnose",
    "diagnose_url",
    "hmac_sha256",
    "org_id_of",
    "sign_identifier",
    "sign_identifiers",
    "verify_hmac_sha256",
    "verify_identifier",
    "verify_identifiers",
    "widget_url",
]

__version__: str = _ffi.version()

Text = typing.Union[str, bytes]
"""Text arguments: a ``str`` is encoded as UTF-8; ``bytes`` are passed as they are."""

# The exception's text is the core's message (what went wrong and what to do),
# not uniffi's default field dump; the fields stay attributes.
def _message(self: BaseException) -> str:
    return str(getattr(self, "message"))


setattr(UserHashError, "__str__", _message)


def _strict_bool(method: typing.Callable[..., object]) -> typing.Callable[..., bool]:
    @functools.wraps(method)
    def check_and_insert(self: NonceStore, org_id: str, nonce: str, expires_at_ms: int) -> bool:
        result = method(self, org_id, nonce, expires_at_ms)
        if type(result) is not bool:
            raise TypeError(f"{type(self).__name__}.check_and_insert must return True or False, not {type(result).__name__}")
        return result

    return check_and_insert


def _nonce_store_subclass(cls: typing.Type[NonceStore], /, **kwargs: object) -> None:
    # uniffi hands Rust the truth value of whatever a store returns, so a store
    # returning a row or a string would accept every URL. Each subclass's
    # check_and_insert is wrapped to return a real bool or raise, and a raise
    # refuses the request (StoreUnavailable): stores fail closed.
    super(NonceStore, cls).__init_subclass__(**kwargs)
    method = cls.__dict__.get("check_and_insert")
    if callable(method):
        setattr(cls, "check_and_insert", _strict_bool(method))


setattr(NonceStore, "__init_subclass__", classmethod(_nonce_store_subclass))


def _bytes(value: object, name: str) -> bytes:
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")


def _secrets(secrets: object) -> typing.List[bytes]:
    if isinstance(secrets, (str, bytes)):
        raise TypeError("secrets must be a list of secrets, current first: write [secret], not secret")
    if not isinstance(secrets, collections.abc.Iterable):
        raise TypeError(f"secrets must be a list of str or bytes, not {type(secrets).__name__}")
    return [_bytes(s, f"secrets[{i}]") for i, s in enumerate(secrets)]


def _optional_str(value: object, name: str) -> typing.Optional[str]:
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"{name} must be str or None, not {type(value).__name__}")


def sign_identifier(secret: Text, identifier: Text) -> str:
    """``hex(HMAC-SHA256(secret, identifier))``: the identifier hash (SPEC §1.1).

    Raises ``UserHashError.WeakSecret`` for a secret under 16 bytes and
    ``UserHashError.Malformed`` for an identifier outside 1..=4096 bytes.
    """
    return _ffi.sign_identifier(_bytes(secret, "secret"), _bytes(identifier, "identifier"))


def verify_identifier(secret: Text, identifier: Text, hash: Text) -> bool:
    """Whether ``hash`` is the identifier's hash, compared in constant time.

    False for any mismatch or malformed hash; raises only for a weak secret
    (a configuration mistake, not a request's).
    """
    return _ffi.verify_identifier(_bytes(secret, "secret"), _bytes(identifier, "identifier"), _bytes(hash, "hash"))


def sign_identifiers(secret: Text, identifiers: typing.Sequence[str]) -> typing.List[str]:
    """``sign_identifier`` for many identifiers under one secret, in one call
    into Rust; the hashes come back in order. The first identifier outside
    1..=4096 bytes fails the whole batch (``UserHashError.Malformed``)."""
    if isinstance(identifiers, (str, bytes)):
        raise TypeError("identifiers must be a list of str, not a single one")
    return _ffi.sign_identifiers(_bytes(secret, "secret"), list(identifiers))


def verify_identifiers(secret: Text, pairs: typing.Iterable[typing.Tuple[str, str]]) -> typing.List[bool]:
    """``verify_identifier`` for many ``(identifier, hash)`` pairs under one
    secret, in one call into Rust; one bool per pair, in order. Raises only
    for a weak secret."""
    return _ffi.verify_identifiers(_bytes(secret, "secret"), [_ffi.IdentifierHash(identifier=i, hash=h) for i, h in pairs])


def org_id_of(url: Text) -> str:
    """The ``orgId`` a widget URL claims, unverified: to route the request to
    that organization's ``Verifier`` before verifying it."""
    return _ffi.org_id_of(_bytes(url, "url"))


def widget_url(
    base_url: str,
    identity: SignedIdentity,
    name: typing.Optional[str] = None,
    params: typing.Optional[typing.Mapping[str, str]] = None,
) -> str:
    """The hosted widget's URL for a signed identity (SPEC §2): ``base_url``
    with ``orgId``, ``email``, ``name``, the extra ``params`` sorted by key,
    ``timestamp``, ``nonce`` and ``user_hash``, form-encoded as a browser's
    ``URLSearchParams`` does. ``name`` and ``params`` are not signed."""
    if not isinstance(identity, SignedIdentity):
        raise TypeError(f"identity must be a SignedIdentity (from IdentitySigner.sign), not {type(identity).__name__}")
    if params is not None:
        if not isinstance(params, collections.abc.Mapping):
            raise TypeError(f"params must be a mapping of str to str, not {type(params).__name__}")
        params = dict(params)
    return _ffi.widget_url(base_url, identity, name, params)


def diagnose(
    secrets: typing.Sequence[Text],
    hash: str,
    *,
    identifier: typing.Optional[str] = None,
    email: typing.Optional[str] = None,
    timestamp: typing.Union[str, int, None] = None,
    org_id: typing.Optional[str] = None,
    nonce: typing.Optional[str] = None,
) -> Diagnosis:
    """Why ``hash`` is not the hash of what was signed (SPEC §6): tries the
    usual mistakes (whitespace, email case, ``+`` read as a space, seconds for
    milliseconds, hex case, base64, the other scheme, another configured
    secret) and names the one that reproduces it, with how to fix it.

    ``secrets``: the one the signer should use first, then any others you
    have. Give ``identifier`` (scheme 1) or ``email``, ``timestamp``,
    ``org_id`` and ``nonce`` (the signed identity), exactly as received.
    The result's ``result`` is ``Matches``, ``Explained`` (see ``causes``) or
    ``Unexplained`` (the secret itself is the likely cause). Never shows a secret.
    """
    if type(timestamp) is int:
        timestamp = str(timestamp)
    signed = SignedInput(
        identifier=_optional_str(identifier, "identifier"),
        email=_optional_str(email, "email"),
        timestamp=_optional_str(timestamp, "timestamp"),
        org_id=_optional_str(org_id, "org_id"),
        nonce=_optional_str(nonce, "nonce"),
    )
    if type(hash) is not str:
        raise TypeError(f"hash must be str, not {type(hash).__name__}")
    return _ffi.diagnose(_secrets(secrets), signed, hash)


def diagnose_url(secrets: typing.Sequence[Text], url: str, hash: typing.Optional[str] = None) -> Diagnosis:
    """``diagnose`` for a widget URL that was rejected with ``Mismatch``: its
    signed fields, and its own ``user_hash`` unless ``hash`` is given."""
    return _ffi.diagnose_url(_secrets(secrets), url, _optional_str(hash, "hash"))


class IdentitySigner:
    """Signs identities for one organization (SPEC §1.2); the key state is
    computed once. Safe to share between threads."""

    __slots__ = ("_inner",)

    def __init__(self, secret: Text, org_id: Text) -> None:
        self._inner = _ffi.IdentitySigner(_bytes(secret, "secret"), _bytes(org_id, "org_id"))

    @property
    def org_id(self) -> str:
        return self._inner.org_id()

    def sign(self, email: Text) -> SignedIdentity:
        """Signs ``email`` now, with a fresh random nonce (UUID v4)."""
        return self._inner.sign(_bytes(email, "email"))

    def sign_at(self, email: Text, timestamp_ms: int, nonce: Text) -> SignedIdentity:
        """Signs ``email`` at ``timestamp_ms`` (Unix milliseconds) with ``nonce``."""
        return self._inner.sign_at(_bytes(email, "email"), timestamp_ms, _bytes(nonce, "nonce"))

    def __repr__(self) -> str:
        return repr(self._inner)


class _RustNonceStore(NonceStore):
    """A store written in Rust. A ``Verifier`` given one unwraps it and calls
    it in Rust directly, never through Python, unless a subclass overrides
    ``check_and_insert``: then that method runs."""

    __slots__ = ("_inner",)

    _inner: NonceStore

    def check_and_insert(self, org_id: str, nonce: str, expires_at_ms: int) -> bool:
        return self._inner.check_and_insert(org_id, nonce, expires_at_ms)


def _calls_rust_only(store: _RustNonceStore) -> bool:
    """Whether the verifier may call the Rust store directly: not when a
    subclass overrides ``check_and_insert`` (to log, or to refuse more), which
    must then run."""
    return type(store).check_and_insert is _RustNonceStore.check_and_insert


class MemoryNonceStore(_RustNonceStore):
    """The embedded nonce store (SPEC §3.1): at most ``capacity`` live nonces
    (default 100 000); when full of live ones it refuses the request
    (``UserHashError.StoreFull``) rather than forget one. One process only:
    share a ``RedisNonceStore`` between several.

    A ``Verifier`` given this store calls it in Rust directly, never through
    Python (unless a subclass overrides ``check_and_insert``).
    """

    __slots__ = ()

    def __init__(self, capacity: typing.Optional[int] = None) -> None:
        self._inner = _ffi.memory_nonce_store(capacity)

    def __repr__(self) -> str:
        return "MemoryNonceStore()"


class RedisNonceStore(_RustNonceStore):
    """Nonces in Redis (SPEC §3.1), shared by every verifier process on the
    same server: a nonce accepted by one is refused by all, so a captured URL
    cannot be replayed once per process behind a load balancer.

    ``url``: ``redis://[[user]:password@]host[:port][/db]``. Each check is one
    atomic ``SET <prefix>:<org_id>:<nonce> 1 NX PX <ttl>``, the key living
    until the timestamp leaves the window. ``prefix`` defaults to
    ``userhash:nonce``; ``connect_timeout_ms`` to 1000 and
    ``command_timeout_ms`` to 500.

    Nothing connects here, so a verifier starts while Redis is down. While
    Redis cannot answer, every verification is refused with
    ``UserHashError.StoreUnavailable`` naming the cause (it fails closed,
    never open), and it reconnects by itself. A malformed URL, an empty prefix
    or a zero timeout raise ``UserHashError.Malformed`` (field
    ``nonce_store``). No message or ``repr`` shows the URL's password.
    """

    __slots__ = ("_prefix",)

    def __init__(
        self,
        url: str,
        *,
        prefix: typing.Optional[str] = None,
        connect_timeout_ms: typing.Optional[int] = None,
        command_timeout_ms: typing.Optional[int] = None,
    ) -> None:
        if type(url) is not str:
            raise TypeError(f"url must be str, not {type(url).__name__}")
        self._inner = _ffi.redis_nonce_store(url, _optional_str(prefix, "prefix"), connect_timeout_ms, command_timeout_ms)
        self._prefix = "userhash:nonce" if prefix is None else prefix

    def __repr__(self) -> str:
        return f"RedisNonceStore(prefix={self._prefix!r})"


class Verifier:
    """Verifies signed widget URLs for one organization (SPEC §3): parse,
    org, signature under each configured secret, freshness, replay.

    ``secrets``: the current secret first, then previous ones still accepted
    during a rotation. ``tolerance_ms``: how far a timestamp may be from now
    (default 300 000). ``nonce_store``: a ``MemoryNonceStore``, a
    ``RedisNonceStore`` (several processes), or your own ``NonceStore``
    subclass (default: a memory store of its own). ``max_url_len`` and
    ``max_params``: the most a URL may have before it is refused unread with
    ``UserHashError.TooLarge`` (defaults 65 536 bytes and 1000 parameters,
    far above any real widget URL). Share one verifier between threads.
    """

    __slots__ = ("_inner",)

    def __init__(
        self,
        secrets: typing.Sequence[Text],
        org_id: Text,
        tolerance_ms: typing.Optional[int] = None,
        nonce_store: typing.Optional[NonceStore] = None,
        *,
        max_url_len: typing.Optional[int] = None,
        max_params: typing.Optional[int] = None,
    ) -> None:
        encoded = _secrets(secrets)
        if isinstance(nonce_store, _RustNonceStore) and _calls_rust_only(nonce_store):
            nonce_store = nonce_store._inner
        self._inner = _ffi.Verifier(
            encoded, _bytes(org_id, "org_id"), tolerance_ms, nonce_store, max_url_len, max_params
        )


    @property
    def org_id(self) -> str:
        return self._inner.org_id()

    @property
    def tolerance_ms(self) -> int:
        return self._inner.tolerance_ms()

    @property
    def max_url_len(self) -> int:
        return self._inner.max_url_len()

    @property
    def max_params(self) -> int:
        return self._inner.max_params()

    def verify_url(self, url: Text) -> VerifiedIdentity:
        """Verifies a widget URL (or its query string) now. Raises a
        ``UserHashError`` subclass naming the first check that failed."""
        return self._inner.verify_url(_bytes(url, "url"))

    def verify_url_at(self, url: Text, now_ms: int) -> VerifiedIdentity:
        """Verifies a widget URL as if the time were ``now_ms`` (Unix ms)."""
        return self._inner.verify_url_at(_bytes(url, "url"), now_ms)

    def __repr__(self) -> str:
        return repr(self._inner)
