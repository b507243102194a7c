import WardenCore

/// One upstream MCP server as the gateway sees it. The gateway never forwards the agent's token: an
/// upstream authenticates with credentials Warden injects from its secret store.
public protocol ToolUpstream: Sendable {
    /// The server name agents see as the prefix of `server.tool`.
    var name: String { get }
    func start() async throws
    /// The upstream's tool definitions as it reports them (untrusted: classification comes from config).
    func listTools() async throws -> [UpstreamToolDefinition]
    /// Calls `tool` (the upstream's own, unprefixed name) and returns the MCP `CallToolResult` object.
    func callTool(_ tool: String, arguments: [String: JSONValue]) async throws -> JSONValue
    func shutdown() async
}

/// A tool definition as an upstream reported it.
public struct UpstreamToolDefinition: Sendable, Hashable {
    public var name: String
    /// The whole definition object (name, title, description, inputSchema, annotations, ...).
    public var definition: JSONValue

    public init(name: String, definition: JSONValue) {
        self.name = name
        self.definition = definition
    }

    /// SHA-256 over the canonical JSON of the definition: any change to description or schema changes it.
    public var digest: String { CanonicalJSON.sha256Hex(definition) }
}

/// Why an upstream could not serve a call; surfaced to the agent as a tool error without internals.
public struct UpstreamFailure: Error, Sendable, CustomStringConvertible {
    public var upstream: String
    public var reason: String

    public init(upstream: String, reason: String) {
        self.upstream = upstream
        self.reason = reason
    }

    public var description: String { "upstream '\(upstream)' failed: \(reason)" }
}
