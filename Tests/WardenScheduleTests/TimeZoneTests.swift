import Foundation
import Testing

@testable import WardenSchedule

/// Wall clocks of real zones: standard and summer time, the spring-forward gap and the fall-back repeat.
struct TimeZoneTests {
    @Test func sevenInTheMorningInTwoZonesWinterAndSummer() throws {
        #expect(try Support.next("0 7 * * *", "Europe/Berlin", after: "2026-01-15T00:00:00Z") == "2026-01-15T06:00:00Z")
        #expect(try Support.next("0 7 * * *", "Europe/Berlin", after: "2026-07-15T00:00:00Z") == "2026-07-15T05:00:00Z")
        #expect(
            try Support.next("0 7 * * *", "America/New_York", after: "2026-01-15T00:00:00Z") == "2026-01-15T12:00:00Z")
        #expect(
            try Support.next("0 7 * * *", "America/New_York", after: "2026-07-15T00:00:00Z") == "2026-07-15T11:00:00Z")
        #expect(try Support.next("0 7 * * *", "UTC", after: "2026-07-15T00:00:00Z") == "2026-07-15T07:00:00Z")
        #expect(try Support.next("0 7 * * *", "Asia/Kolkata", after: "2026-07-15T00:00:00Z") == "2026-07-15T01:30:00Z")
    }

    @Test func dayAndWeekdayAreLocal() throws {
        // 00:30 on Saturday 2026-03-07 in Berlin is still Friday in UTC.
        #expect(
            try Support.next("30 0 * * SAT", "Europe/Berlin", after: "2026-03-06T12:00:00Z") == "2026-03-06T23:30:00Z")
        #expect(
            try Support.next("0 20 31 12 *", "America/New_York", after: "2026-12-01T00:00:00Z")
                == "2027-01-01T01:00:00Z")
    }

    @Test func berlinGapMakesUpAFixedTimeOnce() throws {
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
        #expect(
            try Support.fires(
                "30 2 * * *", "Europe/Berlin", after: "2026-03-27T12:00:00Z", through: "2026-03-30T12:00:00Z")
                == ["2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"])
        // Two skipped times and a real 03:00 collapse into the one fire at the jump.
        #expect(
            try Support.fires(
                "0,30 2,3 * * *", "Europe/Berlin", after: "2026-03-28T22:00:00Z", through: "2026-03-29T03:00:00Z")
                == ["2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"])
        #expect(
            try Support.next("30 2 * * *", "Europe/Berlin", after: "2026-03-29T00:59:59Z") == "2026-03-29T01:00:00Z")
        #expect(
            try Support.next("30 2 * * *", "Europe/Berlin", after: "2026-03-29T01:00:00Z") == "2026-03-30T00:30:00Z")
        // A fixed time that falls in the gap only on that date still fires.
        #expect(
            try Support.next("15 2 29 3 *", "Europe/Berlin", after: "2026-01-01T00:00:00Z") == "2026-03-29T01:00:00Z")
    }

    @Test func berlinGapSkipsWildcardTimes() throws {
        #expect(
            try Support.fires(
                "*/30 * * * *", "Europe/Berlin", after: "2026-03-28T23:45:00Z", through: "2026-03-29T01:30:00Z")
                == ["2026-03-29T00:00:00Z", "2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"])
        // A wildcard hour inside the gap fires nothing that night.
        #expect(
            try Support.fires(
                "*/15 2 * * *", "Europe/Berlin", after: "2026-03-28T12:00:00Z", through: "2026-03-30T12:00:00Z")
                == ["2026-03-30T00:00:00Z", "2026-03-30T00:15:00Z", "2026-03-30T00:30:00Z", "2026-03-30T00:45:00Z"])
        #expect(
            try Support.fires(
                "@hourly", "Europe/Berlin", after: "2026-03-28T23:30:00Z", through: "2026-03-29T02:00:00Z")
                == ["2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"])
    }

    @Test func newYorkGap() throws {
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT at 07:00 UTC.
        #expect(
            try Support.fires(
                "30 2 * * *", "America/New_York", after: "2026-03-07T00:00:00Z", through: "2026-03-10T00:00:00Z")
                == ["2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"])
        #expect(
            try Support.fires(
                "*/30 * * * *", "America/New_York", after: "2026-03-08T05:45:00Z", through: "2026-03-08T07:30:00Z")
                == ["2026-03-08T06:00:00Z", "2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z"])
    }

    @Test func berlinRepeatFiresAFixedTimeOnce() throws {
        // 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00 UTC; 02:00-02:59 happens twice.
        #expect(
            try Support.fires(
                "30 2 * * *", "Europe/Berlin", after: "2026-10-23T12:00:00Z", through: "2026-10-26T12:00:00Z")
                == ["2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"])
        // Asking from inside the second pass does not fire the repeat either.
        #expect(
            try Support.next("30 2 * * *", "Europe/Berlin", after: "2026-10-25T01:10:00Z") == "2026-10-26T01:30:00Z")
        #expect(
            try Support.next("30 2 * * *", "Europe/Berlin", after: "2026-10-25T00:30:00Z") == "2026-10-26T01:30:00Z")
        #expect(try Support.next("0 3 * * *", "Europe/Berlin", after: "2026-10-25T00:00:00Z") == "2026-10-25T02:00:00Z")
    }

    @Test func berlinRepeatFiresWildcardTimesTwice() throws {
        #expect(
            try Support.fires(
                "0,30 * * * *", "Europe/Berlin", after: "2026-10-24T23:45:00Z", through: "2026-10-25T02:00:00Z")
                == [
                    "2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z",
                    "2026-10-25T02:00:00Z",
                ])
        // Starting inside the first pass still reaches the second pass's earlier wall times.
        #expect(try Support.next("0 * * * *", "Europe/Berlin", after: "2026-10-25T00:45:00Z") == "2026-10-25T01:00:00Z")
        #expect(
            try Support.next("*/20 2 * * *", "Europe/Berlin", after: "2026-10-25T00:45:00Z") == "2026-10-25T01:00:00Z")
    }

    @Test func newYorkRepeat() throws {
        // 2026-11-01: 02:00 EDT falls back to 01:00 EST at 06:00 UTC; 01:00-01:59 happens twice.
        #expect(
            try Support.fires(
                "30 1 * * *", "America/New_York", after: "2026-10-31T00:00:00Z", through: "2026-11-03T00:00:00Z")
                == ["2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"])
        #expect(
            try Support.fires(
                "0,30 * * * *", "America/New_York", after: "2026-11-01T04:45:00Z", through: "2026-11-01T07:00:00Z")
                == [
                    "2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z",
                    "2026-11-01T07:00:00Z",
                ])
    }

    @Test func halfHourShiftOnLordHowe() throws {
        // Lord Howe Island moves its clock by 30 minutes: 02:00 -> 02:30 on 2026-10-04 (15:30 UTC the day before),
        // and 02:00 -> 01:30 on 2026-04-05 (15:00 UTC the day before).
        #expect(
            try Support.fires(
                "15 2 * * *", "Australia/Lord_Howe", after: "2026-10-02T00:00:00Z", through: "2026-10-05T00:00:00Z")
                == ["2026-10-02T15:45:00Z", "2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"])
        #expect(
            try Support.fires(
                "45 1 * * *", "Australia/Lord_Howe", after: "2026-04-03T00:00:00Z", through: "2026-04-06T00:00:00Z")
                == ["2026-04-03T14:45:00Z", "2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"])
        #expect(
            try Support.fires(
                "*/15 1 * * *", "Australia/Lord_Howe", after: "2026-04-04T14:00:00Z", through: "2026-04-04T16:00:00Z")
                == [
                    "2026-04-04T14:15:00Z", "2026-04-04T14:30:00Z", "2026-04-04T14:45:00Z", "2026-04-04T15:00:00Z",
                    "2026-04-04T15:15:00Z",
                ])
    }

    @Test func samoaSkippedAWholeDay() throws {
        // Pacific/Apia went from UTC-10 to UTC+14 at the end of 2011-12-29: 30 December never happened there.
        #expect(
            try Support.fires(
                "0 12 * * *", "Pacific/Apia", after: "2011-12-28T00:00:00Z", through: "2012-01-01T00:00:00Z")
                == [
                    "2011-12-28T22:00:00Z", "2011-12-29T22:00:00Z", "2011-12-30T10:00:00Z", "2011-12-30T22:00:00Z",
                    "2011-12-31T22:00:00Z",
                ])
        #expect(
            try Support.fires(
                "0 */12 * * *", "Pacific/Apia", after: "2011-12-29T00:00:00Z", through: "2011-12-31T00:00:00Z")
                == ["2011-12-29T10:00:00Z", "2011-12-29T22:00:00Z", "2011-12-30T10:00:00Z", "2011-12-30T22:00:00Z"])
    }

    @Test func chileChangesClocksAtMidnight() throws {
        // America/Santiago: 2026-09-06 00:00 (-04) jumps to 01:00 (-03); 2026-04-05 00:00 (-03) falls back to
        // 23:00 (-04) on the 4th, so 23:00-23:59 of the 4th happens twice.
        #expect(
            try Support.fires(
                "30 0 * * *", "America/Santiago", after: "2026-09-05T00:00:00Z", through: "2026-09-07T12:00:00Z")
                == ["2026-09-05T04:30:00Z", "2026-09-06T04:00:00Z", "2026-09-07T03:30:00Z"])
        #expect(
            try Support.fires(
                "30 23 * * *", "America/Santiago", after: "2026-04-03T12:00:00Z", through: "2026-04-06T12:00:00Z")
                == ["2026-04-04T02:30:00Z", "2026-04-05T02:30:00Z", "2026-04-06T03:30:00Z"])
        #expect(
            try Support.fires(
                "30 * * * *", "America/Santiago", after: "2026-04-05T02:00:00Z", through: "2026-04-05T05:00:00Z")
                == ["2026-04-05T02:30:00Z", "2026-04-05T03:30:00Z", "2026-04-05T04:30:00Z"])
    }

    @Test func acceptedZoneNames() throws {
        for name in ["Europe/Berlin", "America/New_York", "UTC", "Etc/UTC", "Asia/Kolkata", "Australia/Lord_Howe"] {
            #expect(throws: Never.self, "\(name)") { try CronSchedule.timeZone(named: name) }
        }
        #expect(try CronSchedule.timeZone(named: "Europe/Berlin").identifier == "Europe/Berlin")
        #expect(try CronSchedule.timeZone(named: "UTC").secondsFromGMT(for: Date()) == 0)
        #expect(try CronSchedule.timeZone(named: "Etc/UTC").secondsFromGMT(for: Date()) == 0)
        let schedule = try CronSchedule(parsing: "0 7 * * *", timeZoneNamed: "Europe/Berlin")
        #expect(schedule.timeZone.identifier == "Europe/Berlin")
        #expect(schedule.description == "0 7 * * * (Europe/Berlin)")
    }

    @Test func refusedZoneNames() {
        let names = [
            "EST", "CET", "PST", "EST5EDT", "GMT+1", "Mars/Olympus", "", "europe/berlin", " Europe/Berlin",
            "Europe/Berlin/", "../Europe/Berlin", "utc", "+01:00",
        ]
        for name in names {
            #expect(
                throws: CronError(
                    message: "unknown time zone '\(name)': use an IANA name such as 'Europe/Berlin' or 'UTC'"),
                "\(name)"
            ) { try CronSchedule.timeZone(named: name) }
        }
        #expect(throws: CronError.self) { try CronSchedule(parsing: "0 7 * * *", timeZoneNamed: "CET") }
    }
}
