import Foundation

/// A standard (Vixie/POSIX) cron schedule read on the wall clock of a time zone.
///
/// Expressions have five fields, `minute hour day-of-month month day-of-week`, or are one of the macros `@yearly`,
/// `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`. A field is a comma-separated list of `*`,
/// values, ranges `a-b` and steps `*/n`, `a-b/n` and `a/n` (from `a` to the field's end). Months and weekdays take
/// three-letter names in any case; day-of-week 0 and 7 are both Sunday, and `SUN` ending a range (`MON-SUN`) is 7.
/// When both day fields are restricted a day matches if either does; a day field whose text starts with `*`
/// (`*` or `*/2`) leaves the other alone in charge, as in Vixie cron.
///
/// Fire times are strictly increasing and never repeated. Daylight saving follows Vixie cron:
/// - A fixed-time schedule (neither the minute nor the hour field starts with `*`, like `30 2 * * *`) whose time
///   falls into a spring-forward gap fires once, at the instant the clock jumps (03:00 in Europe/Berlin on
///   2026-03-29), however many of its times the gap swallowed. When a fall back repeats its time, it fires at the
///   first occurrence only.
/// - Any other schedule (like `*/15 * * * *` or `@hourly`) follows the real clock: wall times that do not exist do
///   not fire, and wall times that happen twice fire twice.
///
/// Fires are whole minutes of the zone's clock, which are whole UTC minutes wherever the offset is (everywhere since
/// 1972; local mean time before standard time had odd seconds). The search reads offsets and
/// transitions from `TimeZone` and does the date arithmetic itself (proleptic Gregorian, which agrees with
/// `Calendar(identifier: .gregorian)` from 1583 on), so a fire years away, like the next 29 February, costs a scan
/// of day numbers rather than of minutes. Dates are clamped to the years 1 to 9999.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The expression as given, without surrounding whitespace.
    public let expression: String
    public let timeZone: TimeZone
    /// Internal so tests can read the parsed value sets.
    let fields: CronFields

    /// How far `nextFire(after:)` looks: five years of 365 days plus two leap days.
    static let searchWindow = 1827 * CivilDate.secondsPerDay
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    static let earliestInstant = -62_135_596_800
    static let latestInstant = 253_402_300_799

    /// Parses a 5-field expression (minute hour day-of-month month day-of-week) or a macro, in `timeZone`.
    public init(parsing expression: String, timeZone: TimeZone) throws(CronError) {
        // Counted in bytes before any other work, so an oversized input costs nothing; valid expressions are ASCII.
        guard expression.utf8.count <= CronFields.maximumExpressionLength else {
            throw CronError(
                message: "cron expression is longer than \(CronFields.maximumExpressionLength) characters")
        }
        let trimmed = expression.trimmingCharacters(in: .whitespacesAndNewlines)
        self.fields = try CronFields(expression: trimmed)
        self.expression = trimmed
        self.timeZone = timeZone
    }

    /// Parses an expression in the time zone with the given IANA name; see `timeZone(named:)`.
    public init(parsing expression: String, timeZoneNamed name: String) throws(CronError) {
        try self.init(parsing: expression, timeZone: try Self.timeZone(named: name))
    }

    public var description: String { "\(expression) (\(timeZone.identifier))" }

    /// The first fire time strictly after `date`, or nil if none within the next 5 years (e.g. "0 0 30 2 *").
    public func nextFire(after date: Date) -> Date? {
        guard let lower = Self.instant(date) else { return nil }
        var walker = FireWalker(
            fields: fields, timeZone: timeZone, after: lower,
            through: min(lower + Self.searchWindow, Self.latestInstant))
        return walker.next().map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// Every fire time in (start, end], ascending, at most `limit` of them.
    public func fires(after start: Date, through end: Date, limit: Int = 10_000) -> [Date] {
        guard limit > 0, let lower = Self.instant(start), let upper = Self.instant(end), lower < upper else {
            return []
        }
        var walker = FireWalker(fields: fields, timeZone: timeZone, after: lower, through: upper)
        var result: [Date] = []
        while result.count < limit, let fire = walker.next() {
            result.append(Date(timeIntervalSince1970: TimeInterval(fire)))
        }
        return result
    }

    /// The time zone with an IANA name such as "Europe/Berlin", "America/New_York" or "UTC". Abbreviations like
    /// "EST" or "CET" are refused: they are ambiguous, and several do not follow the DST rules their name suggests.
    /// A name must be "UTC", "Etc/UTC", one of `TimeZone.knownTimeZoneIdentifiers`, or an `Area/Location` name that
    /// Foundation loads under exactly that name: the known list misses some current IANA names ("Asia/Kolkata" is
    /// listed only under its old name "Asia/Calcutta" on Linux), and abbreviations never contain a slash.
    public static func timeZone(named name: String) throws(CronError) -> TimeZone {
        let isUTC = name == "UTC" || name == "Etc/UTC"
        let isListed = isUTC || TimeZone.knownTimeZoneIdentifiers.contains(name)
        guard let zone = TimeZone(identifier: name), isListed || (name.contains("/") && zone.identifier == name)
        else {
            throw CronError(
                message: "unknown time zone '\(name)': use an IANA name such as 'Europe/Berlin' or 'UTC'")
        }
        return zone
    }

    /// Whole seconds since 1970, rounded down: a whole-second fire is after `date` exactly when it is after this.
    private static func instant(_ date: Date) -> Int? {
        let seconds = date.timeIntervalSince1970
        guard !seconds.isNaN else { return nil }
        let clamped = min(max(seconds, TimeInterval(earliestInstant)), TimeInterval(latestInstant))
        return Int(clamped.rounded(.down))
    }
}
