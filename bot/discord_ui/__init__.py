"""The Discord side of the bot: what a click or a command error does, and how replies are sent and logged.

``items`` holds the buttons and selects (``DynamicItem``s) and what clicking them does, ``views`` puts them
together for an answer, ``replies`` is the reply service every cog shares (engine off the event loop, reply,
log the lookup), ``errors`` and ``tree`` are the one error path for slash commands and components, ``checks``,
``transformers`` and ``cooldown`` are small discord.py helpers the cogs use. Rendering (embeds, texts and what
the components contain) is ``bot.render.discord``; nothing here builds an embed.
"""
