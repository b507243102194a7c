/// A fixed-size set of policy indices, one bit per policy.
struct PolicyBits: Sendable {
    var words: [UInt64]

    init(count: Int) { words = Array(repeating: 0, count: (count + 63) / 64) }

    mutating func insert(_ i: Int) { words[i >> 6] |= 1 << UInt64(i & 63) }

    mutating func formUnion(_ other: PolicyBits) {
        for i in words.indices { words[i] |= other.words[i] }
    }

    mutating func formIntersection(_ other: PolicyBits) {
        for i in words.indices { words[i] &= other.words[i] }
    }

    /// The set indices in ascending order.
    var indices: [Int] {
        var out: [Int] = []
        for (w, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                out.append(w << 6 | bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return out
    }
}

/// Indexes policies by their scope so a request evaluates only policies whose scope can match it.
///
/// For each of principal, action and resource, a policy sits in one bucket: unconstrained (or constrained only
/// by type, for principal and resource), `== E` under E, or `in E` under E (every member of an action list).
/// A request's candidates in one dimension are the unconstrained bucket, the `==` bucket of its entity, and
/// the `in` buckets of its entity and each of its ancestors; the three dimensions are intersected. Each
/// candidate's full scope is still checked before its conditions run, so the index only skips policies that
/// could not match, and decisions equal evaluating every policy (tested on generated sets).
struct PolicyIndex: Sendable {
    struct Dimension: Sendable {
        var unconstrained: PolicyBits
        var equals: [EntityUID: PolicyBits] = [:]
        var within: [EntityUID: PolicyBits] = [:]

        init(count: Int) { unconstrained = PolicyBits(count: count) }

        mutating func addEquals(_ uid: EntityUID, _ i: Int, _ count: Int) {
            equals[uid, default: PolicyBits(count: count)].insert(i)
        }

        mutating func addWithin(_ uid: EntityUID, _ i: Int, _ count: Int) {
            within[uid, default: PolicyBits(count: count)].insert(i)
        }

        mutating func add(_ c: ScopeConstraint, _ i: Int, _ count: Int) {
            switch c {
            case .any, .is: unconstrained.insert(i)
            case .equals(let e): addEquals(e, i, count)
            case .in(let e), .isIn(_, let e): addWithin(e, i, count)
            }
        }

        func candidates(_ uid: EntityUID, _ entities: Entities) -> PolicyBits {
            var bits = unconstrained
            if let eq = equals[uid] { bits.formUnion(eq) }
            if !within.isEmpty {
                if let direct = within[uid] { bits.formUnion(direct) }
                for ancestor in entities.ancestors(of: uid) {
                    if let via = within[ancestor] { bits.formUnion(via) }
                }
            }
            return bits
        }
    }

    private var principal: Dimension
    private var action: Dimension
    private var resource: Dimension

    init(_ policies: [Policy]) {
        let n = policies.count
        principal = Dimension(count: n)
        action = Dimension(count: n)
        resource = Dimension(count: n)
        for (i, p) in policies.enumerated() {
            principal.add(p.principal, i, n)
            resource.add(p.resource, i, n)
            switch p.action {
            case .any: action.unconstrained.insert(i)
            case .equals(let a): action.addEquals(a, i, n)
            case .in(let list): for a in list { action.addWithin(a, i, n) }
            }
        }
    }

    /// Indices (ascending) of the policies whose scope may match the request.
    func candidates(principal p: EntityUID, action a: EntityUID, resource r: EntityUID, entities: Entities) -> [Int] {
        var bits = action.candidates(a, entities)
        bits.formIntersection(principal.candidates(p, entities))
        bits.formIntersection(resource.candidates(r, entities))
        return bits.indices
    }
}
