/// Cedar's `duration`: a signed number of milliseconds.
public struct CedarDuration: Hashable, Sendable, Comparable {
    public let milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Parses `-?(Nd)?(Nh)?(Nm)?(Ns)?(Nms)?` with at least one component; nil on bad syntax or overflow.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < bytes.count else { return nil }
        // Unit order: d=0, h=1, m=2, s=3, ms=4; each at most once and in this order.
        var quantities: [UInt64?] = [nil, nil, nil, nil, nil]
        var lastUnit = -1
        var overflow = false
        while index < bytes.count {
            var q: UInt64 = 0
            let start = index
            while index < bytes.count, isDigit(bytes[index]) {
                let (m, o1) = q.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
                if o1 || o2 { overflow = true }
                q = a
                index += 1
            }
            guard index > start, index < bytes.count else { return nil }
            let unit: Int
            switch bytes[index] {
            case UInt8(ascii: "d"): unit = 0
            case UInt8(ascii: "h"): unit = 1
            case UInt8(ascii: "m"):
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "s") {
                    unit = 4
                    index += 1
                } else {
                    unit = 2
                }
            case UInt8(ascii: "s"): unit = 3
            default: return nil
            }
            index += 1
            guard unit > lastUnit else { return nil }
            lastUnit = unit
            quantities[unit] = q
        }
        if overflow { return nil }
        let factors: [Int64] = [86_400_000, 3_600_000, 60_000, 1000, 1]
        var total: Int64 = 0
        for unit in [4, 3, 2, 1, 0] {
            guard let q = quantities[unit] else { continue }
            guard let q64 = Int64(exactly: q) else { return nil }
            let (m, o1) = q64.multipliedReportingOverflow(by: factors[unit])
            let (r, o2) = negative ? total.subtractingReportingOverflow(m) : total.addingReportingOverflow(m)
            if o1 || o2 { return nil }
            total = r
        }
        milliseconds = total
    }

    public static func < (lhs: CedarDuration, rhs: CedarDuration) -> Bool { lhs.milliseconds < rhs.milliseconds }
}

/// Cedar's `datetime`: milliseconds since the Unix epoch (UTC, no leap seconds).
public struct CedarDatetime: Hashable, Sendable, Comparable {
    public let millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public static let millisecondsPerDay: Int64 = 86_400_000

    /// Parses `YYYY-MM-DD`, optionally followed by `Thh:mm:ss`, an optional `.SSS`, and `Z` or `(+|-)hhmm`.
    public init?(parsing text: String) {
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= b.count else { return nil }
            var v: Int64 = 0
            for i in from..<(from + count) {
                guard isDigit(b[i]) else { return nil }
                v = v * 10 + Int64(b[i] - UInt8(ascii: "0"))
            }
            return v
        }
        guard let year = number(0, 4), b.count >= 10, b[4] == UInt8(ascii: "-"), let month = number(5, 2),
            b[7] == UInt8(ascii: "-"), let day = number(8, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= CedarDatetime.daysIn(month: month, year: year) else {
            return nil
        }
        let days = CedarDatetime.daysFromCivil(year: year, month: month, day: day)
        if b.count == 10 {
            millisecondsSinceEpoch = days * CedarDatetime.millisecondsPerDay
            return
        }
        guard b.count >= 19, b[10] == UInt8(ascii: "T"), let hh = number(11, 2), b[13] == UInt8(ascii: ":"),
            let mm = number(14, 2), b[16] == UInt8(ascii: ":"), let ss = number(17, 2)
        else { return nil }
        var index = 19
        var millis: Int64 = 0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            guard let ms = number(index + 1, 3) else { return nil }
            millis = ms
            index += 4
        }
        guard index < b.count else { return nil }
        var offsetSeconds: Int64 = 0
        if b[index] == UInt8(ascii: "Z") {
            guard index + 1 == b.count else { return nil }
        } else if b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-") {
            guard index + 5 == b.count, let oh = number(index + 1, 2), let om = number(index + 3, 2) else {
                return nil
            }
            guard hh < 24, mm < 60, ss < 60 else { return nil }
            guard oh < 24, om < 60 else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[index] == UInt8(ascii: "+") ? 1 : -1)
        } else {
            return nil
        }
        guard hh < 24, mm < 60, ss < 60 else { return nil }
        let seconds = days * 86_400 + hh * 3600 + mm * 60 + ss - offsetSeconds
        millisecondsSinceEpoch = seconds * 1000 + millis
    }

    static func isLeap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func < (lhs: CedarDatetime, rhs: CedarDatetime) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// The datetime moved by `duration`; nil on overflow.
    public func offset(by duration: CedarDuration) -> CedarDatetime? {
        let (r, o) = millisecondsSinceEpoch.addingReportingOverflow(duration.milliseconds)
        return o ? nil : CedarDatetime(millisecondsSinceEpoch: r)
    }

    /// `self - other`; nil on overflow.
    public func duration(since other: CedarDatetime) -> CedarDuration? {
        let (r, o) = millisecondsSinceEpoch.subtractingReportingOverflow(other.millisecondsSinceEpoch)
        return o ? nil : CedarDuration(milliseconds: r)
    }

    /// Midnight (UTC) of this datetime's day, rounding toward negative infinity; nil on overflow.
    public func date() -> CedarDatetime? {
        let day = CedarDatetime.millisecondsPerDay
        var rem = millisecondsSinceEpoch % day
        if rem < 0 { rem += day }
        let (r, o) = millisecondsSinceEpoch.subtractingReportingOverflow(rem)
        return o ? nil : CedarDatetime(millisecondsSinceEpoch: r)
    }

    /// Time since midnight (UTC) of this datetime's day.
    public func timeOfDay() -> CedarDuration {
        var rem = millisecondsSinceEpoch % CedarDatetime.millisecondsPerDay
        if rem < 0 { rem += CedarDatetime.millisecondsPerDay }
        return CedarDuration(milliseconds: rem)
    }
}
