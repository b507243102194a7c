/// Reads Cedar's JSON policy format (the form `cedar translate-policy` and the SDKs produce).
enum PolicyJSONReader {
    typealias Failure = CedarJSONError

    /// `{"staticPolicies": {"id": policy, …}}` (ids from the keys, in document order) or a single policy object.
    static func policies(_ json: JSONValue) throws(Failure) -> [Policy] {
        if let set = json["staticPolicies"] {
            if let templates = json["templates"]?.objectMembers, !templates.isEmpty {
                throw Failure("policy JSON: templates are not supported here; use `PolicyTemplate`")
            }
            guard let members = set.objectMembers else { throw Failure("`staticPolicies` must be an object") }
            var out: [Policy] = []
            for (id, body) in members { out.append(try policy(body, id: id)) }
            return out
        }
        return [try policy(json, id: "policy0")]
    }

    static func policy(_ json: JSONValue, id: PolicyID) throws(Failure) -> Policy {
        guard let effectName = json["effect"]?.stringValue, let effect = Effect(rawValue: effectName) else {
            throw Failure("policy `\(id)`: `effect` must be \"permit\" or \"forbid\"")
        }
        var annotations: [Policy.Annotation] = []
        for (k, v) in json["annotations"]?.objectMembers ?? [] {
            annotations.append(.init(key: k, value: v.stringValue ?? ""))
        }
        var conditions: [Condition] = []
        if case .array(let items) = json["conditions"] ?? .array([]) {
            for c in items {
                guard let kindName = c["kind"]?.stringValue, let kind = Condition.Kind(rawValue: kindName),
                    let body = c["body"]
                else { throw Failure("policy `\(id)`: each condition needs `kind` and `body`") }
                let expr = try expression(body, depth: 0)
                if expr.isDeeper(than: Parser.maximumDepth) {
                    throw Failure("policy `\(id)`: condition nests too deeply")
                }
                conditions.append(Condition(kind: kind, body: expr))
            }
        } else {
            throw Failure("policy `\(id)`: `conditions` must be an array")
        }
        return Policy(
            id: id, effect: effect, annotations: annotations,
            principal: try scope(json["principal"], "principal"), action: try actionScope(json["action"]),
            resource: try scope(json["resource"], "resource"), conditions: conditions,
            location: SourceLocation(line: 1, column: 1, offset: 0))
    }

    private static func scope(_ json: JSONValue?, _ what: String) throws(Failure) -> ScopeConstraint {
        guard let json, let op = json["op"]?.stringValue else { throw Failure("`\(what)` needs an `op`") }
        switch op {
        case "All": return .any
        case "==": return .equals(try entity(json["entity"]))
        case "in": return .in(try entity(json["entity"]))
        case "is":
            guard let type = json["entity_type"]?.stringValue else { throw Failure("`is` needs `entity_type`") }
            if let inner = json["in"] { return .isIn(Name(qualified: type), try entity(inner["entity"])) }
            return .is(Name(qualified: type))
        default: throw Failure("unsupported `\(what)` op `\(op)`")
        }
    }

    private static func actionScope(_ json: JSONValue?) throws(Failure) -> ActionConstraint {
        guard let json, let op = json["op"]?.stringValue else { throw Failure("`action` needs an `op`") }
        func action(_ j: JSONValue?) throws(Failure) -> EntityUID {
            let uid = try entity(j)
            guard uid.type.isActionType else { throw Failure("the action scope takes `Action` entities") }
            return uid
        }
        switch op {
        case "All": return .any
        case "==": return .equals(try action(json["entity"]))
        case "in":
            if case .array(let items) = json["entities"] {
                var list: [EntityUID] = []
                for i in items { list.append(try action(i)) }
                return .in(list)
            }
            return .in([try action(json["entity"])])
        default: throw Failure("unsupported `action` op `\(op)`")
        }
    }

    private static func entity(_ json: JSONValue?) throws(Failure) -> EntityUID {
        guard let json else { throw Failure("missing entity reference") }
        if case .object(let m) = json, m.count == 1, m[0].0 == "slot" {
            throw Failure("template slots are not supported here; use `PolicyTemplate`")
        }
        return try CedarJSON.entityUID(json)
    }

    private static let binaryOps: [String: BinaryOp] = [
        "==": .eq, "!=": .notEq, "<": .less, "<=": .lessEq, ">": .greater, ">=": .greaterEq, "in": .in, "+": .add,
        "-": .sub, "*": .mul, "contains": .contains, "containsAll": .containsAll, "containsAny": .containsAny,
        "getTag": .getTag, "hasTag": .hasTag,
    ]

    static func expression(_ json: JSONValue, depth: Int) throws(Failure) -> Expr {
        guard depth < Parser.maximumDepth else { throw Failure("expression nests too deeply") }
        guard case .object(let members) = json, members.count == 1 else {
            throw Failure("an expression is an object with exactly one key")
        }
        let (key, body) = members[0]
        func sub(_ j: JSONValue?) throws(Failure) -> Expr {
            guard let j else { throw Failure("`\(key)`: missing operand") }
            return try expression(j, depth: depth + 1)
        }
        switch key {
        case "Value": return try literal(body, depth: depth)
        case "Var":
            guard let name = body.stringValue, let v = Variable(rawValue: name) else {
                throw Failure("unknown variable")
            }
            return .variable(v)
        case "Slot", "Unknown": throw Failure("`\(key)` is not supported")
        case "!": return .not(try sub(body["arg"]))
        case "neg": return .negate(try sub(body["arg"]))
        case "isEmpty": return .isEmpty(try sub(body["arg"]))
        case "&&": return .and(try sub(body["left"]), try sub(body["right"]))
        case "||": return .or(try sub(body["left"]), try sub(body["right"]))
        case ".", "has":
            guard let attr = body["attr"]?.stringValue else { throw Failure("`\(key)` needs `attr`") }
            let base = try sub(body["left"])
            return key == "." ? .getAttr(base, attr) : .has(base, attr)
        case "like":
            guard case .array(let parts) = body["pattern"] ?? .null else { throw Failure("`like` needs `pattern`") }
            var pattern: [PatternElement] = []
            for p in parts {
                if p == .string("Wildcard") {
                    pattern.append(.wildcard)
                } else if let text = p["Literal"]?.stringValue {
                    pattern.append(contentsOf: text.unicodeScalars.map(PatternElement.literal))
                } else {
                    throw Failure("`like`: unknown pattern element")
                }
            }
            return .like(try sub(body["left"]), pattern)
        case "is":
            guard let type = body["entity_type"]?.stringValue else { throw Failure("`is` needs `entity_type`") }
            let lhs = try sub(body["left"])
            let test: Expr = .isType(lhs, Name(qualified: type))
            if let target = body["in"] { return .and(test, .binary(.in, lhs, try sub(target))) }
            return test
        case "if-then-else":
            return .ifThenElse(try sub(body["if"]), try sub(body["then"]), try sub(body["else"]))
        case "Set":
            guard case .array(let items) = body else { throw Failure("`Set` takes an array") }
            var out: [Expr] = []
            for i in items { out.append(try sub(i)) }
            return .set(out)
        case "Record":
            guard let fields = body.objectMembers else { throw Failure("`Record` takes an object") }
            var out: [String: Expr] = [:]
            for (k, v) in fields { out[k] = try sub(v) }
            return .record(out)
        default:
            if let op = binaryOps[key] { return .binary(op, try sub(body["left"]), try sub(body["right"])) }
            guard Parser.extensionFunctions.contains(key) || Parser.extensionMethods[key] != nil else {
                throw Failure("unknown operator or function `\(key)`")
            }
            guard case .array(let items) = body else { throw Failure("`\(key)` takes an array of arguments") }
            var args: [Expr] = []
            for i in items { args.append(try sub(i)) }
            return .call(key, args)
        }
    }

    /// A `Value` literal; sets and records become set and record expressions, as the text syntax produces them.
    private static func literal(_ json: JSONValue, depth: Int) throws(Failure) -> Expr {
        switch json {
        case .array(let items):
            var out: [Expr] = []
            for i in items { out.append(try literal(i, depth: depth + 1)) }
            return .set(out)
        case .object(let members) where !(members.count == 1 && ["__entity", "__extn"].contains(members[0].0)):
            if let type = json["type"]?.stringValue, let id = json["id"]?.stringValue, members.count == 2 {
                return .literal(.entity(EntityUID(type: Name(qualified: type), id: id)))
            }
            var out: [String: Expr] = [:]
            for (k, v) in members { out[k] = try literal(v, depth: depth + 1) }
            return .record(out)
        default:
            return .literal(try CedarJSON.value(json))
        }
    }
}

extension PolicySet {
    /// Parses Cedar's JSON policy format: a policy set `{"staticPolicies": {…}}` (ids are its keys) or one
    /// policy object (id `policy0`).
    public init(json text: String) throws(CedarJSONError) {
        policies = try PolicyJSONReader.policies(try JSONValue.parse(text))
    }
}
