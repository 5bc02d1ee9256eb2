"""The calendars (.ics) held to the real clients: every event time and every text is read
the same by icalendar (Python), ical.js (Thunderbird) and libical (Evolution, GNOME
Calendar) as the event file says. Google Calendar and Outlook cannot run here; they read
the same RFC 5545 form (yearly RRULE time zones, escaped texts, RFC 5546 PUBLISH)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest
from conftest import NOW, REPO

from circlemade_site import models, pipeline
from circlemade_site.plan import exports

ICALJS_READER = REPO / "tests" / "tools" / "read_ics.cjs"
LIBICAL_READER = REPO / "tests" / "libical_read.py"
SYSTEM_PYTHON = "/usr/bin/python3"       # Debian's, which has python3-gi and gir1.2-ical-3.0

Read = dict[str, dict[str, Any]]        # file -> {method, name, events: [{uid, start, ...}]}


def read_with_icaljs(files: list[Path]) -> Read:
    node = shutil.which("node")
    assert node, "ical.js needs Node.js (apt-get install nodejs npm)"
    assert (ICALJS_READER.parent / "node_modules" / "ical.js").is_dir(), (
        "ical.js is missing: npm ci --prefix tests/tools --no-audit --no-fund --ignore-scripts")
    return _run([node, str(ICALJS_READER), *map(str, files)], cwd=ICALJS_READER.parent)


def read_with_libical(files: list[Path]) -> Read:
    found = subprocess.run([SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0')"],
                           capture_output=True)
    assert found.returncode == 0, ("libical's bindings are missing: "
                                   "apt-get install python3-gi gir1.2-ical-3.0")
    return _run([SYSTEM_PYTHON, str(LIBICAL_READER), *map(str, files)], cwd=REPO)


def _run(command: list[str], cwd: Path) -> Read:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    assert result.returncode == 0, result.stderr
    data: Read = json.loads(result.stdout)
    return data


def read_with_icalendar(files: list[Path]) -> Read:
    def moment(value: dt.datetime | dt.date) -> str:
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.isoformat()

    out: Read = {}
    for path in files:
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        events = []
        for event in cal.walk("VEVENT"):
            organizer = event.get("organizer")
            events.append({
                "uid": str(event["uid"]), "summary": str(event["summary"]),
                "description": str(event["description"]), "location": str(event.get("location")),
                "url": str(event["url"]),
                "categories": [str(c) for c in event["categories"].cats] if "categories" in event else [],
                "organizer": str(organizer) if organizer else None,
                "organizer_cn": str(organizer.params["cn"]) if organizer else None,
                "start": moment(event.decoded("dtstart")), "end": moment(event.decoded("dtend"))})
        out[str(path)] = {"method": str(cal["method"]), "name": str(cal["x-wr-calname"]),
                          "events": events}
    return out


READERS: dict[str, Callable[[list[Path]], Read]] = {
    "icalendar": read_with_icalendar, "ical.js": read_with_icaljs, "libical": read_with_libical}


def utc(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def expected_times(event: models.Event) -> tuple[str, str]:
    """The UTC start and end of an event's own Brussels times (an all-day event's DTEND is
    the day after its last day)."""
    end = event.end if not event.all_day else event.last_day + dt.timedelta(days=1)
    return utc(event.start), utc(end)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_event_time_is_read_as_its_brussels_time(built_site: Path, sample: Path,
                                                        reader: str) -> None:
    site = pipeline.load_site(sample, pipeline.BuildOptions(
        now=dt.date.fromisoformat(NOW))).site
    events = {e.name: e for e in site.events}
    files = sorted(built_site.rglob("*.ics"))
    assert len(files) == len(site.config.languages) * (len(events) + 1)   # one per event + agenda
    offsets = set()
    for path, cal in READERS[reader](files).items():
        assert cal["events"], path
        for read in cal["events"]:
            event = events[read["uid"].split("@")[0]]
            assert (read["start"], read["end"]) == expected_times(event), (reader, path, event.name)
            if isinstance(event.start, dt.datetime):
                offsets.add(event.start.utcoffset())
    # the fixture has winter events and a summer one after a March change (October 2025)
    assert offsets == {dt.timedelta(hours=1), dt.timedelta(hours=2)}
    assert any(e.all_day for e in events.values())
    summer = events["rencontre-reparation-2025"].start
    assert isinstance(summer, dt.datetime) and summer.year > 2018


HOSTILE_TEXTS = """\
---
title: "Atelier ; réparer, réemployer \\\\ recommencer"
slug: atelier-textes
summary: "Deux lignes, un point-virgule ; une barre \\\\ oblique."
type: training
start: 2027-06-17 09:30
end: 2027-06-17 12:00
venue: {name: "Le Lieu, salle 2; étage \\\\ 1", street: "Rue Test 1", postal_code: "1000", municipality: Bruxelles}
---
Programme.
"""


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_text_is_read_back_as_written(make_project: Callable[..., Path], tmp_path: Path,
                                            reader: str) -> None:
    root = make_project({"content/events/atelier-textes.fr.md": HOSTILE_TEXTS,
                         "content/events/atelier-textes.nl.md": HOSTILE_TEXTS.replace(
                             "slug: atelier-textes", "slug: atelier-teksten")})
    settings = root / "content" / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "title: {fr: circlemade.brussels, nl: circlemade.brussels}",
        'title: {fr: "circlemade.brussels, le cluster; \\\\ Bruxelles", nl: circlemade.brussels}'),
        encoding="utf-8")
    out = tmp_path / "public"
    pipeline.build(root, out, pipeline.BuildOptions(now=dt.date.fromisoformat(NOW)))
    files = [out / "fr" / "agenda.ics", out / "fr" / "agenda" / "atelier-textes.ics"]
    read = READERS[reader](files)
    agenda = read[str(files[0])]
    assert agenda["name"] == "circlemade.brussels, le cluster; \\ Bruxelles – Agenda"
    assert read[str(files[1])]["name"] == "Atelier ; réparer, réemployer \\ recommencer"
    for cal in read.values():
        assert cal["method"] == "PUBLISH"
        for event in cal["events"]:        # RFC 5546: PUBLISH requires an ORGANIZER
            assert event["organizer"] == "mailto:info@circlemade.brussels"
            assert event["organizer_cn"] == "circlemade.brussels, le cluster; \\ Bruxelles"
    event = next(e for e in agenda["events"] if e["uid"].startswith("atelier-textes@"))
    assert event["summary"] == "Atelier ; réparer, réemployer \\ recommencer"
    assert event["description"] == ("Deux lignes, un point-virgule ; une barre \\ oblique.\n\n"
                                    "https://circlemade.brussels/fr/agenda/atelier-textes/")
    assert event["location"] == "Le Lieu, salle 2; étage \\ 1, Rue Test 1, 1000 Bruxelles"
    assert event["categories"] == ["Formation"]
    assert (event["start"], event["end"]) == ("2027-06-17T07:30:00Z", "2027-06-17T10:00:00Z")


def test_the_time_zone_rules_match_zoneinfo_every_day_since_1996() -> None:
    """The VTIMEZONE written in the calendars against the zone database, at 00:30 and
    01:30 UTC (either side of the changes) of every day from 1996 to 2037."""
    vtimezone = exports.brussels_timezone()
    assert [c.name for c in vtimezone.subcomponents] == ["DAYLIGHT", "STANDARD"]
    assert "RDATE" not in vtimezone.to_ical().decode()
    tz = vtimezone.to_tz()
    day = dt.datetime(1996, 1, 1, tzinfo=dt.UTC)
    while day.year < 2038:
        for hour in (0, 1):
            moment = day + dt.timedelta(hours=hour, minutes=30)
            assert moment.astimezone(tz).utcoffset() == moment.astimezone(models.TIMEZONE).utcoffset(), moment
        day += dt.timedelta(days=1)
