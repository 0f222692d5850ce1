"""Getting updates: long polling and webhooks."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.simulator.errors import bad_request, conflict
from bot.simulator.params import Params
from bot.simulator.registry import Described, method
from bot.simulator.webhook import WebhookConfig

if TYPE_CHECKING:
    from bot.simulator.simulator import Simulator

_TERMINATED = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
_WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _Poll:
    """One pending getUpdates; a newer one terminates it (the older request gets 409)."""

    terminated = False


def _set_allowed(sim: Simulator, p: Params) -> None:
    # Absent means "keep the previous setting"; an empty list means the default set.
    if "allowed_updates" in p.values:
        allowed = p.get("allowed_updates")
        sim.updates.allowed = list(allowed) if allowed else None


@method("getUpdates")
async def get_updates(sim: Simulator, p: Params) -> list[dict[str, Any]]:
    """Long polling with offset confirmation, limit, timeout and allowed_updates."""
    if sim.webhook is not None:
        raise conflict(_WEBHOOK_ACTIVE)
    me = _Poll()
    if isinstance(sim.poller, _Poll):
        sim.poller.terminated = True
    sim.poller = me
    sim.signal.fire()
    try:
        queue = sim.updates
        _set_allowed(sim, p)
        queue.confirm(p.integer("offset") or 0)
        limit = min(max(p.integer("limit") or 100, 1), 100)
        timeout = max(p.integer("timeout") or 0, 0)

        def ready() -> bool:
            waiting = any(queue.is_allowed(u) for u in queue.pending)
            return me.terminated or sim.webhook is not None or waiting

        await sim.signal.wait_until(ready, timeout)
        if me.terminated:
            raise conflict(_TERMINATED)
        if sim.webhook is not None:
            raise conflict(_WEBHOOK_ACTIVE)
        queue.drop_disallowed()
        batch = queue.pending[:limit]
        for update in batch:
            update.delivered = True
            if update.chat_id is not None:
                sim.touch(update.chat_id)
        return [update.body for update in batch]
    finally:
        if sim.poller is me:
            sim.poller = None


@method("setWebhook")
async def set_webhook(sim: Simulator, p: Params) -> Described:
    """Register a webhook; http is accepted on loopback since tests cannot do TLS."""
    url = p.string("url") or ""
    if not url:
        return await delete_webhook(sim, p)
    parts = urlsplit(url)
    loopback = parts.hostname in _LOOPBACK
    if parts.scheme != "https" and not (loopback and parts.scheme == "http"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if not loopback and (parts.port or 443) not in (80, 88, 443, 8443):
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    secret = p.string("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if p.flag("drop_pending_updates"):
        sim.updates.drop_all()
    _set_allowed(sim, p)
    same = sim.webhook is not None and (sim.webhook.url, sim.webhook.secret_token) == (url, secret)
    config = WebhookConfig(url, secret, p.integer("max_connections") or 40, p.string("ip_address"))
    await sim.set_webhook(config)
    return Described(True, "Webhook is already set" if same else "Webhook was set")


@method("deleteWebhook")
async def delete_webhook(sim: Simulator, p: Params) -> Described:
    """Back to getUpdates; optionally drop pending updates."""
    if p.flag("drop_pending_updates"):
        sim.updates.drop_all()
    had = sim.webhook is not None
    await sim.set_webhook(None)
    return Described(True, "Webhook was deleted" if had else "Webhook is already deleted")


@method("getWebhookInfo")
async def get_webhook_info(sim: Simulator, p: Params) -> dict[str, Any]:
    """WebhookInfo; url is empty in getUpdates mode."""
    pending = len(sim.updates.pending)
    if sim.webhook is None:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": pending}
    return sim.webhook.info(pending, sim.updates.allowed)


@method("logOut", "close")
async def log_out(sim: Simulator, p: Params) -> bool:
    """Accepted and ignored."""
    return True
