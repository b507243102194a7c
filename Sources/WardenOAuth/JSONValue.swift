import Foundation

/// A JSON value as read from a token header, a token payload or a metadata document.
///
/// Claims are read through this type rather than through a fixed `Codable` payload so that every claim is
/// checked by our own rules (types, presence) and an unexpected shape is refused with a named reason.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses a JSON document strictly (see ``StrictJSONParser``); `nil` for anything that is not valid JSON.
    static func parse(_ bytes: some Collection<UInt8>) -> JSONValue? {
        StrictJSONParser.parse(Array(bytes))
    }

    /// The member `key` when this value is an object.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// Follows a path of object member names.
    func value(at path: ClaimPath) -> JSONValue? {
        var current: JSONValue? = self
        for component in path.components {
            current = current?[component]
        }
        return current
    }

    var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    var numberValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// A short text form for scalar values (used for selected claims); `nil` for arrays, objects and null.
    var scalarText: String? {
        switch self {
        case .string(let string): return string
        case .bool(let bool): return bool ? "true" : "false"
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        case .null, .array, .object: return nil
        }
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let bool): try container.encode(bool)
        case .number(let number): try container.encode(number)
        case .string(let string): try container.encode(string)
        case .array(let array): try container.encode(array)
        case .object(let object): try container.encode(object)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) {
        self = .array(elements)
    }
}
