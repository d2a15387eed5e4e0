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
It holds no logic of its own; what it adds is what generated code cannot
express: a ``str`` that UTF-8 cannot encode becomes a userhash error instead
of a ``UnicodeEncodeError`` that repeats it, and a nonce store written in
Python is checked where Rust calls it (a real ``bool``, interrupts kept).

Errors are ``UserHashError`` subclasses, one per rejection
(``UserHashError.Expired``, ``UserHashError.Replayed``, ...), each with its
fields and a ``message`` that says what to fix. No object, error or message
ever shows a secret.
"""

from __future__ import annotations

import collections.abc
import threading
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

# The variants the facade raises itself (mypy sees only the generated base class).
_Malformed: typing.Callable[..., UserHashError] = getattr(UserHashError, "Malformed")
_StoreUnavailable: typing.Type[UserHashError] = getattr(UserHashError, "StoreUnavailable")


def _bytes(value: object, name: str) -> bytes:
    """A text argument as the bytes Rust takes. A ``str`` that UTF-8 cannot
    encode raises ``Malformed`` naming the argument, never the
    ``UnicodeEncodeError`` whose ``repr`` repeats the whole string."""
    if isinstance(value, str):
        try:
            return value.encode()
        except UnicodeEncodeError as e:
            at = e.start
        # Raised here, after the except block, so the UnicodeEncodeError (which
        # holds the whole string) is not kept as this error's __context__.
        raise _not_utf8(name, name, at, _PASS_BYTES)
    return _other_bytes(value, name)


def _secret(value: object, name: str = "secret") -> bytes:
    """A secret as bytes: as ``_bytes``, but the error names neither the
    secret nor where in it the bad character is."""
    if isinstance(value, str):
        try:
            return value.encode()
        except UnicodeEncodeError:
            pass
        raise _not_utf8("secret", name, None, _PASS_SECRET_BYTES)
    return _other_bytes(value, name)


def _request_bytes(value: object, name: str) -> bytes:
    """Request data (a URL, an identifier and hash to check) as bytes. A
    ``str`` that UTF-8 cannot encode becomes bytes that are not UTF-8 (each
    lone surrogate as its three-byte form), which the core refuses as it
    refuses any such bytes: ``Malformed`` from a verifier, ``False`` from
    ``verify_identifier``. Never an exception a request handler does not
    expect, and the same answer as Kotlin's."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return _other_bytes(value, name)


def _other_bytes(value: object, name: str) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")


def _text(value: object, name: str, field: typing.Optional[str] = None) -> str:
    """A ``str`` argument of the generated layer (which encodes it itself),
    checked to have a UTF-8 form first. ``field``: the ``Malformed`` field
    when it is not ``name``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str, not {type(value).__name__}")
    at = _lone_surrogate_at(value)
    if at is None:
        return value
    raise _not_utf8(field or name, name, at, _FIX_TEXT)


def _lone_surrogate_at(text: str) -> typing.Optional[int]:
    """Where UTF-8 cannot encode ``text`` (a lone surrogate), or None."""
    if text.isascii():
        return None
    try:
        text.encode()
    except UnicodeEncodeError as e:
        return e.start
    return None


def _optional_str(value: object, name: str, field: typing.Optional[str] = None) -> typing.Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str or None, not {type(value).__name__}")
    return _text(value, name, field)


_PASS_BYTES = "pass it as bytes instead (from the environment: os.environb[b'NAME'])"
_PASS_SECRET_BYTES = "pass the secret as bytes instead: os.environb[b'USERHASH_SECRET'], or its file read in binary mode"
_FIX_TEXT = "this argument takes str only: fix the text where it was decoded (its bytes were not UTF-8)"


def _not_utf8(field: str, name: str, at: typing.Optional[int], fix: str) -> UserHashError:
    # The core's Malformed, made here because the value never reaches Rust. It
    # says where the character is (never for a secret), not what it is: the
    # code point of a surrogate that os.environ made is a byte of the value.
    subject = "it" if name == field else name
    where = "" if at is None else f" at index {at}"
    reason = (
        f"{subject} is a str with a lone surrogate{where}, which UTF-8 cannot encode (os.environ and os.fsdecode"
        f" make one of each byte that is not UTF-8); {fix}"
    )
    return _Malformed(field=field, reason=reason, message=f"{field} is malformed: {reason}")


def _secrets(secrets: object) -> typing.List[bytes]:
    if isinstance(secrets, (str, bytes)):
        raise TypeError("secrets must be a list of secrets, current first: write [secret], not secret")
    if not isinstance(secrets, collections.abc.Iterable):
        raise TypeError(f"secrets must be a list of str or bytes, not {type(secrets).__name__}")
    return [_secret(s, f"secrets[{i}]") for i, s in enumerate(secrets)]


def sign_identifier(secret: Text, identifier: Text) -> str:
    """``hex(HMAC-SHA256(secret, identifier))``: the identifier hash (SPEC §1.1).

    Raises ``UserHashError.WeakSecret`` for a secret under 16 bytes and
    ``UserHashError.Malformed`` for an identifier outside 1..=4096 bytes.
    """
    return _ffi.sign_identifier(_secret(secret), _bytes(identifier, "identifier"))


def verify_identifier(secret: Text, identifier: Text, hash: Text) -> bool:
    """Whether ``hash`` is the identifier's hash, compared in constant time.

    False for any mismatch or malformed hash or identifier; raises only for a
    weak or malformed secret (a configuration mistake, not a request's).
    """
    return _ffi.verify_identifier(
        _secret(secret), _request_bytes(identifier, "identifier"), _request_bytes(hash, "hash")
    )


def sign_identifiers(secret: Text, identifiers: typing.Sequence[str]) -> typing.List[str]:
    """``sign_identifier`` for many identifiers under one secret, in one call
    into Rust; the hashes come back in order. The first identifier outside
    1..=4096 bytes fails the whole batch (``UserHashError.Malformed``)."""
    if isinstance(identifiers, (str, bytes)):
        raise TypeError("identifiers must be a list of str, not a single one")
    key = _secret(secret)
    identifiers = list(identifiers)
    try:
        return _ffi.sign_identifiers(key, identifiers)
    except UnicodeEncodeError:
        pass
    # Only when the generated layer could not encode one (its error repeats
    # the whole identifier): say which, from outside the except block.
    for i, identifier in enumerate(identifiers):
        _text(identifier, f"identifiers[{i}]", "identifier")
    raise AssertionError("an identifier that UTF-8 cannot encode was not found again")


_NEVER_MATCHES = _ffi.IdentifierHash(identifier="", hash="")
"""A pair the core answers False for (an empty identifier is malformed)."""


def verify_identifiers(secret: Text, pairs: typing.Iterable[typing.Tuple[str, str]]) -> typing.List[bool]:
    """``verify_identifier`` for many ``(identifier, hash)`` pairs under one
    secret, in one call into Rust; one bool per pair, in order. Raises only
    for a weak or malformed secret."""
    key = _secret(secret)
    batch = [_ffi.IdentifierHash(identifier=i, hash=h) for i, h in pairs]
    try:
        return _ffi.verify_identifiers(key, batch)
    except UnicodeEncodeError:
        pass
    # A pair that UTF-8 cannot encode (request data) matches no hash: False
    # for it, as verify_identifier answers, not the generated layer's
    # UnicodeEncodeError that repeats the whole identifier.
    batch = [_NEVER_MATCHES if _lone_surrogate_at(p.identifier) is not None or _lone_surrogate_at(p.hash) is not None else p for p in batch]
    return _ffi.verify_identifiers(key, batch)


def org_id_of(url: Text) -> str:
    """The ``orgId`` a widget URL claims, unverified: to route the request to
    that organization's ``Verifier`` before verifying it."""
    return _ffi.org_id_of(_request_bytes(url, "url"))


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
    base_url = _text(base_url, "base_url")
    if not isinstance(identity, SignedIdentity):
        raise TypeError(f"identity must be a SignedIdentity (from IdentitySigner.sign), not {type(identity).__name__}")
    for field in ("email", "org_id", "nonce", "user_hash"):
        _text(getattr(identity, field), f"identity.{field}", field)
    name = _optional_str(name, "name")
    if params is not None:
        if not isinstance(params, collections.abc.Mapping):
            raise TypeError(f"params must be a mapping of str to str, not {type(params).__name__}")
        params = {_text(k, "a params key", "params"): _text(v, f"params[{k!r}]", "params") for k, v in params.items()}
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
    hash = _text(hash, "hash")
    return _ffi.diagnose(_secrets(secrets), signed, hash)


def diagnose_url(secrets: typing.Sequence[Text], url: str, hash: typing.Optional[str] = None) -> Diagnosis:
    """``diagnose`` for a widget URL that was rejected with ``Mismatch``: its
    signed fields, and its own ``user_hash`` unless ``hash`` is given."""
    return _ffi.diagnose_url(_secrets(secrets), _text(url, "url", "params"), _optional_str(hash, "hash"))


class IdentitySigner:
    """Signs identities for one organization (SPEC §1.2); the key state is
    computed once. Safe to share between threads."""

    __slots__ = ("_inner",)

    def __init__(self, secret: Text, org_id: Text) -> None:
        self._inner = _ffi.IdentitySigner(_secret(secret), _bytes(org_id, "org_id"))

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
    it in Rust directly, never through Python, unless its ``check_and_insert``
    is not this one (a subclass, or the instance, replaced it): then that
    method runs."""

    __slots__ = ("_inner",)

    _inner: NonceStore

    def check_and_insert(self, org_id: str, nonce: str, expires_at_ms: int) -> bool:
        return self._inner.check_and_insert(_text(org_id, "org_id"), _text(nonce, "nonce"), expires_at_ms)


def _calls_rust_only(store: _RustNonceStore) -> bool:
    """Whether the verifier may call the Rust store directly: only when the
    method the store answers with is ``_RustNonceStore``'s own, looked up as
    Python would (the instance, then its class and bases), so an override
    (to log, or to refuse more) from anywhere runs."""
    method = getattr(store, "check_and_insert", None)
    return getattr(method, "__func__", None) is _RustNonceStore.check_and_insert and getattr(method, "__self__", None) is store


class MemoryNonceStore(_RustNonceStore):
    """The embedded nonce store (SPEC §3.1): at most ``capacity`` live nonces
    (default 100 000); when full of live ones it refuses the request
    (``UserHashError.StoreFull``) rather than forget one. One process only:
    share a ``RedisNonceStore`` between several.

    A ``Verifier`` given this store calls it in Rust directly, never through
    Python (unless a subclass or the instance replaces ``check_and_insert``).
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
        url = _text(url, "url", "nonce_store")
        prefix = _optional_str(prefix, "prefix", "nonce_store")
        self._inner = _ffi.redis_nonce_store(url, prefix, connect_timeout_ms, command_timeout_ms)
        self._prefix = "userhash:nonce" if prefix is None else prefix

    def __repr__(self) -> str:
        return f"RedisNonceStore(prefix={self._prefix!r})"


class _Interrupted(threading.local):
    """An interrupt (KeyboardInterrupt, SystemExit, ...) a Python store raised
    during this thread's current verification, to raise again once Rust has
    refused the request."""

    pending: typing.Optional[BaseException] = None


_interrupted = _Interrupted()


class _CheckedStore(NonceStore):
    """What Rust calls for a store written in Python.

    uniffi hands Rust the truth value of whatever ``check_and_insert``
    returns, so a store returning a row, a count or a string would accept the
    same URL again and again. This adapter lets only a real ``bool`` through,
    wherever the store's method comes from (its class, a mixin, the instance,
    ``__getattr__``). Anything else is refused as ``StoreUnavailable``.

    uniffi also lets a ``BaseException`` that is not an ``Exception``
    (``KeyboardInterrupt``, ``SystemExit``) escape into ctypes, which prints
    it and answers false (``Replayed``): Ctrl-C would be lost. This adapter
    refuses the request instead (``StoreUnavailable``) and keeps the
    interrupt, which ``Verifier`` raises again once Rust has returned.
    """

    __slots__ = ("_store",)

    def __init__(self, store: NonceStore) -> None:
        self._store = store

    def check_and_insert(self, org_id: str, nonce: str, expires_at_ms: int) -> bool:
        try:
            result = self._store.check_and_insert(org_id, nonce, expires_at_ms)
            if type(result) is bool:
                return result
            reason = f"{self._name()}.check_and_insert returned {type(result).__name__}, not True or False"
        except Exception:
            # UserHashError (StoreFull, StoreUnavailable) reaches Rust as it
            # is; uniffi turns anything else into StoreUnavailable naming it.
            raise
        except BaseException as interrupt:
            _interrupted.pending = interrupt
            reason = f"{self._name()}.check_and_insert was interrupted ({type(interrupt).__name__})"
        # Rust builds the message from the reason.
        raise typing.cast(typing.Callable[..., UserHashError], _StoreUnavailable)(reason=reason, message=reason)

    def _name(self) -> str:
        return type(self._store).__name__


def _for_rust(store: object) -> NonceStore:
    """The store as the generated layer takes it: a Rust store as itself (so
    Rust calls it directly), any other behind ``_CheckedStore``."""
    if not isinstance(store, NonceStore):
        raise TypeError(
            f"nonce_store must be a MemoryNonceStore, a RedisNonceStore or a NonceStore subclass, not {type(store).__name__}"
        )
    if isinstance(store, _RustNonceStore) and _calls_rust_only(store):
        return store._inner
    if type(store) is _ffi.NonceStoreImpl:  # a Rust store from the generated layer itself
        return store
    return _CheckedStore(store)


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
        store = None if nonce_store is None else _for_rust(nonce_store)
        self._inner = _ffi.Verifier(encoded, _bytes(org_id, "org_id"), tolerance_ms, store, max_url_len, max_params)

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
        _interrupted.pending = None
        try:
            return self._inner.verify_url(_request_bytes(url, "url"))
        except _StoreUnavailable:
            if _interrupted.pending is None:
                raise
        raise _interrupt()

    def verify_url_at(self, url: Text, now_ms: int) -> VerifiedIdentity:
        """Verifies a widget URL as if the time were ``now_ms`` (Unix ms)."""
        _interrupted.pending = None
        try:
            return self._inner.verify_url_at(_request_bytes(url, "url"), now_ms)
        except _StoreUnavailable:
            if _interrupted.pending is None:
                raise
        raise _interrupt()

    def __repr__(self) -> str:
        return repr(self._inner)


def _interrupt() -> BaseException:
    """The interrupt a Python store raised during this thread's verification,
    which Rust refused (StoreUnavailable): raised instead of that refusal, from
    outside its except block so the refusal is not its ``__context__``."""
    interrupt = typing.cast(BaseException, _interrupted.pending)  # checked by the caller
    _interrupted.pending = None
    return interrupt
