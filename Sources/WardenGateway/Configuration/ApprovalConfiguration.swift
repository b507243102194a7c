/// `approvals:` — spend budgets per agent.
public struct ApprovalSettings: Sendable {
    public init() {}
}

extension ConfigurationLoader {
    static func approvalSettings(_ reader: YAMLReader?) throws(ConfigurationError) -> ApprovalSettings {
        guard let reader else { return ApprovalSettings() }
        let m = try reader.mapping()
        try m.finish()
        return ApprovalSettings()
    }
}
