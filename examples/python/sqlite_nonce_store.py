"""A nonce store written in Python, over SQLite: copy it and put your own
database in its place.

Several verifier processes on one machine (gunicorn workers, say) that share
one database file refuse each other's nonces, so a captured widget URL works
once in all of them. Across machines, use ``userhash.redis_nonce_store(url)``, or
the same idea over your own networked database (PostgreSQL: ``INSERT ... ON
CONFLICT DO NOTHING`` and check the row count).

    store = SqliteNonceStore("/var/lib/myapp/nonces.db")
    verifier = userhash.Verifier([secret], "org_123", nonce_store=store)

What makes it correct:

- atomic: one ``INSERT OR IGNORE`` on the primary key ``(org_id, nonce)``;
  of two processes racing on one nonce exactly one inserts the row, and only
  that one is told ``True``;
- bounded: rows whose window has passed are deleted, so the file does not
  grow without end, and an expired pair can be recorded again;
- fails closed: if SQLite raises (locked past ``timeout``, disk full), the
  verifier refuses the request with ``StoreUnavailable``; it never accepts.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import userhash

SCHEMA = """
CREATE TABLE IF NOT EXISTS userhash_nonces (
    org_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    PRIMARY KEY (org_id, nonce)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS userhash_nonces_expiry ON userhash_nonces (expires_at_ms);
"""


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class SqliteNonceStore(userhash.NonceStore):
    """Nonces in one SQLite file, shared by every process that opens it.

    ``timeout``: how long (seconds) to wait for another process's write to
    finish before giving up (and refusing the request).
    """

    def __init__(self, path: str, *, timeout: float = 5.0) -> None:
        self._path = path
        self._timeout = timeout
        # A sqlite3 connection belongs to the thread that made it; the verifier
        # calls the store from whichever thread verifies.
        self._local = threading.local()
        db = self._db()
        # WAL lets readers and one writer work at once across processes.
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            # isolation_level=None: we say where each transaction begins.
            db = sqlite3.connect(self._path, timeout=self._timeout, isolation_level=None)
            self._local.db = db
        return db

    def check_and_insert(self, org_id: str, nonce: str, expires_at_ms: int) -> bool:
        db = self._db()
        # BEGIN IMMEDIATE takes the write lock up front, so the sweep and the
        # insert are one step for every other process (they wait, up to timeout).
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM userhash_nonces WHERE expires_at_ms < ?", (now_ms(),))
            inserted = db.execute(
                "INSERT OR IGNORE INTO userhash_nonces (org_id, nonce, expires_at_ms) VALUES (?, ?, ?)",
                (org_id, nonce, expires_at_ms),
            ).rowcount
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        # 1: the row is new, the nonce was not seen. 0: it was there already.
        return inserted == 1

    def __len__(self) -> int:
        """Rows kept (live nonces, and expired ones not yet swept)."""
        return int(self._db().execute("SELECT count(*) FROM userhash_nonces").fetchone()[0])
