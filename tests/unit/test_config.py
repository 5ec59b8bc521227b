"""Settings from the environment and .env: typed, validated, secrets never printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings, settings_from


def test_defaults() -> None:
    s = settings_from({})
    assert s.discord_token is None and s.glossary_dir == "glossary_data"
    assert s.database_path.endswith(".sqlite3") and not s.message_content and not s.store_raw_user_ids
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
