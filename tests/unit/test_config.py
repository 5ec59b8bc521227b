"""Settings from the environment and .env: typed, validated, secrets never printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import config
from bot.config import ConfigError, Settings, load_settings, settings_from


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data directory, moved into ``tmp_path``."""
    directory = tmp_path / "user-data"
    monkeypatch.setattr(config, "user_data_dir", lambda: directory)
    return directory


def test_defaults(data_dir: Path) -> None:
    s = settings_from({})
    assert s.discord_token is None and s.glossary_dir == "glossary_data"
    assert s.database_path == str(data_dir / "cyberglossary.sqlite3")
    assert not s.message_content and not s.store_raw_user_ids
    assert s.rate_limit_count == 5 and s.rate_limit_seconds == 30.0 and s.context_idle_minutes == 10.0


def test_values_are_typed() -> None:
    s = settings_from({"DISCORD_TOKEN": " abc ", "OWNER_IDS": "1, 2;3", "DEV_GUILD_ID": "42",
                       "MESSAGE_CONTENT_INTENT": "yes", "LOOKUP_RETENTION_DAYS": "0", "LOG_LEVEL": "debug"})
    assert s.discord_token == "abc" and s.owner_ids == frozenset({1, 2, 3}) and s.dev_guild_id == 42
    assert s.message_content and s.retention_days == 0 and s.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OWNER_IDS": "me"}, "OWNER_IDS"),
        ({"DEV_GUILD_ID": "abc"}, "DEV_GUILD_ID"),
        ({"MESSAGE_CONTENT_INTENT": "maybe"}, "MESSAGE_CONTENT_INTENT"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"RATE_LIMIT_SECONDS": "-1"}, "RATE_LIMIT_SECONDS"),
    ],
)
def test_bad_values_are_one_clear_line(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        settings_from(env)
    assert "\n" not in str(info.value)


def test_dotenv_under_environment(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("DISCORD_TOKEN=from-file\nGLOSSARY_DIR=from-file\n")
    s = load_settings(str(dotenv), environ={"GLOSSARY_DIR": "from-env"})
    assert s.discord_token == "from-file" and s.glossary_dir == "from-env"


def test_repr_hides_the_token() -> None:
    assert "sekrit" not in repr(settings_from({"DISCORD_TOKEN": "sekrit"}))


def test_database_path_set_empty_or_unset(data_dir: Path) -> None:
    assert settings_from({"DATABASE_PATH": " bot.sqlite3 "}).database_path == "bot.sqlite3"
    assert settings_from({"DATABASE_PATH": ""}).database_path == ""  # no database
    assert Settings().database_path == settings_from({}).database_path  # one default for bot and console
    assert settings_from({"GLOSSARY_DIR": " "}).glossary_dir == "glossary_data"


def test_dotenv_database_path(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"DATABASE_PATH={tmp_path / 'x.sqlite3'}\n")
    assert load_settings(str(dotenv), environ={}).database_path == str(tmp_path / "x.sqlite3")
    assert load_settings(str(dotenv), environ={"DATABASE_PATH": ""}).database_path == ""


def test_the_real_data_dir_comes_from_platformdirs() -> None:
    path = config.user_data_dir()  # only computed: nothing is created = config.user_data_dir()
    assert path.name == "cyberglossary" and path.is_absolute()
    assert config.console_history_path().parent == path


def test_only_the_default_data_dir_is_created(tmp_path: Path, data_dir: Path) -> None:
    config.ensure_data_dir(tmp_path / "elsewhere" / "db.sqlite3")
    assert not (tmp_path / "elsewhere").exists() and not data_dir.exists()
    config.ensure_data_dir(config.default_database_path())
    assert data_dir.is_dir()
