/// Why an expression failed to evaluate. Cedar skips a policy whose condition errors and reports it.
public struct EvaluationFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    init(_ message: String) { self.message = message }
}

/// Evaluates expressions for one request against one entity store.
struct Evaluator {
    let request: Request
    let entities: Entities
    private let principal: Value
    private let action: Value
    private let resource: Value
    private let context: Value

    init(request: Request, entities: Entities) {
        self.request = request
        self.entities = entities
        principal = .entity(request.principal)
        action = .entity(request.action)
        resource = .entity(request.resource)
        context = .record(request.context)
    }

    typealias Failure = EvaluationFailure

    private func typeError(_ expected: String, _ got: Value) -> Failure {
        Failure("type error: expected \(expected), got \(got.typeName)")
    }

    func bool(_ e: Expr) throws(Failure) -> Bool {
        let v = try evaluate(e)
        guard case .bool(let b) = v else { throw typeError("bool", v) }
        return b
    }

    private func long(_ e: Expr) throws(Failure) -> Int64 {
        let v = try evaluate(e)
        guard case .long(let i) = v else { throw typeError("long", v) }
        return i
    }

    private func entity(_ v: Value) throws(Failure) -> EntityUID {
        guard case .entity(let uid) = v else { throw typeError("entity", v) }
        return uid
    }

    private func set(_ v: Value) throws(Failure) -> Set<Value> {
        guard case .set(let s) = v else { throw typeError("set", v) }
        return s
    }

    private func string(_ v: Value) throws(Failure) -> String {
        guard case .string(let s) = v else { throw typeError("string", v) }
        return s
    }

    func evaluate(_ expr: Expr) throws(Failure) -> Value {
        switch expr {
        case .literal(let v): return v
        case .variable(let v):
            switch v {
            case .principal: return principal
            case .action: return action
            case .resource: return resource
            case .context: return context
            }
        case .ifThenElse(let c, let t, let e):
            return try bool(c) ? evaluate(t) : evaluate(e)
        case .and(let l, let r):
            return .bool(try bool(l) ? bool(r) : false)
        case .or(let l, let r):
            return .bool(try bool(l) ? true : bool(r))
        case .not(let e):
            return .bool(!(try bool(e)))
        case .negate(let e):
            let i = try long(e)
            let (r, o) = Int64(0).subtractingReportingOverflow(i)
            if o { throw Failure("integer overflow: -(\(i))") }
            return .long(r)
        case .isEmpty(let e):
            return .bool(try set(evaluate(e)).isEmpty)
        case .binary(let op, let l, let r):
            return try binary(op, l, r)
        case .has(let e, let attr):
            let v = try evaluate(e)
            switch v {
            case .record(let fields): return .bool(fields[attr] != nil)
            case .entity(let uid): return .bool(entities.entity(uid)?.attributes[attr] != nil)
            default: throw typeError("entity or record", v)
            }
        case .getAttr(let e, let attr):
            let v = try evaluate(e)
            switch v {
            case .record(let fields):
                guard let a = fields[attr] else { throw Failure("record does not have the attribute `\(attr)`") }
                return a
            case .entity(let uid):
                guard let entity = entities.entity(uid) else { throw Failure("entity `\(uid)` does not exist") }
                guard let a = entity.attributes[attr] else {
                    throw Failure("entity `\(uid)` does not have the attribute `\(attr)`")
                }
                return a
            default: throw typeError("entity or record", v)
            }
        case .like(let e, let pattern):
            return .bool(wildcardMatch(Array(try string(evaluate(e)).unicodeScalars), pattern))
        case .isType(let e, let type):
            return .bool(try entity(evaluate(e)).type == type)
        case .set(let elements):
            var s = Set<Value>(minimumCapacity: elements.count)
            for el in elements { s.insert(try evaluate(el)) }
            return .set(s)
        case .record(let fields):
            var r: [String: Value] = [:]
            r.reserveCapacity(fields.count)
            for (k, e) in fields { r[k] = try evaluate(e) }
            return .record(r)
        case .call(let name, let args):
            var values: [Value] = []
            values.reserveCapacity(args.count)
            for a in args { values.append(try evaluate(a)) }
            return try ExtensionFunctions.call(name, values)
        }
    }

    private func binary(_ op: BinaryOp, _ l: Expr, _ r: Expr) throws(Failure) -> Value {
        let lv = try evaluate(l)
        let rv = try evaluate(r)
        switch op {
        case .eq: return .bool(lv == rv)
        case .notEq: return .bool(lv != rv)
        case .less, .lessEq, .greater, .greaterEq:
            return .bool(try compare(op, lv, rv))
        case .add, .sub, .mul:
            guard case .long(let a) = lv else { throw typeError("long", lv) }
            guard case .long(let b) = rv else { throw typeError("long", rv) }
            let (result, overflow): (Int64, Bool) =
                switch op {
                case .add: a.addingReportingOverflow(b)
                case .sub: a.subtractingReportingOverflow(b)
                default: a.multipliedReportingOverflow(by: b)
                }
            if overflow { throw Failure("integer overflow: \(a) \(op.rawValue) \(b)") }
            return .long(result)
        case .in:
            let uid = try entity(lv)
            switch rv {
            case .entity(let target):
                return .bool(entities.isDescendant(uid, of: target))
            case .set(let targets):
                var uids: [EntityUID] = []
                uids.reserveCapacity(targets.count)
                for t in targets { uids.append(try entity(t)) }
                if uids.contains(uid) { return .bool(true) }
                let ancestors = entities.ancestors(of: uid)
                return .bool(uids.contains { ancestors.contains($0) })
            default:
                throw typeError("entity or set of entities", rv)
            }
        case .contains:
            return .bool(try set(lv).contains(rv))
        case .containsAll:
            let a = try set(lv)
            return .bool(try set(rv).isSubset(of: a))
        case .containsAny:
            let a = try set(lv)
            return .bool(!(try set(rv).isDisjoint(with: a)))
        case .hasTag:
            let uid = try entity(lv)
            let tag = try string(rv)
            return .bool(entities.entity(uid)?.tags[tag] != nil)
        case .getTag:
            let uid = try entity(lv)
            let tag = try string(rv)
            guard let e = entities.entity(uid) else { throw Failure("entity `\(uid)` does not exist") }
            guard let v = e.tags[tag] else { throw Failure("entity `\(uid)` does not have the tag `\(tag)`") }
            return v
        }
    }

    private func compare(_ op: BinaryOp, _ lv: Value, _ rv: Value) throws(Failure) -> Bool {
        func apply<T: Comparable>(_ a: T, _ b: T) -> Bool {
            switch op {
            case .less: return a < b
            case .lessEq: return a <= b
            case .greater: return a > b
            default: return a >= b
            }
        }
        switch (lv, rv) {
        case (.long(let a), .long(let b)): return apply(a, b)
        case (.ext(.datetime(let a)), .ext(.datetime(let b))): return apply(a, b)
        case (.ext(.duration(let a)), .ext(.duration(let b))): return apply(a, b)
        case (.long, _): throw typeError("long", rv)
        case (.ext(.datetime), _): throw typeError("datetime", rv)
        case (.ext(.duration), _): throw typeError("duration", rv)
        default: throw typeError("long, datetime or duration", lv)
        }
    }
}

/// Matches `text` against a `like` pattern where `*` matches any run of characters (including none).
func wildcardMatch(_ text: [Unicode.Scalar], _ pattern: [PatternElement]) -> Bool {
    var t = 0
    var p = 0
    var starP = -1
    var starT = 0
    while t < text.count {
        if p < pattern.count, case .literal(let c) = pattern[p], c == text[t] {
            t += 1
            p += 1
        } else if p < pattern.count, pattern[p] == .wildcard {
            starP = p
            starT = t
            p += 1
        } else if starP >= 0 {
            p = starP + 1
            starT += 1
            t = starT
        } else {
            return false
        }
    }
    while p < pattern.count, pattern[p] == .wildcard { p += 1 }
    return p == pattern.count
}
