/// An error whose log description holds only Warden's own words: fixed text, rule ids, numbers, sizes.
///
/// Logs must never carry text an agent or an upstream controls (an upstream's error message can hold names,
/// dates of birth or passwords that no redactor recognises). Errors that may be logged conform and build their
/// `logDescription` from fixed strings; everything else is logged by its type name only.
public protocol LogSafeError: Error {
    var logDescription: String { get }
}

public enum LogSafe {
    /// What may be logged about `error`: its log-safe description, or only the name of its type.
    public static func describe(_ error: any Error) -> String {
        if let safe = error as? any LogSafeError { return safe.logDescription }
        return "error of type \(type(of: error))"
    }
}

extension Refusal: LogSafeError {
    /// The rule only: a refusal's message may name arguments.
    public var logDescription: String { "refused by \(rule)" }
}
