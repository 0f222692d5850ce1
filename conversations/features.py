"""Every feature's routes, in one list: add a feature module here to switch it on."""

from __future__ import annotations

from conversations.router import Routes, core_routes


def build_routes() -> Routes:
    routes = core_routes()
    # Feature modules expose COMMANDS / CALLBACKS / DIALOGS / TEXT_HOOKS tables.
    return routes
