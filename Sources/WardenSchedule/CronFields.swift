/// A parsed five-field expression: which minutes, hours, days and months match, plus the two flags cron derives
/// from how the fields were written.
struct CronFields: Sendable, Hashable {
    var minutes: UInt64
    var hours: UInt64
    var daysOfMonth: UInt64
    var months: UInt64
    var daysOfWeek: UInt64
    /// Vixie cron's test for the day-of-month/day-of-week OR rule is the field's text starting with `*`.
    var dayOfMonthIsStar: Bool
    var dayOfWeekIsStar: Bool
    /// Neither the minute nor the hour field starts with `*`: the schedule names times of day, so a time lost to a
    /// DST gap is made up once and a time repeated by a fall back fires once (Vixie cron's "fixed-time" jobs).
    var isFixedTime: Bool

    static let maximumExpressionLength = 256

    /// Macros and the five fields they stand for.
    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
        "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@hourly": "0 * * * *",
    ]

    /// Parses a trimmed expression: a macro or five fields separated by spaces or tabs.
    init(expression: String) throws(CronError) {
        guard !expression.isEmpty else { throw CronError(message: "cron expression is empty") }
        var text = expression
        if expression.hasPrefix("@") {
            let macro = expression.lowercased()
            if macro == "@reboot" {
                throw CronError(message: "'@reboot' is not a time: it runs at startup, which a schedule cannot express")
            }
            guard let fields = Self.macros[macro] else {
                throw CronError(
                    message: "unknown macro '\(expression)'; use @yearly, @annually, @monthly, @weekly, @daily, "
                        + "@midnight or @hourly")
            }
            text = fields
        }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 5 else {
            throw CronError(
                message: "expected 5 fields (minute hour day-of-month month day-of-week), found \(parts.count); "
                    + "seconds and year fields are not supported")
        }
        minutes = try CronFieldParser(field: .minute, text: parts[0]).parse()
        hours = try CronFieldParser(field: .hour, text: parts[1]).parse()
        daysOfMonth = try CronFieldParser(field: .dayOfMonth, text: parts[2]).parse()
        months = try CronFieldParser(field: .month, text: parts[3]).parse()
        daysOfWeek = try CronFieldParser(field: .dayOfWeek, text: parts[4]).parse()
        dayOfMonthIsStar = parts[2].hasPrefix("*")
        dayOfWeekIsStar = parts[4].hasPrefix("*")
        isFixedTime = !parts[0].hasPrefix("*") && !parts[1].hasPrefix("*")
    }

    /// Whether a date's day matches: when both day fields are restricted either one suffices, otherwise both must.
    func matchesDay(month: Int, day: Int, weekday: Int) -> Bool {
        guard months.has(month) else { return false }
        let dayOfMonthMatches = daysOfMonth.has(day)
        let dayOfWeekMatches = daysOfWeek.has(weekday)
        if dayOfMonthIsStar || dayOfWeekIsStar {
            return dayOfMonthMatches && dayOfWeekMatches
        }
        return dayOfMonthMatches || dayOfWeekMatches
    }

    /// The first wall-clock minute at or after `wall` that matches, if it is not later than `limit`. Wall times are
    /// seconds on the local clock counted from 1970-01-01 00:00 as if that clock were UTC.
    func firstMatch(atOrAfter wall: Int, through limit: Int) -> Int? {
        let start = CivilDate.floorDivide(wall + 59, 60) * 60
        guard start <= limit else { return nil }
        var day = CivilDate.floorDivide(start, CivilDate.secondsPerDay)
        var minuteOfDay = (start - day * CivilDate.secondsPerDay) / 60
        let lastDay = CivilDate.floorDivide(limit, CivilDate.secondsPerDay)
        while day <= lastDay {
            let date = CivilDate.date(dayNumber: day)
            if !months.has(date.month) {
                day = CivilDate.firstDayOfNextMonth(year: date.year, month: date.month)
            } else {
                let weekday = CivilDate.weekday(dayNumber: day)
                if matchesDay(month: date.month, day: date.day, weekday: weekday),
                    let minute = firstTime(atOrAfter: minuteOfDay)
                {
                    let match = day * CivilDate.secondsPerDay + minute * 60
                    return match <= limit ? match : nil
                }
                day += 1
            }
            minuteOfDay = 0
        }
        return nil
    }

    /// The first matching minute of the day at or after `minuteOfDay`.
    private func firstTime(atOrAfter minuteOfDay: Int) -> Int? {
        var hour = minuteOfDay / 60
        var minute = minuteOfDay % 60
        while let matchingHour = hours.lowestValue(atOrAbove: hour), matchingHour < 24 {
            if matchingHour != hour {
                minute = 0
            }
            if let matchingMinute = minutes.lowestValue(atOrAbove: minute) {
                return matchingHour * 60 + matchingMinute
            }
            hour = matchingHour + 1
            minute = 0
        }
        return nil
    }

    /// False when the day fields can only match a date no month in the schedule has, like 30 February: such a
    /// schedule never fires, and knowing it up front spares scanning the whole search window.
    var canEverMatch: Bool {
        guard dayOfMonthIsStar || dayOfWeekIsStar else { return true }
        let longestMonths: [Int] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...12).contains { month in
            months.has(month) && daysOfMonth.lowestValue(atOrAbove: 1).map { $0 <= longestMonths[month - 1] } == true
        }
    }
}

extension UInt64 {
    fileprivate func has(_ value: Int) -> Bool {
        value >= 0 && value < 64 && self & (1 << UInt64(value)) != 0
    }

    /// The smallest set bit at or above `value`.
    fileprivate func lowestValue(atOrAbove value: Int) -> Int? {
        guard value < 64 else { return nil }
        let remaining = self & (UInt64.max << UInt64(Swift.max(value, 0)))
        return remaining == 0 ? nil : remaining.trailingZeroBitCount
    }
}
