"""The versioned schema. Each migration runs once, in order, as one SQL script: its statements and the
``PRAGMA user_version`` that records it commit together or not at all. Never edit a released migration: add
the next one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: the SQL that takes the database from ``version - 1`` to ``version``.

    ``sql`` is plain statements, each ending in ``;`` (triggers and literals with ``;`` or ``--`` inside are fine),
    with no transaction control of its own: ``script`` adds it.
    """

    version: int
    sql: str

    def __post_init__(self) -> None:
        if self.version < 1:
            raise ValueError(f"migration version must be 1 or more, not {self.version}")
        if not self.sql.strip().endswith(";"):
            raise ValueError(f"migration {self.version}: the SQL must end with ';'")

    @property
    def script(self) -> str:
        """The SQL as one transaction that also records the version, for ``executescript``.

        ``executescript`` runs statements as they are (it commits any open transaction first and adds none of its
        own), so the script opens and closes the transaction itself. If any statement fails, the ``COMMIT`` is never
        reached and the caller rolls back: the file keeps its previous tables and version.
        """
        return f"BEGIN IMMEDIATE;\n{self.sql.strip()}\nPRAGMA user_version = {int(self.version)};\nCOMMIT;\n"


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        """
        CREATE TABLE lookups (
            id          INTEGER PRIMARY KEY,
            at          TEXT    NOT NULL,              -- ISO 8601, UTC
            guild_id    INTEGER,                       -- NULL in DMs and the console
            channel_id  INTEGER,
            user_key    TEXT,                          -- keyed hash of the user ID, or the raw ID if configured
            source      TEXT    NOT NULL,              -- slash, button, select, chat, console, ...
            query       TEXT    NOT NULL,
            intent      TEXT    NOT NULL,
            entry       INTEGER,                       -- entry number answered, NULL when none
            score       REAL    NOT NULL DEFAULT 0,
            latency_ms  REAL    NOT NULL DEFAULT 0
        );
        CREATE INDEX lookups_at ON lookups (at);
        CREATE INDEX lookups_guild_at ON lookups (guild_id, at);
        CREATE INDEX lookups_entry ON lookups (entry);

        CREATE TABLE app_settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TABLE guild_channels (
            guild_id   INTEGER NOT NULL,
            channel_id INTEGER NOT NULL,
            added_at   TEXT    NOT NULL,
            PRIMARY KEY (guild_id, channel_id)
        );
        """,
    ),
    Migration(
        2,
        """
        CREATE TABLE totd_settings (
            guild_id    INTEGER PRIMARY KEY,
            channel_id  INTEGER NOT NULL,
            post_time   TEXT    NOT NULL,              -- HH:MM, local to tz
            tz          TEXT    NOT NULL,              -- IANA zone name
            enabled     INTEGER NOT NULL DEFAULT 1,
            seed        INTEGER NOT NULL,              -- per-guild rotation seed
            last_error  TEXT,
            last_error_at TEXT,
            updated_at  TEXT    NOT NULL
        );

        CREATE TABLE totd_posts (
            guild_id    INTEGER NOT NULL,
            local_date  TEXT    NOT NULL,              -- YYYY-MM-DD in the guild's zone
            entry       INTEGER NOT NULL,
            cycle       INTEGER NOT NULL DEFAULT 0,    -- rotation cycle the entry was picked in
            status      TEXT    NOT NULL,              -- claimed, sending, sent, failed
            claimed_by  TEXT    NOT NULL,              -- token of the process holding the claim
            claimed_at  TEXT    NOT NULL,
            attempts    INTEGER NOT NULL DEFAULT 1,    -- claims taken for this date (retake or retry adds one)
            retry_at    TEXT,                          -- failed but retryable today from this time (NULL: done)
            sent_at     TEXT,
            channel_id  INTEGER,
            message_id  INTEGER,
            error       TEXT,
            PRIMARY KEY (guild_id, local_date)
        );
        """,
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version
