import WardenCore

/// Token headers, payloads and metadata documents are read with Warden's one strict JSON parser
/// (`WardenCore.StrictJSONParser`: duplicate members, invalid UTF-8, lone surrogates, depth and size beyond the
/// limits are refused) and checked claim by claim, so an unexpected shape is refused with a named reason.
extension JSONValue {
    /// Parses a JSON document strictly; `nil` for anything that is not valid JSON.
    static func parse(_ bytes: some Collection<UInt8>) -> JSONValue? {
        try? StrictJSONParser().parse(bytes)
    }

    /// Follows a path of object member names.
    func value(at path: ClaimPath) -> JSONValue? {
        var current: JSONValue? = self
        for component in path.components {
            current = current?[component]
        }
        return current
    }

    /// A number claim (`exp`, `nbf`, `iat`) as seconds, whether written as an integer or with a fraction.
    var numberValue: Double? {
        switch self {
        case .integer(let integer): Double(integer)
        case .double(let double): double
        default: nil
        }
    }

    /// A short text form for scalar values (used for selected claims); `nil` for arrays, objects and null.
    var scalarText: String? {
        switch self {
        case .string(let string): return string
        case .bool(let bool): return bool ? "true" : "false"
        case .integer(let integer): return String(integer)
        case .double(let number):
            if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        case .null, .array, .object: return nil
        }
    }
}
