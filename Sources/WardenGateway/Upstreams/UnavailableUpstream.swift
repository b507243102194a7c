import WardenCore

/// An upstream that could not be built at start (e.g. a secret it needs is missing). Only it is out of service:
/// it lists no tools, so its tools are unknown, and the rest of the cell runs. The reason is logged at start.
struct UnavailableUpstream: ToolUpstream {
    let name: String

    func start() async throws {}
    func shutdown() async {}

    func listTools() async throws -> [UpstreamToolDefinition] {
        throw UpstreamFailure(upstream: name, reason: "not started (see the start-up log)")
    }

    func callTool(_ tool: String, arguments: [String: JSONValue]) async throws -> JSONValue {
        throw UpstreamFailure(upstream: name, reason: "not started (see the start-up log)")
    }
}
