"""Term of the day, without Discord: zones, the DST schedule, the rotation and the DB-backed service.

``zones`` validates post times and time zones and searches zones; ``schedule`` says when a local date's post is
due; ``rotation`` says which entry a guild gets on a date; ``service`` (``TotdService``) ties them to the
database and posts what is due now (``run_due_now``), with the claim ledger of ``bot.storage.totd`` making every
call idempotent. Whoever drives the service decides when to call it.
"""

from __future__ import annotations

from bot.totd.models import LastPost, PostCallback, PostOutcome, TotdDeliveryError, TotdStatus
from bot.totd.rotation import Prediction, predict, seed_for_guild
from bot.totd.service import CLAIM_STALE_AFTER, TotdService
from bot.totd.zones import parse_post_time, search_timezones, validate_timezone

__all__ = [
    "CLAIM_STALE_AFTER",
    "LastPost",
    "PostCallback",
    "PostOutcome",
    "Prediction",
    "TotdDeliveryError",
    "TotdService",
    "TotdStatus",
    "parse_post_time",
    "predict",
    "search_timezones",
    "seed_for_guild",
    "validate_timezone",
]
