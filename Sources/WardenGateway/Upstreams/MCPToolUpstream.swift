import Logging
import WardenCore
import WardenMCP

/// An upstream MCP server reached through WardenMCP's client (stdio subprocess or Streamable HTTP).
public struct MCPToolUpstream: ToolUpstream {
    public let name: String
    let client: UpstreamClient

    public init(name: String, client: UpstreamClient) {
        self.name = name
        self.client = client
    }

    public func start() async throws {
        _ = try await client.initialize()
    }

    public func listTools() async throws -> [UpstreamToolDefinition] {
        try await client.listTools().map { UpstreamToolDefinition(name: $0.name, definition: $0.raw) }
    }

    public func callTool(_ tool: String, arguments: [String: JSONValue]) async throws -> JSONValue {
        try await client.callTool(name: tool, arguments: arguments).json
    }

    public func shutdown() async {
        await client.close()
    }
}
