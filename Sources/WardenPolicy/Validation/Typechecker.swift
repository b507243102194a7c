/// One request environment: a principal type, an action, a resource type and the action's context type.
struct RequestEnvironment {
    let principal: Name
    let action: EntityUID
    let resource: Name
    let context: RecordType
}

/// Cedar's strict typechecker for one policy condition in one request environment.
///
/// Errors are collected rather than thrown, because Cedar reports every type error it finds; `nil` results mean
/// "type unknown after an error" and suppress follow-on errors.
final class Typechecker {
    let schema: Schema
    let env: RequestEnvironment
    private(set) var errors: [String] = []

    /// Facts known to hold: `(expression, attribute)` pairs proven present by a `has` (or `hasTag`, marked with
    /// a leading tag marker) on the path to the current expression.
    typealias Capabilities = Set<Capability>

    struct Capability: Hashable {
        let base: Expr
        let key: Key
        enum Key: Hashable {
            case attribute(String)
            case tag(Expr)
        }
    }

    struct Typed {
        let type: ValidationType
        let capabilities: Capabilities

        init(_ type: ValidationType, _ capabilities: Capabilities = []) {
            self.type = type
            self.capabilities = capabilities
        }
    }

    init(schema: Schema, env: RequestEnvironment) {
        self.schema = schema
        self.env = env
    }

    private func fail(_ message: String) -> Typed? {
        errors.append(message)
        return nil
    }

    /// Typechecks `expr` and requires a boolean.
    func checkBool(_ expr: Expr, _ prior: Capabilities) -> Typed? {
        guard let t = check(expr, prior) else { return nil }
        guard t.type.isBool else { return fail("expected a boolean, found \(t.type)") }
        return t
    }

    private func expect(_ expr: Expr, _ prior: Capabilities, _ expected: ValidationType, _ what: String) -> Typed? {
        guard let t = check(expr, prior) else { return nil }
        guard ValidationType.strictLUB(t.type, expected) != nil, t.type != .never || expected == .never else {
            return fail("\(what): expected \(expected), found \(t.type)")
        }
        return t
    }

    /// The entity uid an expression denotes when it is constant: an entity literal or the `action` variable.
    private func constantUID(_ e: Expr) -> EntityUID? {
        switch e {
        case .literal(.entity(let uid)): return uid
        case .variable(.action): return env.action
        default: return nil
        }
    }

    /// The value of a constant expression: a literal, or the `action` variable (fixed per environment).
    private func constantValue(_ e: Expr) -> Value? {
        switch e {
        case .literal(let v): return v
        case .variable(.action): return .entity(env.action)
        default: return nil
        }
    }

    func check(_ expr: Expr, _ prior: Capabilities) -> Typed? {
        switch expr {
        case .literal(let v):
            switch v {
            case .bool(let b): return Typed(.bool(b ? .alwaysTrue : .alwaysFalse))
            case .long: return Typed(.long)
            case .string: return Typed(.string)
            case .entity(let uid): return Typed(.entity(uid.type))
            default: return fail("unexpected literal")
            }
        case .variable(let v):
            switch v {
            case .principal: return Typed(.entity(env.principal))
            case .action: return Typed(.entity(env.action.type))
            case .resource: return Typed(.entity(env.resource))
            case .context: return Typed(.record(env.context.attributes, isOpen: env.context.isOpen))
            }
        case .ifThenElse(let c, let t, let e):
            guard let ct = checkBool(c, prior) else {
                _ = check(t, prior)
                _ = check(e, prior)
                return nil
            }
            switch ct.type {
            case .bool(.alwaysTrue):
                guard let tt = check(t, prior.union(ct.capabilities)) else { return nil }
                return Typed(tt.type, ct.capabilities.union(tt.capabilities))
            case .bool(.alwaysFalse):
                return check(e, prior)
            default:
                let tt = check(t, prior.union(ct.capabilities))
                let et = check(e, prior)
                guard let tt, let et else { return nil }
                guard let lub = ValidationType.strictLUB(tt.type, et.type) else {
                    return fail("the branches of `if` have incompatible types \(tt.type) and \(et.type)")
                }
                return Typed(lub, ct.capabilities.union(tt.capabilities).intersection(et.capabilities))
            }
        case .and(let l, let r):
            guard let lt = checkBool(l, prior) else {
                _ = checkBool(r, prior)
                return nil
            }
            if lt.type == .bool(.alwaysFalse) { return Typed(.bool(.alwaysFalse)) }
            guard let rt = checkBool(r, prior.union(lt.capabilities)) else { return nil }
            let caps = lt.capabilities.union(rt.capabilities)
            switch (lt.type, rt.type) {
            case (_, .bool(.alwaysFalse)): return Typed(.bool(.alwaysFalse))
            case (.bool(.alwaysTrue), _): return Typed(rt.type, caps)
            case (_, .bool(.alwaysTrue)): return Typed(lt.type, caps)
            default: return Typed(.anyBool, caps)
            }
        case .or(let l, let r):
            guard let lt = checkBool(l, prior) else {
                _ = checkBool(r, prior)
                return nil
            }
            if lt.type == .bool(.alwaysTrue) { return Typed(.bool(.alwaysTrue), lt.capabilities) }
            guard let rt = checkBool(r, prior) else { return nil }
            switch (lt.type, rt.type) {
            case (.bool(.alwaysFalse), _): return rt
            case (_, .bool(.alwaysTrue)): return Typed(.bool(.alwaysTrue), rt.capabilities)
            case (_, .bool(.alwaysFalse)): return lt
            default: return Typed(.anyBool, lt.capabilities.intersection(rt.capabilities))
            }
        case .not(let e):
            guard let t = checkBool(e, prior) else { return nil }
            switch t.type {
            case .bool(.alwaysTrue): return Typed(.bool(.alwaysFalse))
            case .bool(.alwaysFalse): return Typed(.bool(.alwaysTrue))
            default: return Typed(.anyBool)
            }
        case .negate(let e):
            guard expect(e, prior, .long, "`-`") != nil else { return nil }
            return Typed(.long)
        case .isEmpty(let e):
            guard let t = check(e, prior) else { return nil }
            guard case .set = t.type else { return fail("`isEmpty` expects a set, found \(t.type)") }
            return Typed(.anyBool)
        case .binary(let op, let l, let r):
            return binary(op, l, r, prior)
        case .has(let e, let attr):
            guard let t = check(e, prior) else { return nil }
            let cap = Capability(base: e, key: .attribute(attr))
            switch t.type {
            case .entity(let name):
                guard let def = schema.entityTypes[name] else {
                    if name.isActionType { return Typed(.bool(.alwaysFalse)) }
                    return fail("unknown entity type `\(name)`")
                }
                guard let a = def.shape.attributes[attr] else {
                    return def.shape.isOpen ? Typed(.anyBool, [cap]) : Typed(.bool(.alwaysFalse))
                }
                if a.isRequired || prior.contains(cap) { return Typed(.bool(.alwaysTrue), [cap]) }
                return Typed(.anyBool, [cap])
            case .record(let attrs, let isOpen):
                guard let a = attrs[attr] else {
                    return isOpen ? Typed(.anyBool, [cap]) : Typed(.bool(.alwaysFalse))
                }
                if a.isRequired || prior.contains(cap) { return Typed(.bool(.alwaysTrue), [cap]) }
                return Typed(.anyBool, [cap])
            default:
                return fail("`has` expects an entity or a record, found \(t.type)")
            }
        case .getAttr(let e, let attr):
            guard let t = check(e, prior) else { return nil }
            let attributes: [String: RecordType.Attribute]
            switch t.type {
            case .entity(let name):
                guard let def = schema.entityTypes[name] else {
                    return fail("entities of type `\(name)` have no attribute `\(attr)`")
                }
                attributes = def.shape.attributes
            case .record(let attrs, _):
                attributes = attrs
            default:
                return fail("attribute access `.\(attr)` expects an entity or a record, found \(t.type)")
            }
            guard let a = attributes[attr] else { return fail("attribute `\(attr)` is not declared on \(t.type)") }
            if !a.isRequired && !prior.contains(Capability(base: e, key: .attribute(attr))) {
                return fail("optional attribute `\(attr)` is read without a `has` check")
            }
            return Typed(ValidationType(a.type))
        case .like(let e, _):
            guard expect(e, prior, .string, "`like`") != nil else { return nil }
            return Typed(.anyBool)
        case .isType(let e, let name):
            guard let t = check(e, prior) else { return nil }
            guard case .entity(let actual) = t.type else { return fail("`is` expects an entity, found \(t.type)") }
            return Typed(.bool(actual == name ? .alwaysTrue : .alwaysFalse))
        case .set(let elements):
            guard !elements.isEmpty else { return fail("empty set literals are not allowed under strict validation") }
            var types: [ValidationType] = []
            var failed = false
            for el in elements {
                if let t = check(el, prior) { types.append(t.type) } else { failed = true }
            }
            if failed { return nil }
            var lub = types[0]
            for t in types.dropFirst() {
                guard let l = ValidationType.strictLUB(lub, t) else {
                    return fail("set elements have incompatible types \(lub) and \(t)")
                }
                lub = l
            }
            return Typed(.set(lub))
        case .record(let fields):
            var attrs: [String: RecordType.Attribute] = [:]
            var failed = false
            for (k, e) in fields {
                guard let t = check(e, prior) else {
                    failed = true
                    continue
                }
                guard let st = t.type.schemaType else { return fail("record field `\(k)` has no type") }
                attrs[k] = .init(type: st, isRequired: true)
            }
            if failed { return nil }
            return Typed(.record(attrs, isOpen: false))
        case .call(let name, let args):
            return call(name, args, prior)
        }
    }

    private func binary(_ op: BinaryOp, _ l: Expr, _ r: Expr, _ prior: Capabilities) -> Typed? {
        switch op {
        case .eq, .notEq:
            let lt = check(l, prior)
            let rt = check(r, prior)
            guard let lt, let rt else { return nil }
            var result: ValidationType.BoolKind = .any
            if case .entity(let a) = lt.type, case .entity(let b) = rt.type, a != b {
                result = .alwaysFalse
            } else if let a = constantValue(l), let b = constantValue(r) {
                result = a == b ? .alwaysTrue : .alwaysFalse
            }
            if result == .any, ValidationType.strictLUB(lt.type, rt.type) == nil {
                return fail("`\(op.rawValue)` compares incompatible types \(lt.type) and \(rt.type)")
            }
            if op == .notEq {
                switch result {
                case .alwaysTrue: result = .alwaysFalse
                case .alwaysFalse: result = .alwaysTrue
                case .any: break
                }
            }
            return Typed(.bool(result))
        case .less, .lessEq, .greater, .greaterEq:
            let lt = check(l, prior)
            let rt = check(r, prior)
            guard let lt, let rt else { return nil }
            switch (lt.type, rt.type) {
            case (.long, .long), (.ext("datetime"), .ext("datetime")), (.ext("duration"), .ext("duration")):
                return Typed(.anyBool)
            default:
                return fail(
                    "`\(op.rawValue)` expects two longs, datetimes or durations, found \(lt.type) and \(rt.type)")
            }
        case .add, .sub, .mul:
            let lt = expect(l, prior, .long, "`\(op.rawValue)`")
            let rt = expect(r, prior, .long, "`\(op.rawValue)`")
            guard lt != nil, rt != nil else { return nil }
            return Typed(.long)
        case .in:
            return typeIn(l, r, prior)
        case .contains:
            let lt = check(l, prior)
            let rt = check(r, prior)
            guard let lt, let rt else { return nil }
            guard case .set(let el) = lt.type else { return fail("`contains` expects a set, found \(lt.type)") }
            guard ValidationType.strictLUB(el, rt.type) != nil else {
                return fail("`contains` on \(lt.type) with an argument of type \(rt.type)")
            }
            return Typed(.anyBool)
        case .containsAll, .containsAny:
            let lt = check(l, prior)
            let rt = check(r, prior)
            guard let lt, let rt else { return nil }
            guard case .set(let a) = lt.type, case .set(let b) = rt.type else {
                return fail("`\(op.rawValue)` expects two sets, found \(lt.type) and \(rt.type)")
            }
            guard ValidationType.strictLUB(a, b) != nil else {
                return fail("`\(op.rawValue)` on sets of incompatible types \(lt.type) and \(rt.type)")
            }
            return Typed(.anyBool)
        case .hasTag, .getTag:
            let lt = check(l, prior)
            let rt = expect(r, prior, .string, "tag key")
            guard let lt, rt != nil else { return nil }
            guard case .entity(let name) = lt.type else {
                return fail("`\(op.rawValue)` expects an entity, found \(lt.type)")
            }
            let tagType = schema.entityTypes[name]?.tags
            let cap = Capability(base: l, key: .tag(r))
            if op == .hasTag {
                guard tagType != nil else { return Typed(.bool(.alwaysFalse)) }
                return Typed(prior.contains(cap) ? .bool(.alwaysTrue) : .anyBool, [cap])
            }
            guard let tagType else { return fail("entities of type `\(name)` have no tags") }
            guard prior.contains(cap) else { return fail("`getTag` is used without a `hasTag` check for that key") }
            return Typed(ValidationType(tagType))
        }
    }

    private func typeIn(_ l: Expr, _ r: Expr, _ prior: Capabilities) -> Typed? {
        let lt = check(l, prior)
        let rt = check(r, prior)
        guard let lt, let rt else { return nil }
        guard case .entity(let lhsType) = lt.type else {
            return fail("`in` expects an entity on the left, found \(lt.type)")
        }
        var targetTypes: [Name]
        switch rt.type {
        case .entity(let n): targetTypes = [n]
        case .set(.entity(let n)): targetTypes = [n]
        case .set(.never): targetTypes = []
        default: return fail("`in` expects an entity or a set of entities on the right, found \(rt.type)")
        }
        // Actions: decide exactly from the schema's action hierarchy when both sides are constants.
        if let lhs = constantUID(l), lhs.type.isActionType {
            var targets: [EntityUID]?
            if let uid = constantUID(r) {
                targets = [uid]
            } else if case .set(let els) = r {
                let uids = els.compactMap(constantUID)
                if uids.count == els.count { targets = uids }
            }
            if let targets {
                let ancestors = schema.actionAncestors[lhs] ?? []
                let hit = targets.contains { $0 == lhs || ancestors.contains($0) }
                return Typed(.bool(hit ? .alwaysTrue : .alwaysFalse))
            }
        }
        let possible = schema.ancestorTypes(of: lhsType).union([lhsType])
        targetTypes = targetTypes.filter { possible.contains($0) }
        if targetTypes.isEmpty { return Typed(.bool(.alwaysFalse)) }
        return Typed(.anyBool)
    }

    private static let signatures: [String: (args: [ValidationType], result: ValidationType)] = [
        "ip": ([.string], .ext("ipaddr")),
        "decimal": ([.string], .ext("decimal")),
        "datetime": ([.string], .ext("datetime")),
        "duration": ([.string], .ext("duration")),
        "lessThan": ([.ext("decimal"), .ext("decimal")], .anyBool),
        "lessThanOrEqual": ([.ext("decimal"), .ext("decimal")], .anyBool),
        "greaterThan": ([.ext("decimal"), .ext("decimal")], .anyBool),
        "greaterThanOrEqual": ([.ext("decimal"), .ext("decimal")], .anyBool),
        "isIpv4": ([.ext("ipaddr")], .anyBool),
        "isIpv6": ([.ext("ipaddr")], .anyBool),
        "isLoopback": ([.ext("ipaddr")], .anyBool),
        "isMulticast": ([.ext("ipaddr")], .anyBool),
        "isInRange": ([.ext("ipaddr"), .ext("ipaddr")], .anyBool),
        "offset": ([.ext("datetime"), .ext("duration")], .ext("datetime")),
        "durationSince": ([.ext("datetime"), .ext("datetime")], .ext("duration")),
        "toDate": ([.ext("datetime")], .ext("datetime")),
        "toTime": ([.ext("datetime")], .ext("duration")),
        "toMilliseconds": ([.ext("duration")], .long),
        "toSeconds": ([.ext("duration")], .long),
        "toMinutes": ([.ext("duration")], .long),
        "toHours": ([.ext("duration")], .long),
        "toDays": ([.ext("duration")], .long),
    ]

    private func call(_ name: String, _ args: [Expr], _ prior: Capabilities) -> Typed? {
        guard let sig = Typechecker.signatures[name] else { return fail("unknown extension function `\(name)`") }
        guard args.count == sig.args.count else {
            for a in args { _ = check(a, prior) }
            return fail("`\(name)` takes \(sig.args.count) argument(s), found \(args.count)")
        }
        var failed = false
        for (a, t) in zip(args, sig.args) where expect(a, prior, t, "argument of `\(name)`") == nil {
            failed = true
        }
        if failed { return nil }
        if Parser.extensionFunctions.contains(name) {
            guard case .literal(.string(let text)) = args[0] else {
                return fail("`\(name)` must be applied to a string literal under strict validation")
            }
            guard ExtensionFunctions.construct(name, text) != nil else {
                return fail("`\(name)(\(quoteCedarString(text)))` is not a valid \(name) literal")
            }
        }
        return Typed(sig.result)
    }
}
