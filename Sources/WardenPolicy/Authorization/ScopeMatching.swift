extension ScopeConstraint {
    /// Whether `uid` satisfies this principal or resource constraint.
    func matches(_ uid: EntityUID, in entities: Entities) -> Bool {
        switch self {
        case .any: return true
        case .equals(let e): return uid == e
        case .in(let e): return entities.isDescendant(uid, of: e)
        case .is(let t): return uid.type == t
        case .isIn(let t, let e): return uid.type == t && entities.isDescendant(uid, of: e)
        }
    }
}

extension ActionConstraint {
    /// Whether `uid` satisfies this action constraint.
    func matches(_ uid: EntityUID, in entities: Entities) -> Bool {
        switch self {
        case .any: return true
        case .equals(let e): return uid == e
        case .in(let list): return list.contains { entities.isDescendant(uid, of: $0) }
        }
    }
}

extension Policy {
    /// Whether the policy's scope (principal, action, resource) matches the request.
    public func scopeMatches(principal: EntityUID, action: EntityUID, resource: EntityUID, entities: Entities)
        -> Bool
    {
        self.action.matches(action, in: entities) && self.principal.matches(principal, in: entities)
            && self.resource.matches(resource, in: entities)
    }

    /// True when the policy has no condition that could be false: no clauses, or only `when { true }` and
    /// `unless { false }`.
    public var hasTriviallyTrueConditions: Bool {
        conditions.allSatisfy { c in
            switch (c.kind, c.body) {
            case (.when, .literal(.bool(true))), (.unless, .literal(.bool(false))): return true
            default: return false
            }
        }
    }
}
