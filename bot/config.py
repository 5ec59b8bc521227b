"""Settings, read once from the environment and ``.env`` into a typed, immutable object.

Secrets (the Discord token, the user-key secret) come only from the environment or ``.env``; every setting
is documented in ``.env.example``.

Where data lives by default: the lookup log, settings and term-of-the-day records go to one SQLite file,
``cyberglossary.sqlite3`` in the user's data directory (``platformdirs.user_data_dir("cyberglossary")``), for the
bot and for the console alike, never into the directory a command is run from. ``DATABASE_PATH`` overrides it;
set to empty it means "no database" (console lookups are not logged; ``run`` refuses to start).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "cyberglossary"
DEFAULT_GLOSSARY_DIR = "glossary_data"
DATABASE_FILE = "cyberglossary.sqlite3"
CONSOLE_HISTORY_FILE = "console_history"


def user_data_dir() -> Path:
    """The user's data directory for this app (not created here). Tests replace this function."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_path() -> str:
    """The database file used when ``DATABASE_PATH`` is not set: in the user's data directory."""
    return str(user_data_dir() / DATABASE_FILE)


def console_history_path() -> Path:
    """Where the offline console keeps its line history: in the user's data directory."""
    return user_data_dir() / CONSOLE_HISTORY_FILE


def ensure_data_dir(path: str | Path) -> None:
    """Create the user's data directory if ``path`` lies directly in it (other directories are the user's)."""
    directory = user_data_dir()
    if Path(path).parent == directory:
        directory.mkdir(parents=True, exist_ok=True)


class ConfigError(Exception):
    """A setting is malformed; the message is one line meant for the person running the bot."""


_TRUE = {"1", "true", "yes", "on", "y"}
_FALSE = {"0", "false", "no", "off", "n", ""}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot process is configured with."""

    discord_token: str | None = None
    glossary_dir: str = DEFAULT_GLOSSARY_DIR
    database_path: str = field(default_factory=default_database_path)
    """The SQLite file; empty means no database (see the module docstring)."""
    dev_guild_id: int | None = None
    owner_ids: frozenset[int] = field(default_factory=frozenset)
    log_level: str = "INFO"
    message_content: bool = False
    store_raw_user_ids: bool = False
    user_key_secret: str | None = None
    retention_days: int = 90
    context_idle_minutes: float = 10.0
    rate_limit_count: int = 5
    rate_limit_seconds: float = 30.0

    def __repr__(self) -> str:  # never print the token or the secret
        token = "set" if self.discord_token else "unset"
        return f"Settings(token={token}, glossary_dir={self.glossary_dir!r}, database_path={self.database_path!r})"


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _int(env: Mapping[str, str], name: str, default: int | None, *, minimum: int = 0) -> int | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be above 0, not {raw}")
    return value


def _ids(env: Mapping[str, str], name: str) -> frozenset[int]:
    raw = (env.get(name) or "").replace(";", ",")
    ids = set()
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ConfigError(f"{name} must be Discord IDs separated by commas, not {raw!r}")
        ids.add(int(part))
    return frozenset(ids)


def settings_from(env: Mapping[str, str]) -> Settings:
    """Build settings from a mapping of environment variables (raises ``ConfigError``)."""
    level = (env.get("LOG_LEVEL") or "INFO").strip().upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    token = (env.get("DISCORD_TOKEN") or "").strip() or None
    return Settings(
        discord_token=token,
        glossary_dir=(env.get("GLOSSARY_DIR") or "").strip() or DEFAULT_GLOSSARY_DIR,
        database_path=env["DATABASE_PATH"].strip() if "DATABASE_PATH" in env else default_database_path(),
        dev_guild_id=_int(env, "DEV_GUILD_ID", None, minimum=1),
        owner_ids=_ids(env, "OWNER_IDS"),
        log_level=level,
        message_content=_bool(env, "MESSAGE_CONTENT_INTENT", False),
        store_raw_user_ids=_bool(env, "STORE_RAW_USER_IDS", False),
        user_key_secret=(env.get("USER_KEY_SECRET") or "").strip() or None,
        retention_days=_int(env, "LOOKUP_RETENTION_DAYS", 90) or 0,
        context_idle_minutes=_float(env, "CONTEXT_IDLE_MINUTES", 10.0),
        rate_limit_count=_int(env, "RATE_LIMIT_COUNT", 5, minimum=1) or 5,
        rate_limit_seconds=_float(env, "RATE_LIMIT_SECONDS", 30.0),
    )


def load_settings(dotenv_path: str | None = ".env", environ: Mapping[str, str] | None = None) -> Settings:
    """Read ``.env`` (if present) under the real environment, which wins; return typed settings."""
    merged: dict[str, str] = {}
    if dotenv_path and os.path.isfile(dotenv_path):
        from dotenv import dotenv_values

        merged.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    merged.update(os.environ if environ is None else environ)
    return settings_from(merged)
