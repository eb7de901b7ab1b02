"""Who works at the station: roles, PINs and badges, through Django auth; run inside ops.

A role is a Django auth group. A user in several groups has the strongest of
them; a superuser is an admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction

from station_app.custody.models import Badge

CLERK, SUPERVISOR, ADMIN = "clerk", "supervisor", "admin"
ROLES = [CLERK, SUPERVISOR, ADMIN]  # weakest first


@dataclass(frozen=True)
class SignedIn:
    username: str
    role: str


@dataclass(frozen=True)
class UserRow:
    username: str
    role: str
    badge: str
    active: bool


def role_of(user: User) -> str | None:
    if user.is_superuser:
        return ADMIN
    names = set(user.groups.values_list("name", flat=True))
    held = [role for role in ROLES if role in names]
    return held[-1] if held else None


def _signed_in(user: User | None) -> SignedIn | None:
    role = role_of(user) if user is not None else None
    return SignedIn(user.username, role) if role else None


def sign_in_with_pin(username: str, pin: str) -> SignedIn | None:
    """The user and their role if the PIN is right and they hold a role; else None."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or not user.check_password(pin):
        return None
    return _signed_in(user)


def sign_in_with_badge(code: str) -> SignedIn | None:
    """The active user the scanned badge belongs to, if they hold a role."""
    badge = Badge.objects.select_related("user").filter(code=code.strip(), user__is_active=True).first()
    return _signed_in(badge.user if badge else None)


def users() -> list[UserRow]:
    badges = dict(Badge.objects.values_list("user_id", "code"))
    return [
        UserRow(user.username, role_of(user) or "", badges.get(user.pk, ""), user.is_active)
        for user in User.objects.order_by("username")
    ]


class StaffError(ValueError):
    """A user cannot be added as asked; the message says why, for the admin."""


def add_user(username: str, role: str, pin: str, badge: str = "") -> UserRow:
    username, badge = username.strip(), badge.strip()
    if not username or role not in ROLES:
        raise StaffError("Enter a user name and pick a role.")
    if len(pin) < 4 or not pin.isdigit():
        raise StaffError("The PIN must be at least four digits.")
    if User.objects.filter(username=username).exists():
        raise StaffError(f"There is already a user named {username}.")
    if badge and Badge.objects.filter(code=badge).exists():
        raise StaffError(f"Badge {badge} already belongs to someone.")
    with transaction.atomic():
        user = User.objects.create_user(username, password=pin)
        user.groups.add(Group.objects.get(name=role))
        if badge:
            Badge.objects.create(user=user, code=badge)
    return UserRow(username, role, badge, True)
