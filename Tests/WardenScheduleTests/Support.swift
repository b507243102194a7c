import Foundation
import Testing

@testable import WardenSchedule

/// Shared helpers: instants are written and compared as ISO 8601 UTC strings so failures read like the spec.
enum Support {
    static let utc = TimeZone(secondsFromGMT: 0) ?? .current

    static func zone(_ name: String) throws -> TimeZone {
        try CronSchedule.timeZone(named: name)
    }

    static func schedule(_ expression: String, _ zoneName: String = "UTC") throws -> CronSchedule {
        try CronSchedule(parsing: expression, timeZone: try zone(zoneName))
    }

    static func date(_ iso: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: iso), "bad test date \(iso)")
    }

    static func iso(_ date: Date?) -> String? {
        date.map { ISO8601DateFormatter().string(from: $0) }
    }

    static func next(_ expression: String, _ zoneName: String = "UTC", after iso: String) throws -> String? {
        self.iso(try schedule(expression, zoneName).nextFire(after: try date(iso)))
    }

    static func fires(
        _ expression: String, _ zoneName: String = "UTC", after start: String, through end: String,
        limit: Int = 10_000
    ) throws -> [String] {
        try schedule(expression, zoneName).fires(after: try date(start), through: try date(end), limit: limit)
            .compactMap { iso($0) }
    }

    /// The message of the refusal, or nil when the expression parses.
    static func refusal(_ expression: String) -> String? {
        do {
            _ = try CronSchedule(parsing: expression, timeZone: utc)
            return nil
        } catch {
            return error.message
        }
    }

    /// The values set in a field's bit set.
    static func values(_ bits: UInt64) -> [Int] {
        (0..<64).filter { bits & (1 << UInt64($0)) != 0 }
    }
}
