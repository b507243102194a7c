import WardenCore

/// Why a call's arguments do not satisfy the tool's pinned schema. The rule is stable (`arguments.<what>`);
/// the message names the argument's path and the constraint, never its value.
public struct ArgumentViolation: Error, Sendable, Hashable, CustomStringConvertible {
    public var rule: String
    public var path: String
    public var message: String

    public var description: String { "argument '\(path)': \(message)" }

    public var refusal: Refusal { Refusal(rule: rule, message: description) }
}

extension ArgumentSchema {
    /// Checks a call's arguments against this (object) schema; the first violation refuses the call.
    public func validate(arguments: [String: JSONValue]) throws(ArgumentViolation) {
        try check(.object(arguments), path: "")
    }

    func violation(_ rule: String, _ path: String, _ message: String) -> ArgumentViolation {
        ArgumentViolation(rule: "arguments." + rule, path: path.isEmpty ? "(arguments)" : path, message: message)
    }

    func check(_ value: JSONValue, path: String) throws(ArgumentViolation) {
        if value == .null {
            guard nullable else { throw violation("type", path, "must not be null") }
            return
        }
        switch kind {
        case .string:
            guard case .string(let text) = value else { throw violation("type", path, "must be a string") }
            try checkString(text, path: path)
        case .integer:
            guard case .integer(let number) = value else {
                throw violation(
                    "type", path, "must be an integer written without fraction or exponent, within 64 bits")
            }
            try checkIntegerBounds(number, path: path)
        case .number:
            switch value {
            case .integer, .double:
                guard let decimal = ScaledDecimal(json: value) else {
                    throw violation(
                        "number", path,
                        "must have at most four fractional digits and fit a 64-bit decimal (Warden's number model)")
                }
                try checkBounds(decimal, path: path)
            default:
                throw violation("type", path, "must be a number")
            }
        case .boolean:
            guard case .bool = value else { throw violation("type", path, "must be a boolean") }
        case .array(let items):
            guard case .array(let elements) = value else { throw violation("type", path, "must be an array") }
            try checkCount(elements, path: path)
            for (index, element) in elements.enumerated() {
                try items.check(element, path: "\(path)[\(index)]")
            }
        case .object(let properties, let required):
            guard case .object(let members) = value else { throw violation("type", path, "must be an object") }
            // Names match byte for byte: Swift's `==` on strings is Unicode canonical equivalence (a Kelvin sign
            // equals `K`), and the upstream compares bytes, so a look-alike name would be judged as the declared
            // argument and forwarded as another.
            for name in members.keys.sorted() where Self.declaredName(name, in: properties) == nil {
                throw violation(
                    "undeclared", join(path, name),
                    "is not declared by the tool's schema (Warden refuses what it cannot judge)")
            }
            for name in required.sorted() where !members.keys.contains(where: { $0.utf8.elementsEqual(name.utf8) }) {
                throw violation("required", join(path, name), "is required by the tool's schema")
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                try Self.declaredName(name, in: properties).flatMap { properties[$0] }?.check(
                    member, path: join(path, name))
            }
        case .opaqueObject:
            guard case .object = value else { throw violation("type", path, "must be an object") }
        case .stringOrStrings(let maxItems):
            switch value {
            case .string(let text):
                try checkString(text, path: path)
                try checkAllowed(value, path: path)
            case .array(let elements):
                if let maxItems, elements.count > maxItems {
                    throw violation("items", path, "has more than \(maxItems) elements")
                }
                for (index, element) in elements.enumerated() {
                    guard case .string(let text) = element else {
                        throw violation("type", "\(path)[\(index)]", "must be a string")
                    }
                    try checkString(text, path: "\(path)[\(index)]")
                    try checkAllowed(element, path: "\(path)[\(index)]")
                }
            default:
                throw violation("type", path, "must be a string or an array of strings")
            }
            return
        }
        try checkAllowed(value, path: path)
    }

    /// The declared property whose name is byte-identical to `name`, if any.
    static func declaredName(_ name: String, in properties: [String: ArgumentSchema]) -> String? {
        properties.keys.first { $0.utf8.elementsEqual(name.utf8) }
    }

    func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : path + "." + name }

    func checkAllowed(_ value: JSONValue, path: String) throws(ArgumentViolation) {
        guard let allowed else { return }
        guard allowed.contains(where: { Self.sameJSON($0, value) }) else {
            throw violation("enum", path, "is not one of the values the tool's schema allows")
        }
    }

    /// JSON equality with numbers compared by value (1 and 1.0 are the same enum member).
    static func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = ScaledDecimal(json: a), let y = ScaledDecimal(json: b) { return x == y }
        return a == b
    }

    func checkString(_ text: String, path: String) throws(ArgumentViolation) {
        let length = text.unicodeScalars.count
        if let minLength, length < minLength { throw violation("length", path, "is shorter than \(minLength)") }
        if let maxLength, length > maxLength { throw violation("length", path, "is longer than \(maxLength)") }
        if let pattern, !PatternMatcher.matches(pattern, text) {
            throw violation("pattern", path, "does not match the schema's pattern")
        }
        if let format, !FormatChecker.matches(format, text) {
            throw violation("format", path, "is not a valid \(format.rawValue)")
        }
    }

    func checkBounds(_ value: ScaledDecimal?, path: String) throws(ArgumentViolation) {
        guard let value else { throw violation("number", path, "is out of range") }
        if let minimum, value < minimum.value || (minimum.exclusive && value == minimum.value) {
            throw violation("range", path, "is below the schema's minimum")
        }
        if let maximum, value > maximum.value || (maximum.exclusive && value == maximum.value) {
            throw violation("range", path, "is above the schema's maximum")
        }
    }

    /// Bounds of an integer: every 64-bit integer is valid; one beyond the decimal range is compared by sign (any
    /// bound lies within the decimal range, so such an integer is past it on that side).
    func checkIntegerBounds(_ number: Int64, path: String) throws(ArgumentViolation) {
        if let decimal = ScaledDecimal(json: .integer(number)) { return try checkBounds(decimal, path: path) }
        if number > 0, maximum != nil { throw violation("range", path, "is above the schema's maximum") }
        if number < 0, minimum != nil { throw violation("range", path, "is below the schema's minimum") }
    }

    func checkCount(_ elements: [JSONValue], path: String) throws(ArgumentViolation) {
        if let minItems, elements.count < minItems {
            throw violation("items", path, "has fewer than \(minItems) elements")
        }
        if let maxItems, elements.count > maxItems {
            throw violation("items", path, "has more than \(maxItems) elements")
        }
        if uniqueItems, Set(elements).count != elements.count {
            throw violation("items", path, "has duplicate elements")
        }
    }
}
