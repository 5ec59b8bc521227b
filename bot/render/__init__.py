"""Renderers: turn a neutral ``Answer`` into console text or Discord embeds and components."""
