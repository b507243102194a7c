/// The approvers' web inbox (`inbox:`): its own listener, and the OIDC provider people sign in with.
public struct InboxSettings: Sendable {
    public init() {}
}

extension ConfigurationLoader {
    /// `inbox:`; nil when absent (no inbox).
    static func inboxSettings(_ reader: YAMLReader?, base: String) throws(ConfigurationError) -> InboxSettings? {
        guard let reader else { return nil }
        let m = try reader.mapping()
        try m.finish()
        return InboxSettings()
    }
}
