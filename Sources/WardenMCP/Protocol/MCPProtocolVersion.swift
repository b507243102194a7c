/// The MCP protocol revisions Warden speaks.
///
/// Only revisions without JSON-RPC batching and with the `MCP-Protocol-Version` header are offered.
public enum MCPProtocolVersion {
    /// The revision Warden proposes in `initialize`.
    public static let latest = "2025-11-25"
    /// Every revision Warden accepts from a peer.
    public static let supported: [String] = ["2025-11-25", "2025-06-18"]

    public static func isSupported(_ version: String) -> Bool { supported.contains(version) }
}

/// MCP method names used on the upstream side.
public enum MCPMethod {
    public static let initialize = "initialize"
    public static let initialized = "notifications/initialized"
    public static let ping = "ping"
    public static let toolsList = "tools/list"
    public static let toolsCall = "tools/call"
    public static let cancelled = "notifications/cancelled"
    public static let toolsListChanged = "notifications/tools/list_changed"
}
