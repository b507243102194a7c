/// A policy with `?principal` and/or `?resource` slots in its scope, to be linked to concrete entities.
public struct PolicyTemplate: Sendable {
    /// The template with placeholders where the slots are.
    let policy: Policy
    public let slots: Set<String>

    /// Parses exactly one template (or a plain policy, which has no slots).
    public init(text: String, fileName: String = "template.cedar") throws(PolicyParseError) {
        var parser = try Parser(text: text, fileName: fileName)
        parser.allowsSlots = true
        let parsed = try parser.parsePolicies(ids: nil)
        guard parsed.count == 1, let policy = parsed.first else {
            throw PolicyParseError(
                fileName: fileName, location: SourceLocation(line: 1, column: 1, offset: 0),
                message: "expected exactly one template, found \(parsed.count)", sourceLine: "")
        }
        self.policy = policy
        var slots: Set<String> = []
        for (name, constraint) in [("principal", policy.principal), ("resource", policy.resource)] {
            if constraint.target == Parser.slotPlaceholder(name) { slots.insert(name) }
        }
        self.slots = slots
    }

    /// A policy with every slot filled: `principal` for `?principal`, `resource` for `?resource`.
    ///
    /// - Throws: `TemplateLinkError` when a slot the template has is not given, or one it lacks is.
    public func link(id: PolicyID, principal: EntityUID? = nil, resource: EntityUID? = nil) throws(TemplateLinkError)
        -> Policy
    {
        for (name, value) in [("principal", principal), ("resource", resource)] {
            if slots.contains(name) && value == nil { throw TemplateLinkError(message: "`?\(name)` needs a value") }
            if !slots.contains(name) && value != nil {
                throw TemplateLinkError(message: "the template has no `?\(name)` slot")
            }
        }
        return Policy(
            id: id, effect: policy.effect, annotations: policy.annotations,
            principal: policy.principal.filling(Parser.slotPlaceholder("principal"), with: principal),
            action: policy.action,
            resource: policy.resource.filling(Parser.slotPlaceholder("resource"), with: resource),
            conditions: policy.conditions, location: policy.location)
    }
}

/// Linking a template failed.
public struct TemplateLinkError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension ScopeConstraint {
    /// The entity the constraint names, if any.
    var target: EntityUID? {
        switch self {
        case .equals(let e), .in(let e), .isIn(_, let e): return e
        case .any, .is: return nil
        }
    }

    func filling(_ placeholder: EntityUID, with value: EntityUID?) -> ScopeConstraint {
        guard let value, target == placeholder else { return self }
        switch self {
        case .equals: return .equals(value)
        case .in: return .in(value)
        case .isIn(let t, _): return .isIn(t, value)
        case .any, .is: return self
        }
    }
}
