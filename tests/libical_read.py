"""Reads iCalendar files with libical (the parser of Evolution and GNOME Calendar) through
Debian's GObject bindings, and prints what it understood as JSON, in the form of
tests/tools/read_ics.cjs. Run with the system Python (`/usr/bin/python3`, which has
python3-gi and gir1.2-ical-3.0), not the project's: tests/test_calendars.py does.

Usage: /usr/bin/python3 tests/libical_read.py FILE..."""

import datetime as dt
import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as ICal  # noqa: E402


def moment(time):
    if time.is_date():
        return f"{time.get_year():04}-{time.get_month():02}-{time.get_day():02}"
    zone = time.get_timezone()
    if zone is None:
        raise SystemExit(f"libical found no time zone for {time.as_ical_string()}")
    seconds = time.as_timet_with_zone(zone)
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read(path):
    with open(path, encoding="utf-8") as f:
        root = ICal.Component.new_from_string(f.read())
    if root is None:
        raise SystemExit(f"libical could not parse {path}")
    name = None
    prop = root.get_first_property(ICal.PropertyKind.X_PROPERTY)
    while prop is not None:
        if prop.get_x_name() == "X-WR-CALNAME":
            value = prop.get_value()     # VALUE=TEXT makes it a text value
            name = value.get_text() if value.isa() == ICal.ValueKind.TEXT_VALUE else value.get_x()
        prop = root.get_next_property(ICal.PropertyKind.X_PROPERTY)
    method = root.get_method()
    events = []
    event = root.get_first_component(ICal.ComponentKind.VEVENT_COMPONENT)
    while event is not None:
        organizer = event.get_first_property(ICal.PropertyKind.ORGANIZER_PROPERTY)
        cn = organizer.get_first_parameter(ICal.ParameterKind.CN_PARAMETER) if organizer else None
        start, end = event.get_dtstart(), event.get_dtend()
        url = event.get_first_property(ICal.PropertyKind.URL_PROPERTY)
        events.append({
            "uid": event.get_uid(), "summary": event.get_summary(),
            "description": event.get_description(), "location": event.get_location(),
            "url": url.get_value_as_string() if url else None,
            "categories": [c.get_categories() for c in _properties(event, ICal.PropertyKind.CATEGORIES_PROPERTY)],
            "organizer": organizer.get_organizer() if organizer else None,
            "organizer_cn": cn.get_cn() if cn else None,
            "zone": None if start.is_date() else start.get_tzid(),
            "start": moment(start), "end": moment(end)})
        event = root.get_next_component(ICal.ComponentKind.VEVENT_COMPONENT)
    return {"method": ICal.Property.method_to_string(method) if method != ICal.PropertyMethod.NONE
            else None, "name": name, "events": events}


def _properties(component, kind):
    prop = component.get_first_property(kind)
    while prop is not None:
        yield prop
        prop = component.get_next_property(kind)


if __name__ == "__main__":
    json.dump({path: read(path) for path in sys.argv[1:]}, sys.stdout)
