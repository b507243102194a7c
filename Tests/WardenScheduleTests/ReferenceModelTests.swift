import Foundation
import Testing

@testable import WardenSchedule

/// Cross-checks the fast search against a slow, independent model of the same semantics: it visits every minute,
/// reads the wall clock with `Calendar`, remembers which wall times it has seen (repeats) and which it jumped over
/// (gaps). Windows sit on transitions of several kinds: DST in both hemispheres, a 30-minute shift, a skipped day,
/// clocks changed at midnight, a change of standard offset, and zones without DST.
struct ReferenceModelTests {
    struct Window: Sendable, CustomTestStringConvertible {
        let zone: String
        let transition: String
        var testDescription: String { "\(zone) \(transition)" }
    }

    static let windows: [Window] = [
        Window(zone: "Europe/Berlin", transition: "2026-03-29T01:00:00Z"),
        Window(zone: "Europe/Berlin", transition: "2026-10-25T01:00:00Z"),
        Window(zone: "America/New_York", transition: "2026-03-08T07:00:00Z"),
        Window(zone: "America/New_York", transition: "2026-11-01T06:00:00Z"),
        Window(zone: "America/St_Johns", transition: "2026-03-08T05:30:00Z"),
        Window(zone: "Australia/Lord_Howe", transition: "2026-04-04T15:00:00Z"),
        Window(zone: "Australia/Lord_Howe", transition: "2026-10-03T15:30:00Z"),
        Window(zone: "Pacific/Apia", transition: "2011-12-30T10:00:00Z"),
        Window(zone: "America/Santiago", transition: "2026-04-05T03:00:00Z"),
        Window(zone: "America/Santiago", transition: "2026-09-06T04:00:00Z"),
        Window(zone: "Europe/Moscow", transition: "2014-10-25T22:00:00Z"),
        Window(zone: "Asia/Kolkata", transition: "2026-06-01T00:00:00Z"),
        Window(zone: "UTC", transition: "2028-02-28T12:00:00Z"),
    ]

    static let expressions = [
        "* * * * *", "*/15 * * * *", "0,30 * * * *", "@hourly", "15 */2 * * *", "*/7 2 * * *", "* 2 * * *",
        "30 2 * * *", "0 2,3 * * *", "15 1-3 * * *", "0-59/20 1-3 * * *", "59 1 * * *", "0 3 * * *", "@daily",
        "30 23 * * *", "45 0 * * *", "0 0,12 * * SUN", "30 0 * * 0,6", "0 0 13 * FRI", "0 12 29 2 *",
    ]

    /// The model: fire times in (start, end], found minute by minute.
    static func modelFires(_ schedule: CronSchedule, after start: Int, through end: Int) throws -> [Int] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = schedule.timeZone
        var utcCalendar = Calendar(identifier: .gregorian)
        utcCalendar.timeZone = Support.utc
        let fields = schedule.fields
        let minutes = Set(Support.values(fields.minutes))
        let hours = Set(Support.values(fields.hours))
        let days = Set(Support.values(fields.daysOfMonth))
        let months = Set(Support.values(fields.months))
        let weekdays = Set(Support.values(fields.daysOfWeek))
        let units: Set<Calendar.Component> = [.month, .day, .hour, .minute, .weekday]

        func matches(_ components: DateComponents) throws -> Bool {
            let minute = try #require(components.minute)
            let hour = try #require(components.hour)
            let day = try #require(components.day)
            let month = try #require(components.month)
            let weekday = try #require(components.weekday) - 1
            guard minutes.contains(minute), hours.contains(hour), months.contains(month) else { return false }
            if fields.dayOfMonthIsStar || fields.dayOfWeekIsStar {
                return days.contains(day) && weekdays.contains(weekday)
            }
            return days.contains(day) || weekdays.contains(weekday)
        }

        var seenWalls = Set<Int>()
        var previousWall: Int?
        var fires: [Int] = []
        // Start early enough to have seen the first pass of any repeated wall time.
        var instant = (start - 26 * 3600) / 60 * 60
        while instant <= end {
            let date = Date(timeIntervalSince1970: TimeInterval(instant))
            let wall = instant + schedule.timeZone.secondsFromGMT(for: date)
            var shouldFire = try matches(calendar.dateComponents(units, from: date))
            if fields.isFixedTime, seenWalls.contains(wall) {
                shouldFire = false
            }
            if fields.isFixedTime, let previousWall, wall > previousWall + 60 {
                for skipped in stride(from: previousWall + 60, to: wall, by: 60) {
                    let skippedDate = Date(timeIntervalSince1970: TimeInterval(skipped))
                    if try matches(utcCalendar.dateComponents(units, from: skippedDate)) {
                        shouldFire = true
                        break
                    }
                }
            }
            seenWalls.insert(wall)
            previousWall = wall
            if shouldFire, instant > start {
                fires.append(instant)
            }
            instant += 60
        }
        return fires
    }

    @Test(arguments: windows)
    func searchAgreesWithTheMinuteByMinuteModel(window: Window) throws {
        let transition = Int(try Support.date(window.transition).timeIntervalSince1970)
        let start = transition - 20 * 3600
        let end = transition + 20 * 3600
        for expression in Self.expressions {
            let schedule = try Support.schedule(expression, window.zone)
            let expected = try Self.modelFires(schedule, after: start, through: end)
            // Starting anywhere, including inside a repeated or skipped hour, gives the tail of the same list.
            let starts =
                Array(stride(from: start, through: transition + 3 * 3600, by: 600))
                + [transition - 61, transition - 1, transition + 1, transition + 59]
            for from in starts {
                let fires = schedule.fires(
                    after: Date(timeIntervalSince1970: TimeInterval(from)),
                    through: Date(timeIntervalSince1970: TimeInterval(end))
                ).map { Int($0.timeIntervalSince1970) }
                let tail = expected.filter { $0 > from }
                #expect(fires == tail, "\(expression) from \(from)")
                if fires != tail { break }
                let next = schedule.nextFire(after: Date(timeIntervalSince1970: TimeInterval(from)))
                if let first = tail.first {
                    #expect(next.map { Int($0.timeIntervalSince1970) } == first, "\(expression) next after \(from)")
                }
            }
        }
    }

    @Test func modelSeesTheTransitionsTheWindowsClaim() throws {
        // Guards the windows above: each is centred on a real offset change.
        for window in Self.windows where window.zone != "UTC" && window.zone != "Asia/Kolkata" {
            let zone = try Support.zone(window.zone)
            let transition = try Support.date(window.transition)
            #expect(
                zone.secondsFromGMT(for: transition) != zone.secondsFromGMT(for: transition.addingTimeInterval(-1)),
                "\(window.zone) \(window.transition)")
        }
    }
}
