import Foundation
import Testing

@testable import WardenSchedule

/// Fire times on a clock without DST: fields, the day OR rule, month lengths and leap years.
struct NextFireTests {
    @Test func simpleTimesInUTC() throws {
        #expect(try Support.next("30 12 * * *", after: "2026-05-10T08:00:00Z") == "2026-05-10T12:30:00Z")
        #expect(try Support.next("30 12 * * *", after: "2026-05-10T12:30:00Z") == "2026-05-11T12:30:00Z")
        #expect(try Support.next("30 12 * * *", after: "2026-05-10T12:29:59Z") == "2026-05-10T12:30:00Z")
        #expect(try Support.next("* * * * *", after: "2026-05-10T08:00:00Z") == "2026-05-10T08:01:00Z")
        #expect(try Support.next("* * * * *", after: "2026-05-10T08:00:59Z") == "2026-05-10T08:01:00Z")
        #expect(try Support.next("0 0 1 1 *", after: "2026-05-10T08:00:00Z") == "2027-01-01T00:00:00Z")
        #expect(try Support.next("59 23 31 12 *", after: "2026-12-31T23:59:00Z") == "2027-12-31T23:59:00Z")
        #expect(try Support.next("@hourly", after: "2026-05-10T23:15:00Z") == "2026-05-11T00:00:00Z")
        #expect(try Support.next("@monthly", after: "2026-12-15T00:00:00Z") == "2027-01-01T00:00:00Z")
        #expect(try Support.next("@weekly", after: "2026-05-10T00:00:00Z") == "2026-05-17T00:00:00Z")
    }

    @Test func fractionalSecondsAreStrictlyBefore() throws {
        let schedule = try Support.schedule("* * * * *")
        let start = try Support.date("2026-05-10T08:00:00Z").addingTimeInterval(0.25)
        #expect(Support.iso(schedule.nextFire(after: start)) == "2026-05-10T08:01:00Z")
        let justBefore = try Support.date("2026-05-10T08:01:00Z").addingTimeInterval(-0.001)
        #expect(Support.iso(schedule.nextFire(after: justBefore)) == "2026-05-10T08:01:00Z")
    }

    @Test func everyQuarterHour() throws {
        #expect(
            try Support.fires("*/15 * * * *", after: "2026-05-10T23:20:00Z", through: "2026-05-11T00:30:00Z") == [
                "2026-05-10T23:30:00Z", "2026-05-10T23:45:00Z", "2026-05-11T00:00:00Z", "2026-05-11T00:15:00Z",
                "2026-05-11T00:30:00Z",
            ])
    }

    @Test func weekdaysSkipTheWeekend() throws {
        // 2026-03-06 is a Friday.
        #expect(try Support.next("0 9 * * MON-FRI", after: "2026-03-06T08:00:00Z") == "2026-03-06T09:00:00Z")
        #expect(try Support.next("0 9 * * MON-FRI", after: "2026-03-06T09:00:00Z") == "2026-03-09T09:00:00Z")
        #expect(try Support.next("0 9 * * 1-5", after: "2026-03-07T12:00:00Z") == "2026-03-09T09:00:00Z")
        #expect(try Support.next("0 9 * * SAT,SUN", after: "2026-03-06T09:00:00Z") == "2026-03-07T09:00:00Z")
        #expect(try Support.next("0 9 * * 7", after: "2026-03-06T09:00:00Z") == "2026-03-08T09:00:00Z")
    }

    @Test func leapDayWaitsForALeapYear() throws {
        #expect(try Support.next("0 0 29 2 *", after: "2026-03-01T00:00:00Z") == "2028-02-29T00:00:00Z")
        #expect(try Support.next("0 0 29 2 *", after: "2028-02-29T00:00:00Z") == "2032-02-29T00:00:00Z")
        #expect(
            try Support.next("0 0 29 2 *", "Europe/Berlin", after: "2026-03-01T00:00:00Z") == "2028-02-28T23:00:00Z")
        // 2100 is not a leap year, so from 2096 the next is 2104: beyond the five-year window.
        #expect(try Support.next("0 0 29 2 *", after: "2096-03-01T00:00:00Z") == nil)
        #expect(
            try Support.fires("0 0 29 2 *", after: "2096-03-01T00:00:00Z", through: "2105-01-01T00:00:00Z") == [
                "2104-02-29T00:00:00Z"
            ])
    }

    @Test func thirtyFirstSkipsShortMonths() throws {
        #expect(
            try Support.fires("0 0 31 * *", after: "2026-01-31T00:00:00Z", through: "2026-12-31T00:00:00Z") == [
                "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z",
                "2026-10-31T00:00:00Z", "2026-12-31T00:00:00Z",
            ])
    }

    @Test func restrictedDayFieldsCombineWithOr() throws {
        // April 2026: Fridays are the 3rd, 10th, 17th and 24th; the 13th is a Monday.
        #expect(
            try Support.fires("0 0 13 * FRI", after: "2026-04-01T00:00:00Z", through: "2026-04-30T00:00:00Z") == [
                "2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z", "2026-04-13T00:00:00Z", "2026-04-17T00:00:00Z",
                "2026-04-24T00:00:00Z",
            ])
        // February 2026: the 13th is a Friday and fires once.
        #expect(
            try Support.fires("0 0 13 * 5", after: "2026-02-10T00:00:00Z", through: "2026-02-21T00:00:00Z") == [
                "2026-02-13T00:00:00Z", "2026-02-20T00:00:00Z",
            ])
    }

    @Test func onlyOneDayFieldRestricted() throws {
        #expect(
            try Support.fires("0 0 * * FRI", after: "2026-04-01T00:00:00Z", through: "2026-04-30T00:00:00Z") == [
                "2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z", "2026-04-17T00:00:00Z", "2026-04-24T00:00:00Z",
            ])
        #expect(
            try Support.fires("0 0 13 * *", after: "2026-04-01T00:00:00Z", through: "2026-06-30T00:00:00Z") == [
                "2026-04-13T00:00:00Z", "2026-05-13T00:00:00Z", "2026-06-13T00:00:00Z",
            ])
        #expect(
            try Support.fires("0 0 13 * 0-7", after: "2026-04-01T00:00:00Z", through: "2026-04-05T00:00:00Z") == [
                "2026-04-02T00:00:00Z", "2026-04-03T00:00:00Z", "2026-04-04T00:00:00Z", "2026-04-05T00:00:00Z",
            ])
    }

    @Test func aStarredStepStillRestrictsButJoinsWithAnd() throws {
        // Day-of-month '*/2' starts with '*', so both fields must match: odd days that are Fridays.
        #expect(
            try Support.fires("0 0 */2 * FRI", after: "2026-04-01T00:00:00Z", through: "2026-04-30T00:00:00Z") == [
                "2026-04-03T00:00:00Z", "2026-04-17T00:00:00Z",
            ])
        // Written as a range it is restricted, and the OR rule applies.
        #expect(
            try Support.fires("0 0 1-31/2 * FRI", after: "2026-03-31T12:00:00Z", through: "2026-04-08T00:00:00Z")
                == [
                    "2026-04-01T00:00:00Z", "2026-04-03T00:00:00Z", "2026-04-05T00:00:00Z", "2026-04-07T00:00:00Z",
                ])
    }

    @Test func impossibleDatesNeverFire() throws {
        #expect(try Support.next("0 0 30 2 *", after: "2026-01-01T00:00:00Z") == nil)
        #expect(try Support.next("0 0 31 4,6,9,11 *", "Europe/Berlin", after: "2026-01-01T00:00:00Z") == nil)
        #expect(try Support.next("0 0 30 2 */2", after: "2026-01-01T00:00:00Z") == nil)
        #expect(try Support.fires("0 0 30 2 *", after: "2000-01-01T00:00:00Z", through: "9000-01-01T00:00:00Z").isEmpty)
        // With a restricted weekday the OR rule makes it fire on Fridays in February.
        #expect(try Support.next("0 0 30 2 FRI", after: "2026-01-01T00:00:00Z") == "2026-02-06T00:00:00Z")
    }

    @Test func firesRespectsBoundsAndLimit() throws {
        let hourly = try Support.fires("0 * * * *", after: "2026-05-10T00:00:00Z", through: "2026-05-11T00:00:00Z")
        #expect(hourly.count == 24)
        #expect(hourly.first == "2026-05-10T01:00:00Z")
        #expect(hourly.last == "2026-05-11T00:00:00Z")
        #expect(
            try Support.fires("0 * * * *", after: "2026-05-10T00:00:00Z", through: "2026-05-11T00:00:00Z", limit: 3)
                == ["2026-05-10T01:00:00Z", "2026-05-10T02:00:00Z", "2026-05-10T03:00:00Z"])
        #expect(
            try Support.fires("0 * * * *", after: "2026-05-10T00:00:00Z", through: "2026-05-11T00:00:00Z", limit: 0)
                .isEmpty)
        #expect(
            try Support.fires("0 * * * *", after: "2026-05-11T00:00:00Z", through: "2026-05-10T00:00:00Z").isEmpty)
        #expect(
            try Support.fires("0 * * * *", after: "2026-05-10T00:00:00Z", through: "2026-05-10T00:00:00Z").isEmpty)
        let everyMinute = try Support.schedule("* * * * *")
        let year = everyMinute.fires(
            after: try Support.date("2026-01-01T00:00:00Z"), through: try Support.date("2027-01-01T00:00:00Z"))
        #expect(year.count == 10_000)
    }

    @Test func fireTimesAreWholeMinutesAndIncreasing() throws {
        let schedule = try Support.schedule("*/7 */3 * * *", "Asia/Kolkata")
        let fires = schedule.fires(
            after: try Support.date("2026-01-01T00:00:00Z").addingTimeInterval(17.5),
            through: try Support.date("2026-01-08T00:00:00Z"))
        #expect(fires.count == 7 * 8 * 9)
        #expect(fires.allSatisfy { $0.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0 })
        #expect(zip(fires, fires.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func extremeDatesDoNotTrap() throws {
        let schedule = try Support.schedule("0 0 * * *", "Europe/Berlin")
        #expect(schedule.nextFire(after: Date(timeIntervalSince1970: 1e15)) == nil)
        #expect(Support.iso(schedule.nextFire(after: .distantFuture)) == "4001-01-01T23:00:00Z")
        #expect(schedule.nextFire(after: Date(timeIntervalSince1970: .infinity)) == nil)
        #expect(schedule.nextFire(after: Date(timeIntervalSince1970: .nan)) == nil)
        #expect(schedule.nextFire(after: Date(timeIntervalSince1970: -.infinity)) != nil)
        #expect(schedule.fires(after: .distantPast, through: .distantFuture, limit: 2).count == 2)
        #expect(try Support.next("0 0 * * *", after: "1969-12-31T12:00:00Z") == "1970-01-01T00:00:00Z")
        #expect(try Support.next("0 0 29 2 *", after: "1899-03-01T00:00:00Z") == "1904-02-29T00:00:00Z")
    }

    /// Far fires from every day of a season: each one is the right date (the search skips whole days and months;
    /// how fast it is belongs to a benchmark, not to a test on a shared machine).
    @Test func farFiresFromEveryDayOfASeason() throws {
        let leapDay = try Support.schedule("0 0 29 2 *", "Europe/Berlin")
        let never = try Support.schedule("0 0 30 2 *", "America/New_York")
        let thirtyFirst = try Support.schedule("0 0 31 * *", "America/New_York")
        let start = try Support.date("2026-03-01T00:00:00Z")
        let leap = try Support.date("2028-02-28T23:00:00Z")  // midnight in Berlin (CET)
        for offset in 0..<200 {
            let date = start.addingTimeInterval(TimeInterval(offset) * 86_400)
            #expect(leapDay.nextFire(after: date) == leap)
            #expect(never.nextFire(after: date) == nil)
            let next = try #require(thirtyFirst.nextFire(after: date))
            #expect(next > date && next.timeIntervalSince(date) <= 62 * 86_400)
        }
    }

    @Test func nextFireChainsToTheSameListAsFires() throws {
        for expression in ["*/13 * * * *", "0 9 * * MON-FRI", "0 0 13 * FRI", "5 4 * * SUN"] {
            let schedule = try Support.schedule(expression, "Europe/Berlin")
            let start = try Support.date("2026-03-20T00:00:00Z")
            let end = try Support.date("2026-04-20T00:00:00Z")
            var chained: [Date] = []
            var cursor = start
            while let next = schedule.nextFire(after: cursor), next <= end {
                chained.append(next)
                cursor = next
            }
            #expect(chained == schedule.fires(after: start, through: end), "\(expression)")
        }
    }
}
