/// A Cedar runtime value.
///
/// Equality is Cedar's: values of different types are never equal, sets compare as sets, and strings compare by
/// their exact Unicode scalars (Cedar does not normalise text, so neither do we).
public enum Value: Hashable, Sendable {
    case bool(Bool)
    case long(Int64)
    case string(String)
    case entity(EntityUID)
    case set(Set<Value>)
    case record([String: Value])
    case ext(ExtensionValue)

    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.bool(let a), .bool(let b)): return a == b
        case (.long(let a), .long(let b)): return a == b
        case (.string(let a), .string(let b)): return utf8Equal(a, b)
        case (.entity(let a), .entity(let b)): return a == b
        case (.set(let a), .set(let b)): return a == b
        case (.record(let a), .record(let b)): return a == b
        case (.ext(let a), .ext(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .bool(let b):
            hasher.combine(0)
            hasher.combine(b)
        case .long(let i):
            hasher.combine(1)
            hasher.combine(i)
        case .string(let s):
            hasher.combine(2)
            hashUTF8(s, into: &hasher)
        case .entity(let e):
            hasher.combine(3)
            hasher.combine(e)
        case .set(let s):
            hasher.combine(4)
            hasher.combine(s)
        case .record(let r):
            hasher.combine(5)
            hasher.combine(r)
        case .ext(let x):
            hasher.combine(6)
            hasher.combine(x)
        }
    }

    /// The Cedar name of this value's type, used in error messages.
    public var typeName: String {
        switch self {
        case .bool: return "bool"
        case .long: return "long"
        case .string: return "string"
        case .entity(let e): return "(entity of type `\(e.type)`)"
        case .set: return "set"
        case .record: return "record"
        case .ext(let x): return x.typeName
        }
    }
}

extension Value: CustomStringConvertible {
    /// Cedar-like rendering for diagnostics (sets and records in a stable order).
    public var description: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .long(let i): return String(i)
        case .string(let s): return quoteCedarString(s)
        case .entity(let e): return e.description
        case .set(let s): return "[" + s.map(\.description).sorted().joined(separator: ", ") + "]"
        case .record(let r):
            let fields = r.sorted { $0.key < $1.key }.map { "\(quoteCedarString($0.key)): \($0.value.description)" }
            return "{" + fields.joined(separator: ", ") + "}"
        case .ext(let x): return x.description
        }
    }
}

/// A value of one of Cedar's extension types.
public enum ExtensionValue: Hashable, Sendable, CustomStringConvertible {
    case decimal(CedarDecimal)
    case ipaddr(IPAddr)
    case datetime(CedarDatetime)
    case duration(CedarDuration)

    public var typeName: String {
        switch self {
        case .decimal: return "decimal"
        case .ipaddr: return "ipaddr"
        case .datetime: return "datetime"
        case .duration: return "duration"
        }
    }

    public var description: String {
        switch self {
        case .decimal(let d): return "decimal(\"\(d)\")"
        case .ipaddr(let ip): return "ip(\"\(ip)\")"
        case .datetime(let d): return "datetime(<\(d.millisecondsSinceEpoch) ms>)"
        case .duration(let d): return "duration(\"\(d.milliseconds)ms\")"
        }
    }
}
