"""discord.py extensions: thin command layers over ``bot/``."""
