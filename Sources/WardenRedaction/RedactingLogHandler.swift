import Foundation
import Logging

/// A swift-log handler that redacts every message and metadata value and writes one JSON object per line.
///
/// Each line holds `timestamp` (RFC 3339, UTC, milliseconds), `level`, `label`, `message`, `metadata` (handler,
/// provider and call metadata merged, nested values redacted recursively, keys too), `source`, and `error` when
/// the event carries one. The handler never throws and never traps, whatever the input.
///
/// ## Logging rule for the whole code base
///
/// Tool arguments and tool results are never logged — not even redacted. Log their digest (SHA-256 of the
/// canonical JSON) and their size in bytes instead, e.g. `["args.sha256": "…", "args.bytes": "512"]`. The
/// redactor is the last line of defence for values that slip into messages, not a licence to log payloads:
/// it recognises known shapes of secrets and personal data, and business data has no shape.
public struct RedactingLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info

    private let label: String
    private let redactor: Redactor
    private let sink: any LogLineSink
    private let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - label: the logger's label, written as is (it names code, not data).
    ///   - redactor: applied to the message, every metadata key and value, and the error description.
    ///   - sink: where lines go; standard output by default.
    ///   - clock: the source of timestamps, injectable for tests.
    public init(
        label: String,
        redactor: Redactor = Redactor(),
        sink: any LogLineSink = StandardOutputSink(),
        metadataProvider: Logger.MetadataProvider? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.label = label
        self.redactor = redactor
        self.sink = sink
        self.metadataProvider = metadataProvider
        self.clock = clock
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        let redact = { (text: String) in redactor.redact(text) }

        var line = JSONLine()
        line.append(raw: "{\"timestamp\":")
        line.append(string: RFC3339.format(clock()))
        line.append(raw: ",\"level\":")
        line.append(string: event.level.rawValue)
        line.append(raw: ",\"label\":")
        line.append(string: label)
        line.append(raw: ",\"message\":")
        line.append(string: redact(event.message.description))
        line.append(raw: ",\"metadata\":")
        line.append(object: merged, transform: redact)
        line.append(raw: ",\"source\":")
        line.append(string: event.source)
        if let error = event.error {
            line.append(raw: ",\"error\":")
            line.append(string: redact(String(describing: error)))
        }
        line.append(raw: "}\n")
        sink.write(line: String(decoding: line.bytes, as: UTF8.self))
    }
}

/// RFC 3339 UTC timestamps with milliseconds, computed arithmetically (no formatter state, no locale).
enum RFC3339 {
    static func format(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite, interval >= 0, interval < 253_402_300_800 else { return "invalid-time" }
        let totalMilliseconds = Int64((interval * 1000).rounded(.down))
        let milliseconds = Int(((totalMilliseconds % 1000) + 1000) % 1000)
        let seconds = (totalMilliseconds - Int64(milliseconds)) / 1000
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = civil(fromDays: days)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(milliseconds, 3))Z"
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil_from_days algorithm).
    private static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
