"""Extractors, one per fact kind. Each is a callable taking a
:class:`~kg.extract.context.DocContext` and yielding plain fact objects."""

from __future__ import annotations

from kg.extract.agreements import AgreementExtractor
from kg.extract.alliances import AllianceExtractor
from kg.extract.deployments import DeploymentExtractor
from kg.extract.events import EventExtractor
from kg.extract.memberships import MembershipExtractor
from kg.extract.positions import PositionExtractor

# Order matters: positions first, since later extractors use the roles found
# (a leader's country, "his counterpart").
EXTRACTORS = (
    PositionExtractor(),
    AgreementExtractor(),
    DeploymentExtractor(),
    MembershipExtractor(),
    AllianceExtractor(),
    EventExtractor(),
)

__all__ = ["EXTRACTORS"]
