// Reads iCalendar files with ical.js (the parser of Thunderbird) and prints, as JSON,
// what it understood: for each file its METHOD and name, and for each event its texts and
// its start and end in UTC ("...Z") or as a date for an all-day event.
// Usage: node read_ics.cjs FILE... (tests/test_calendars.py runs it).
"use strict";
const fs = require("fs");
const ICAL = require("ical.js");

function moment(time) {
  if (time.isDate) return time.toString();            // 2027-03-18
  return time.toJSDate().toISOString().replace(".000Z", "Z");
}

const out = {};
for (const file of process.argv.slice(2)) {
  const root = new ICAL.Component(ICAL.parse(fs.readFileSync(file, "utf8")));
  // the file's own VTIMEZONE definitions, as a client without the zone database uses them
  for (const vtz of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
  }
  const events = root.getAllSubcomponents("vevent").map((v) => {
    const event = new ICAL.Event(v);
    const organizer = v.getFirstProperty("organizer");
    return {
      uid: event.uid, summary: event.summary, description: event.description,
      location: event.location, url: v.getFirstPropertyValue("url"),
      categories: v.getAllProperties("categories").flatMap((p) => p.getValues()),
      organizer: organizer ? organizer.getFirstValue() : null,
      organizer_cn: organizer ? organizer.getParameter("cn") : null,
      zone: event.startDate.isDate ? null : event.startDate.zone.tzid,
      start: moment(event.startDate), end: moment(event.endDate),
    };
  });
  out[file] = {method: root.getFirstPropertyValue("method"),
               name: root.getFirstPropertyValue("x-wr-calname"), events};
}
process.stdout.write(JSON.stringify(out));
