# The generated UserHashError as mypy should see it; at run time `userhash`
# re-exports the generated class itself (userhash._native.userhash_ffi).
#
# uniffi 0.32 builds the error's variant classes at run time, behind two
# `# type: ignore`d rebindings, so a type checker sees a bare Exception
# subclass: `except userhash.UserHashError.Replayed` fails `mypy --strict`
# (no attribute Replayed), and the variants' constructors are untyped. This
# stub declares what the generated code makes; tests/test_typing.py checks
# that it names exactly the generated variants and their fields.
# `error_message` is declared here too, so that it takes this class.

import typing

from ._native.userhash_ffi import Field, Limit

class UserHashError(Exception):
    def name(self) -> str: ...
    def input_field(self) -> typing.Optional[Field]: ...

    class WeakSecret(UserHashError):
        len: int
        def __init__(self, len: int) -> None: ...

    class Malformed(UserHashError):
        field: Field
        reason: str
        def __init__(self, field: Field, reason: str) -> None: ...

    class Missing(UserHashError):
        field: Field
        def __init__(self, field: Field) -> None: ...

    class Duplicate(UserHashError):
        field: Field
        def __init__(self, field: Field) -> None: ...

    class WrongOrg(UserHashError):
        expected: str
        actual: str
        def __init__(self, expected: str, actual: str) -> None: ...

    class Mismatch(UserHashError):
        def __init__(self) -> None: ...

    class Expired(UserHashError):
        age_ms: int
        tolerance_ms: int
        timestamp_ms: int
        def __init__(self, age_ms: int, tolerance_ms: int, timestamp_ms: int) -> None: ...

    class FromFuture(UserHashError):
        ahead_ms: int
        tolerance_ms: int
        def __init__(self, ahead_ms: int, tolerance_ms: int) -> None: ...

    class Replayed(UserHashError):
        def __init__(self) -> None: ...

    class StoreFull(UserHashError):
        capacity: int
        def __init__(self, capacity: int) -> None: ...

    class StoreUnavailable(UserHashError):
        reason: str
        def __init__(self, reason: str) -> None: ...

    class TooLarge(UserHashError):
        limit: Limit
        max: int
        def __init__(self, limit: Limit, max: int) -> None: ...

    class UnknownKey(UserHashError):
        kid: str
        def __init__(self, kid: str) -> None: ...

    class AlgorithmRefused(UserHashError):
        alg: str
        expected: str
        def __init__(self, alg: str, expected: str) -> None: ...

    class MissingClaim(UserHashError):
        claim: str
        def __init__(self, claim: str) -> None: ...

    class WrongAudience(UserHashError):
        claim: str
        expected: str
        actual: str
        def __init__(self, claim: str, expected: str, actual: str) -> None: ...

    class LifetimeTooLong(UserHashError):
        lifetime_s: int
        max_lifetime_s: int
        def __init__(self, lifetime_s: int, max_lifetime_s: int) -> None: ...

def error_message(error: UserHashError) -> str: ...
