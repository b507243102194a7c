/// An ordered set of parsed policies.
public struct PolicySet: Sendable {
    public let policies: [Policy]

    public init(policies: [Policy]) { self.policies = policies }

    /// Parses policy text. Ids are positional (`policy0`, `policy1`, …) unless `ids` supplies one per policy.
    ///
    /// - Throws: `PolicyParseError` naming the file, line and column, with the source line and a caret.
    public init(text: String, fileName: String = "policies.cedar", ids: [PolicyID]? = nil) throws(PolicyParseError) {
        var parser = try Parser(text: text, fileName: fileName)
        let parsed = try parser.parsePolicies(ids: ids)
        if let ids, ids.count != parsed.count {
            throw PolicyParseError(
                fileName: fileName, location: SourceLocation(line: 1, column: 1, offset: 0),
                message: "\(ids.count) policy ids supplied for \(parsed.count) policies", sourceLine: "")
        }
        policies = parsed
    }

    /// Parses several policy files as one set; ids stay positional across all of them (`policy0` is the first
    /// policy of the first file).
    public init(sources: [(fileName: String, text: String)]) throws(PolicyParseError) {
        var all: [Policy] = []
        for source in sources {
            var parser = try Parser(text: source.text, fileName: source.fileName)
            let parsed = try parser.parsePolicies(ids: nil)
            for p in parsed { all.append(p.withID("policy\(all.count)")) }
        }
        policies = all
    }

    /// The same policies, each named by its `@id("…")` annotation where it has one (positional id otherwise),
    /// so that decisions and errors name the rule as its author wrote it.
    ///
    /// - Throws: `PolicyIDError` when two policies would share an id.
    public func namedByIDAnnotations() throws(PolicyIDError) -> PolicySet {
        var seen: Set<PolicyID> = []
        var renamed: [Policy] = []
        for p in policies {
            let id = p.annotation("id") ?? p.id
            guard seen.insert(id).inserted else { throw PolicyIDError(duplicate: id, location: p.location) }
            renamed.append(p.withID(id))
        }
        return PolicySet(policies: renamed)
    }

    /// The policy with `id`, if any.
    public func policy(_ id: PolicyID) -> Policy? { policies.first { $0.id == id } }
}

/// Parses a standalone Cedar expression (for tools and tests).
public func parseExpression(_ text: String, fileName: String = "expression") throws(PolicyParseError) -> Expr {
    var parser = try Parser(text: text, fileName: fileName)
    return try parser.parseStandaloneExpr()
}

/// Two policies in one set have the same id.
public struct PolicyIDError: Error, Sendable, CustomStringConvertible {
    public let duplicate: PolicyID
    public let location: SourceLocation
    public var description: String { "\(location): duplicate policy id `\(duplicate)`" }
}

extension Policy {
    func withID(_ newID: PolicyID) -> Policy {
        Policy(
            id: newID, effect: effect, annotations: annotations, principal: principal, action: action,
            resource: resource, conditions: conditions, location: location)
    }
}
