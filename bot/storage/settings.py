"""Persistent settings: application key-value pairs and the channels admins opted in to chat answers."""

from __future__ import annotations

from bot.clock import Clock, utc_now
from bot.storage.database import Database


class SettingsStore:
    """Reads and writes settings; every change is committed at once so nothing is lost on a crash."""

    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock
        self._channels: dict[int, set[int]] | None = None

    async def get(self, key: str) -> str | None:
        """A stored application setting, or None."""
        row = await self.db.fetchone("SELECT value FROM app_settings WHERE key = ?", (key,))
        return str(row[0]) if row else None

    async def set(self, key: str, value: str) -> None:
        """Store an application setting."""
        await self.db.execute(
            "INSERT INTO app_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def load_channels(self) -> dict[int, set[int]]:
        """Opted-in channels per guild (cached after the first read)."""
        if self._channels is None:
            rows = await self.db.fetchall("SELECT guild_id, channel_id FROM guild_channels")
            channels: dict[int, set[int]] = {}
            for guild_id, channel_id in rows:
                channels.setdefault(int(guild_id), set()).add(int(channel_id))
            self._channels = channels
        return self._channels

    async def add_channel(self, guild_id: int, channel_id: int) -> bool:
        """Opt a channel in; False when it already was."""
        channels = await self.load_channels()
        if channel_id in channels.get(guild_id, set()):
            return False
        await self.db.execute(
            "INSERT OR IGNORE INTO guild_channels (guild_id, channel_id, added_at) VALUES (?, ?, ?)",
            (guild_id, channel_id, self.clock().isoformat()),
        )
        channels.setdefault(guild_id, set()).add(channel_id)
        return True

    async def remove_channel(self, guild_id: int, channel_id: int) -> bool:
        """Opt a channel out; False when it was not opted in."""
        channels = await self.load_channels()
        if channel_id not in channels.get(guild_id, set()):
            return False
        await self.db.execute(
            "DELETE FROM guild_channels WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id)
        )
        channels[guild_id].discard(channel_id)
        return True

    def is_opted_in(self, guild_id: int | None, channel_id: int) -> bool:
        """Synchronous check from the cache (``load_channels`` must have run)."""
        if guild_id is None or self._channels is None:
            return False
        return channel_id in self._channels.get(guild_id, set())

    async def channels_of(self, guild_id: int) -> list[int]:
        """Opted-in channels of one guild, sorted."""
        return sorted((await self.load_channels()).get(guild_id, set()))
