"""`circlemade stale`: the member profiles not reviewed for a while, with the people who
can update them. Pure: the loaded site in, the lines to print out.

A profile is stale when its `reviewed` date is more than `months` months before `now`, or
when it has none. Past site.yaml's `freshness.hide_contact_after_months`, it also awaits an
update: `models.published` withholds its contact details (a profile without `reviewed` is
listed here but never withheld).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from circlemade_site.models import Member, Site, is_reviewed_since, months_before

MEMBER_FILE = "member.yaml"


def stale_members(members: Sequence[Member], since: dt.date) -> list[Member]:
    """The members not reviewed since `since`: the oldest review first, then those never
    reviewed, by folder name."""
    found = [m for m in members if not is_reviewed_since(m, since)]
    return sorted(found, key=lambda m: (m.reviewed is None, m.reviewed or since, m.slug))


def stale_line(member: Member) -> str:
    """'members/recable/member.yaml: reviewed 2024-06-10, awaits an update (...); maintainers: @a'"""
    where = f"{member.rel_dir}/{MEMBER_FILE}"
    if member.reviewed is None:
        state = "never reviewed"
    elif member.awaiting_update:
        state = (f"reviewed {member.reviewed.isoformat()}, awaits an update (its contact "
                 "details are not published)")
    else:
        state = f"reviewed {member.reviewed.isoformat()}"
    people = (f"maintainers: {', '.join('@' + login for login in member.maintainers)}"
              if member.maintainers else "no maintainers (the team updates it)")
    return f"{where}: {state}; {people}"


def report(site: Site, now: dt.date, months: int) -> tuple[list[str], int]:
    """The lines `circlemade stale` prints, and how many profiles are stale."""
    since = months_before(now, months)
    stale = stale_members(site.members, since)
    lines = [stale_line(m) for m in stale]
    waiting = sum(1 for m in stale if m.awaiting_update)
    if not stale:
        lines.append(f"Every profile was reviewed on or after {since.isoformat()} ({months} "
                     f"months before {now.isoformat()}).")
        return lines, 0
    lines.append(f"{len(stale)} of {len(site.members)} profiles not reviewed since "
                 f"{since.isoformat()} ({months} months before {now.isoformat()}), {waiting} of "
                 f"them past {site.config.hide_contact_after_months} months and awaiting an "
                 "update.")
    return lines, len(stale)
