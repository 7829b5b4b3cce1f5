"""An agenda as Markdown, for the command line and for printing."""

from __future__ import annotations

import re

from app.services.accountability.calendar import WEEKDAYS, short_date
from app.services.agenda.service import Agenda

_SPECIAL = re.compile(r"([\\`*_\[\]#<>|])")


def escape(text: str) -> str:
    """User text (names, goals) with Markdown's special characters made literal."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def long_date(agenda: Agenda) -> str:
    day = agenda.day
    return f"{WEEKDAYS[day.weekday()]} {day.day} {day.strftime('%B')} {day.year}"


def render(agenda: Agenda) -> str:
    lines = [f"# {escape(agenda.cohort_name)}: agenda for {long_date(agenda)}", ""]
    if agenda.session is not None:
        session = agenda.session
        topic = f" · {escape(session.topic)}" if session.topic else ""
        lines.append(
            f"Session at {session.local_start:%H:%M} ({agenda.timezone}), "
            f"{session.planned_minutes} minutes{topic}."
        )
    else:
        lines.append("No session is planned on or after this date.")
    lines.append(f"Expected: {len(agenda.members)} members.")

    lines += ["", "## Milestones to celebrate", ""]
    lines += [
        f"- {escape(m.display_name)}: {escape(m.phrase(agenda.day))}" for m in agenda.milestones
    ] or ["- None this time."]

    lines += ["", "## Who needs a check-in, and why", ""]
    for person in agenda.check_ins:
        lines.append(f"- **{escape(person.display_name)}**")
        lines += [f"  - {escape(flag.reason)}" for flag in person.flags]
    if not agenda.check_ins:
        lines.append("- Nobody is flagged.")

    lines += ["", "## Goals due for report-back", ""]
    lines += [
        f"- {escape(g.display_name)}: {escape(g.text)} "
        f"({escape(g.value_domain)}; set {short_date(g.set_on)})"
        for g in agenda.goals_due
    ] or ["- No open goals."]

    lines += ["", "## Accountability partners", ""]
    for pair in agenda.pairs:
        last = (
            f"last contact {short_date(pair.last_contact)}"
            if pair.last_contact
            else ("no contact logged yet")
        )
        names = " & ".join(escape(n) for n in pair.names)
        lines.append(f"- {names} (since {short_date(pair.since)}; {last})")
    if agenda.unpaired:
        lines.append(f"- Without a partner: {', '.join(escape(n) for n in agenda.unpaired)}")
    if not agenda.pairs and not agenda.unpaired:
        lines.append("- Nobody is enrolled.")

    lines += ["", "## Peer leader", ""]
    leader = agenda.peer_leader
    if leader is None:
        lines.append("- Nobody to suggest.")
    elif leader.assigned:
        lines.append(f"- {escape(leader.display_name)} (assigned)")
    else:
        lines.append(f"- Suggested: {escape(leader.display_name)}")
        lines.append(f"  - {escape(leader.reason)}")
    return "\n".join(lines) + "\n"
