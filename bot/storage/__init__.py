"""SQLite storage through aiosqlite: the database, its migrations, the lookup log and settings."""
