"""Every feature's routes, in one list: add a feature module here to switch it on."""

from __future__ import annotations

from conversations import (
    announcements,
    ideas,
    meetings,
    partner_answer,
    privacy,
    proposal_actions,
    proposal_decision,
    proposal_form,
    proposal_money,
    proposal_review,
    proposal_status,
    reports,
)
from conversations.router import Routes, core_routes

# Feature modules expose COMMANDS / CALLBACKS / DIALOGS / TEXT_HOOKS tables.
FEATURES = (
    privacy,
    proposal_form,
    proposal_status,
    proposal_review,
    proposal_actions,
    proposal_decision,
    proposal_money,
    partner_answer,
    meetings,
    announcements,
    ideas,
    reports,
)


def build_routes() -> Routes:
    routes = core_routes()
    for feature in FEATURES:
        routes.include(feature)
    return routes
