import WardenCore

/// The compiled form of a tool's `inputSchema`: the JSON Schema subset Warden can enforce exactly.
///
/// Warden judges every argument of a call, so a schema is compiled strictly: a keyword Warden does not enforce
/// is a compile error (the tool is refused), never silently ignored, and arguments a schema does not name are
/// refused at call time whatever `additionalProperties` says. Pure value: no I/O.
public struct ArgumentSchema: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        case string
        /// A JSON integer literal within 64 bits (no fraction, no exponent).
        case integer
        /// A number Cedar can hold exactly as a `decimal`: at most four fractional digits, within 64 bits scaled.
        case number
        case boolean
        case array(items: ArgumentSchema)
        /// An object with named properties; only those may appear.
        case object(properties: [String: ArgumentSchema], required: Set<String>)
        /// An object whose schema names no properties: validated as an object, bound by digests, invisible to
        /// policy conditions.
        case opaqueObject
        /// `oneOf`/`anyOf` of a string and an array of strings (an address list): Cedar sees a set of strings.
        case stringOrStrings(maxItems: Int?)
    }

    public var kind: Kind
    /// `anyOf: [T, {"type": "null"}]` or `type: [T, "null"]`: a null value counts as absent.
    public var nullable = false
    public var allowed: [JSONValue]?
    public var minimum: NumberBound?
    public var maximum: NumberBound?
    public var minLength: Int?
    public var maxLength: Int?
    public var pattern: String?
    public var format: StringFormat?
    public var minItems: Int?
    public var maxItems: Int?
    public var uniqueItems = false

    public init(kind: Kind) {
        self.kind = kind
    }

    /// Properties of an object schema (empty for other kinds).
    public var properties: [String: ArgumentSchema] {
        if case .object(let properties, _) = kind { return properties }
        return [:]
    }
}

/// A `minimum`/`maximum` bound, inclusive or exclusive, in the number model (scaled decimal).
public struct NumberBound: Sendable, Hashable {
    public var value: ScaledDecimal
    public var exclusive: Bool
}

/// `format` values Warden checks. Any other format is a compile error: a format a tool relies on but Warden
/// does not check would be a check skipped.
public enum StringFormat: String, Sendable, Hashable, CaseIterable {
    case email, uri, uuid, date
    case dateTime = "date-time"
    case ipv4, ipv6, hostname
}

/// Why a tool's schema cannot be enforced; the tool is refused (`catalog.schema-unsupported`).
public struct SchemaCompileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// JSON pointer-like path of the offending schema node, e.g. `/properties/to/items`.
    public var path: String
    public var reason: String

    public var description: String { "inputSchema\(path.isEmpty ? "" : " at \(path)"): \(reason)" }
}

extension ArgumentSchema {
    /// Keywords that carry no constraint (annotations); they are accepted and ignored.
    static let annotations: Set<String> = [
        "title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly",
        "writeOnly", "$defs", "definitions",
    ]

    /// Compiles a tool's `inputSchema` (an object schema at the top).
    public static func compile(inputSchema: JSONValue) throws(SchemaCompileError) -> ArgumentSchema {
        guard case .object(let root) = inputSchema else {
            throw SchemaCompileError(path: "", reason: "the input schema is not an object")
        }
        var compiler = Compiler(root: root)
        let schema = try compiler.compile(inputSchema, path: "", depth: 0)
        guard case .object = schema.kind, !schema.nullable else {
            throw SchemaCompileError(path: "", reason: "tool arguments must be an object with named properties")
        }
        return schema
    }
}

private struct Compiler {
    let root: [String: JSONValue]
    static let maxDepth = 16

    func fail(_ path: String, _ reason: String) -> SchemaCompileError {
        SchemaCompileError(path: path, reason: reason)
    }

    mutating func compile(_ node: JSONValue, path: String, depth: Int) throws(SchemaCompileError) -> ArgumentSchema {
        guard depth < Self.maxDepth else { throw fail(path, "nested deeper than \(Self.maxDepth) levels") }
        guard case .object(var members) = node else { throw fail(path, "a schema must be an object") }
        if case .string(let reference)? = members["$ref"] {
            guard members.keys.allSatisfy({ $0 == "$ref" || ArgumentSchema.annotations.contains($0) }) else {
                throw fail(path, "$ref beside constraints is not supported")
            }
            return try compile(resolve(reference, path: path), path: path + "/$ref", depth: depth + 1)
        }
        for annotation in ArgumentSchema.annotations { members[annotation] = nil }
        if let union = members["anyOf"] ?? members["oneOf"] {
            let keyword = members["anyOf"] != nil ? "anyOf" : "oneOf"
            members[keyword] = nil
            return try compileUnion(union, rest: members, path: path + "/" + keyword, depth: depth)
        }
        var nullable = false
        let typeName: String
        switch members.removeValue(forKey: "type") {
        case .string(let name)?:
            typeName = name
        case .array(let names)? where names.count == 2 && names.contains(.string("null")):
            guard let other = names.first(where: { $0 != .string("null") })?.stringValue else {
                throw fail(path, "unsupported type list")
            }
            typeName = other
            nullable = true
        case nil:
            throw fail(path, "every argument needs a `type` (Warden cannot judge an untyped value)")
        default:
            throw fail(path, "unsupported `type`")
        }
        var schema: ArgumentSchema
        switch typeName {
        case "string": schema = ArgumentSchema(kind: .string)
        case "integer": schema = ArgumentSchema(kind: .integer)
        case "number": schema = ArgumentSchema(kind: .number)
        case "boolean": schema = ArgumentSchema(kind: .boolean)
        case "array":
            guard let items = members.removeValue(forKey: "items") else {
                throw fail(path, "an array needs `items` (Warden cannot judge untyped elements)")
            }
            schema = ArgumentSchema(kind: .array(items: try compile(items, path: path + "/items", depth: depth + 1)))
        case "object":
            schema = try compileObject(&members, path: path, depth: depth)
        default:
            throw fail(path, "unsupported type '\(typeName)'")
        }
        schema.nullable = nullable
        try applyConstraints(&schema, members, path: path)
        return schema
    }

    mutating func compileObject(
        _ members: inout [String: JSONValue], path: String, depth: Int
    ) throws(SchemaCompileError) -> ArgumentSchema {
        let additional = members.removeValue(forKey: "additionalProperties")
        switch additional {
        case nil, .bool?: break
        default: throw fail(path, "`additionalProperties` as a schema (a map) is not supported")
        }
        let required = members.removeValue(forKey: "required")
        guard let propertiesValue = members.removeValue(forKey: "properties") else {
            guard required == nil else { throw fail(path, "`required` without `properties`") }
            return ArgumentSchema(kind: .opaqueObject)
        }
        guard case .object(let declared) = propertiesValue else { throw fail(path, "`properties` is not an object") }
        var properties: [String: ArgumentSchema] = [:]
        for (name, property) in declared {
            properties[name] = try compile(property, path: path + "/properties/" + name, depth: depth + 1)
        }
        var requiredNames: Set<String> = []
        if let required {
            guard case .array(let names) = required else { throw fail(path, "`required` is not an array") }
            for name in names {
                guard let name = name.stringValue, properties[name] != nil else {
                    throw fail(path, "`required` names a property the schema does not declare")
                }
                requiredNames.insert(name)
            }
        }
        return ArgumentSchema(kind: .object(properties: properties, required: requiredNames))
    }

    /// The two unions Warden can type: `[T, null]` (optional T) and `[string, array of string]` (address list).
    mutating func compileUnion(
        _ union: JSONValue, rest: [String: JSONValue], path: String, depth: Int
    ) throws(SchemaCompileError) -> ArgumentSchema {
        guard case .array(let options) = union, options.count == 2 else {
            throw fail(path, "only a union of a type with null, or of a string with an array of strings, is supported")
        }
        var rest = rest
        let nonNull = options.filter { $0 != .object(["type": "null"]) }
        if nonNull.count == 1 {
            var inner = try compile(nonNull[0], path: path + "/0", depth: depth + 1)
            inner.nullable = true
            try applyConstraints(&inner, rest, path: path)
            return inner
        }
        let compiled = try options.enumerated().map { (index, option) throws(SchemaCompileError) in
            try compile(option, path: path + "/\(index)", depth: depth + 1)
        }
        var single: ArgumentSchema?
        var list: ArgumentSchema?
        for option in compiled {
            switch option.kind {
            case .string where !option.nullable: single = option
            case .array(let items) where items.kind == .string && !option.nullable && !items.nullable: list = option
            default: break
            }
        }
        // The string and the list's elements must carry the same constraints (or one side none): Warden checks
        // every string of the value with one set, never a weaker one than either branch states.
        let plain = ArgumentSchema(kind: .string)
        guard let single, let list, case .array(let items) = list.kind,
            single == items || single == plain || items == plain, list.minItems == nil, !list.uniqueItems
        else {
            throw fail(path, "only a union of a type with null, or of a string with an array of strings, is supported")
        }
        let element = single == plain ? items : single
        var schema = ArgumentSchema(kind: .stringOrStrings(maxItems: list.maxItems))
        schema.minLength = element.minLength
        schema.maxLength = element.maxLength
        schema.format = element.format
        schema.pattern = element.pattern
        schema.allowed = element.allowed
        rest["type"] = nil
        try applyConstraints(&schema, rest, path: path)
        return schema
    }

    func resolve(_ reference: String, path: String) throws(SchemaCompileError) -> JSONValue {
        for container in ["$defs", "definitions"] {
            let prefix = "#/\(container)/"
            guard reference.hasPrefix(prefix) else { continue }
            let name = String(reference.dropFirst(prefix.count))
            if case .object(let definitions)? = root[container], let found = definitions[name] { return found }
        }
        throw fail(path, "unresolvable $ref (only local #/$defs/... references are supported)")
    }

    func applyConstraints(
        _ schema: inout ArgumentSchema, _ members: [String: JSONValue], path: String
    ) throws(SchemaCompileError) {
        for (keyword, value) in members.sorted(by: { $0.key < $1.key }) {
            switch (keyword, schema.kind) {
            case ("enum", _):
                guard case .array(let values) = value, !values.isEmpty else { throw fail(path, "bad `enum`") }
                schema.allowed = intersect(schema.allowed, values)
            case ("const", _):
                schema.allowed = intersect(schema.allowed, [value])
            case ("minimum", .integer), ("minimum", .number), ("exclusiveMinimum", .integer),
                ("exclusiveMinimum", .number):
                guard let bound = ScaledDecimal(json: value) else { throw fail(path, "bad `\(keyword)`") }
                schema.minimum = tighter(
                    schema.minimum, NumberBound(value: bound, exclusive: keyword.hasPrefix("exclusive")), lower: true)
            case ("maximum", .integer), ("maximum", .number), ("exclusiveMaximum", .integer),
                ("exclusiveMaximum", .number):
                guard let bound = ScaledDecimal(json: value) else { throw fail(path, "bad `\(keyword)`") }
                schema.maximum = tighter(
                    schema.maximum, NumberBound(value: bound, exclusive: keyword.hasPrefix("exclusive")), lower: false)
            case ("minLength", .string), ("minLength", .stringOrStrings):
                schema.minLength = max(schema.minLength ?? 0, try count(value, keyword, path))
            case ("maxLength", .string), ("maxLength", .stringOrStrings):
                schema.maxLength = min(schema.maxLength ?? Int.max, try count(value, keyword, path))
            case ("pattern", .string), ("pattern", .stringOrStrings):
                guard let pattern = value.stringValue, PatternMatcher.compiles(pattern) else {
                    throw fail(path, "`pattern` is not a regular expression Warden can evaluate")
                }
                guard schema.pattern == nil || schema.pattern == pattern else {
                    throw fail(path, "two different patterns for one value are not supported")
                }
                schema.pattern = pattern
            case ("format", .string), ("format", .stringOrStrings):
                guard let name = value.stringValue, let format = StringFormat(rawValue: name) else {
                    throw fail(path, "`format` is not one Warden checks")
                }
                guard schema.format == nil || schema.format == format else {
                    throw fail(path, "two different formats for one value are not supported")
                }
                schema.format = format
            case ("minItems", .array):
                schema.minItems = max(schema.minItems ?? 0, try count(value, keyword, path))
            case ("maxItems", .array):
                schema.maxItems = min(schema.maxItems ?? Int.max, try count(value, keyword, path))
            case ("maxItems", .stringOrStrings(let current)):
                schema.kind = .stringOrStrings(maxItems: min(current ?? Int.max, try count(value, keyword, path)))
            case ("uniqueItems", .array):
                guard let flag = value.boolValue else { throw fail(path, "bad `uniqueItems`") }
                schema.uniqueItems = flag
            default:
                throw fail(path, "keyword `\(keyword)` is not enforced by Warden")
            }
        }
    }

    /// The stricter of two bounds (constraints beside each other all apply).
    func tighter(_ current: NumberBound?, _ new: NumberBound, lower: Bool) -> NumberBound {
        guard let current else { return new }
        if current.value == new.value {
            return NumberBound(value: new.value, exclusive: current.exclusive || new.exclusive)
        }
        return (current.value < new.value) == lower ? new : current
    }

    /// The values both `enum`/`const` allow (an empty intersection allows nothing, which refuses every call).
    func intersect(_ current: [JSONValue]?, _ new: [JSONValue]) -> [JSONValue] {
        guard let current else { return new }
        return current.filter { value in new.contains { ArgumentSchema.sameJSON($0, value) } }
    }

    func count(_ value: JSONValue, _ keyword: String, _ path: String) throws(SchemaCompileError) -> Int {
        guard case .integer(let n) = value, n >= 0, n <= Int64(Int32.max) else { throw fail(path, "bad `\(keyword)`") }
        return Int(n)
    }
}
