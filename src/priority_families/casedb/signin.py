"""Sign-in throttling: per normalised account and per client address, counted exactly, never a lasting lock-out.

- **Per address**: `ADDRESS_ATTEMPTS` failed tries per window. An address that uses up its window waits for the
  next, and each window in a row it uses up doubles the next one (15 min, 30 min, 1 h ... capped at a day): a
  guessing script slows exponentially, a person who mistypes a few times never notices.
- **Per account**: `ACCOUNT_FAILURES` failed tries per window from addresses the account has never signed in
  from. The window is fixed when it opens: refused tries do not renew it, so a lock ends when the window does.
  A lock never stops the right password from an address the user has signed in from before
  (`TrustedAddress`), so an attacker elsewhere cannot lock a real user out at all; from a trusted address
  only the per-address limit applies.
- The account is the username as Django's sign-in reads it (NFKC), case-folded: look-alike and upper-case
  spellings of one name share one count. It is kept as a sha256, never as typed.
- Each attempt reserves its slot with a conditional UPDATE before the password is checked, and a success gives
  it back: twenty concurrent tries get exactly the allowance evaluated, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F
from django.utils import timezone

from priority_families.casedb.models import SignInThrottle, TrustedAddress

MAX_LEVEL = 7  # 15 min * 2**7 = 32 h: capped at a day below


class Refusal(StrEnum):
    ADDRESS = "address"
    ACCOUNT = "account"


def normalised(username: str) -> str:
    """The account a typed username means to the throttle: NFKC (as sign-in reads it), case-folded, trimmed."""
    text = unicodedata.normalize("NFKC", username or "").strip()
    return unicodedata.normalize("NFKC", text.casefold())


def account_key(username: str) -> str:
    return "account:" + hashlib.sha256(normalised(username).encode()).hexdigest()


def address_key(ip: str | None) -> str:
    return f"address:{ip or 'unknown'}"


def account_named(username: str) -> AbstractBaseUser | None:
    """The account a typed username normalises to, if there is one (for the access log: never the text typed)."""
    name = normalised(username)
    return get_user_model().objects.filter(username__iexact=name).first() if name else None


def _window() -> timedelta:
    return timedelta(minutes=settings.PF_SIGN_IN_WINDOW_MINUTES)


def _reserve(key: str, limit: int, backoff: bool) -> bool:
    """Take one attempt from `key`'s allowance, atomically; False when it is used up."""
    now = timezone.now()
    row, _ = SignInThrottle.objects.get_or_create(key=key, defaults={"window_ends": now + _window()})
    if row.window_ends <= now:  # open the next window; only one of several concurrent tries does (compare-and-set)
        level = min(row.level + 1, MAX_LEVEL) if backoff and row.attempts >= limit else 0
        length = min(_window() * 2**level, timedelta(days=1))
        SignInThrottle.objects.filter(pk=row.pk, window_ends=row.window_ends).update(
            attempts=0, level=level, window_ends=now + length)
    return SignInThrottle.objects.filter(pk=row.pk, attempts__lt=limit).update(attempts=F("attempts") + 1) == 1


def _give_back(key: str) -> None:
    SignInThrottle.objects.filter(key=key, attempts__gt=0).update(attempts=F("attempts") - 1)


@dataclass(frozen=True)
class Attempt:
    """One sign-in try, admitted to have its password checked (`refused` None) or refused before it."""

    account: str
    address: str
    trusted: bool
    refused: Refusal | None


def admit(username: str, ip: str | None) -> Attempt:
    """Reserve this try against the address and (from an untrusted address) the account, before any check."""
    user = account_named(username)
    trusted = user is not None and ip is not None and TrustedAddress.objects.filter(user=user, ip=ip).exists()
    account, address = account_key(username), address_key(ip)
    if not _reserve(address, settings.PF_SIGN_IN_ADDRESS_ATTEMPTS, backoff=True):
        return Attempt(account, address, trusted, Refusal.ADDRESS)
    if not trusted and not _reserve(account, settings.PF_SIGN_IN_FAILURES, backoff=False):
        return Attempt(account, address, trusted, Refusal.ACCOUNT)
    return Attempt(account, address, trusted, None)


def succeeded(attempt: Attempt, user: AbstractBaseUser, ip: str | None) -> None:
    """The password was right: the try is not a failure, and the address is now trusted for this user."""
    _give_back(attempt.address)
    if not attempt.trusted:
        _give_back(attempt.account)
    if ip:
        TrustedAddress.objects.update_or_create(user=user, ip=ip)
