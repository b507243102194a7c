/// The types the validator assigns to expressions. Booleans carry Cedar's singleton types so that short-circuiting
/// (`false && e`) is typed the way Cedar types it.
indirect enum ValidationType: Hashable, Sendable, CustomStringConvertible {
    enum BoolKind: Hashable, Sendable {
        case alwaysTrue, alwaysFalse, any
    }

    /// The element type of the empty set literal.
    case never
    case bool(BoolKind)
    case long
    case string
    case entity(Name)
    case set(ValidationType)
    case record([String: RecordType.Attribute], isOpen: Bool)
    case ext(String)

    static let anyBool = ValidationType.bool(.any)

    init(_ t: SchemaType) {
        switch t {
        case .bool: self = .bool(.any)
        case .long: self = .long
        case .string: self = .string
        case .entity(let n): self = .entity(n)
        case .set(let el): self = .set(ValidationType(el))
        case .record(let r): self = .record(r.attributes, isOpen: r.isOpen)
        case .ext(let n): self = .ext(n)
        }
    }

    var isBool: Bool {
        if case .bool = self { return true }
        return false
    }

    var description: String {
        switch self {
        case .never: return "Never"
        case .bool(.alwaysTrue): return "True"
        case .bool(.alwaysFalse): return "False"
        case .bool: return "Bool"
        case .long: return "Long"
        case .string: return "String"
        case .entity(let n): return n.description
        case .set(let el): return "Set<\(el)>"
        case .record(let attrs, _):
            return "{"
                + attrs.keys.sorted().map { "\($0): \(attrs[$0].map { ValidationType($0.type).description } ?? "")" }
                .joined(separator: ", ") + "}"
        case .ext(let n): return n
        }
    }

    /// The least upper bound under strict validation: types must agree exactly (booleans widen to `Bool`, the
    /// empty set's element type widens to anything); nil when there is none.
    static func strictLUB(_ a: ValidationType, _ b: ValidationType) -> ValidationType? {
        switch (a, b) {
        case (.never, _): return b
        case (_, .never): return a
        case (.bool(let x), .bool(let y)): return .bool(x == y ? x : .any)
        case (.long, .long): return .long
        case (.string, .string): return .string
        case (.entity(let x), .entity(let y)): return x == y ? a : nil
        case (.ext(let x), .ext(let y)): return x == y ? a : nil
        case (.set(let x), .set(let y)): return strictLUB(x, y).map { .set($0) }
        case (.record(let x, let xo), .record(let y, let yo)):
            guard Set(x.keys) == Set(y.keys), xo == yo else { return nil }
            var out: [String: RecordType.Attribute] = [:]
            for (k, ax) in x {
                guard let ay = y[k], ax.isRequired == ay.isRequired,
                    let t = strictLUB(ValidationType(ax.type), ValidationType(ay.type)), let st = t.schemaType
                else { return nil }
                out[k] = .init(type: st, isRequired: ax.isRequired)
            }
            return .record(out, isOpen: xo)
        default: return nil
        }
    }

    /// Back to a schema type (booleans lose their singleton-ness); nil for the empty set's element.
    var schemaType: SchemaType? {
        switch self {
        case .never: return nil
        case .bool: return .bool
        case .long: return .long
        case .string: return .string
        case .entity(let n): return .entity(n)
        case .set(let el):
            if case .never = el { return .set(.bool) }
            return el.schemaType.map { .set($0) }
        case .record(let attrs, let open): return .record(RecordType(attributes: attrs, isOpen: open))
        case .ext(let n): return .ext(n)
        }
    }
}
