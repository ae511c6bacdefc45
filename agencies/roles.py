"""Who the current user is, in the terms of PRODUCT.md's roles."""

from __future__ import annotations

from dataclasses import dataclass

from agencies.models import Agency, Profile


@dataclass(frozen=True)
class Actor:
    role: str | None
    agency: Agency | None

    @property
    def is_secretariat(self) -> bool:
        return self.role == Profile.Role.SECRETARIAT

    @property
    def is_agency(self) -> bool:
        return self.role == Profile.Role.AGENCY

    @property
    def is_executive(self) -> bool:
        return self.role == Profile.Role.EXECUTIVE

    @property
    def reads_all(self) -> bool:
        return self.role in (Profile.Role.SECRETARIAT, Profile.Role.EXECUTIVE)


def actor_for(user) -> Actor:
    """The role of ``user``; a superuser without a profile acts as secretariat."""
    if not user.is_authenticated:
        return Actor(None, None)
    cached = getattr(user, "_actor", None)
    if cached is not None:
        return cached
    try:
        profile = Profile.objects.select_related("agency").get(user=user)
        actor = Actor(profile.role, profile.agency)
    except Profile.DoesNotExist:
        actor = Actor(Profile.Role.SECRETARIAT if user.is_superuser else None, None)
    user._actor = actor
    return actor
