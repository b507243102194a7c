import WardenCore

/// The params of `initialize`.
public struct InitializeParams: Sendable, Hashable {
    public var protocolVersion: String
    /// Kept free-form: Warden's own client declares no capabilities (no sampling, roots or elicitation).
    public var capabilities: [String: JSONValue]
    public var clientInfo: MCPImplementation

    public init(
        protocolVersion: String = MCPProtocolVersion.latest,
        capabilities: [String: JSONValue] = [:],
        clientInfo: MCPImplementation = .warden
    ) {
        self.protocolVersion = protocolVersion
        self.capabilities = capabilities
        self.clientInfo = clientInfo
    }

    public init(json: JSONValue) throws(MCPDecodingError) {
        let f = try JSONFields(json, path: "params")
        protocolVersion = try f.string("protocolVersion")
        capabilities = try f.object("capabilities")
        guard let info = f.members["clientInfo"] else {
            throw MCPDecodingError(path: "params.clientInfo", problem: "is required")
        }
        clientInfo = try MCPImplementation(json: info, path: "params.clientInfo")
    }

    public var json: JSONValue {
        [
            "protocolVersion": .string(protocolVersion),
            "capabilities": .object(capabilities),
            "clientInfo": clientInfo.json,
        ]
    }
}

/// The result of `initialize`.
public struct InitializeResult: Sendable, Hashable {
    public var protocolVersion: String
    public var capabilities: [String: JSONValue]
    public var serverInfo: MCPImplementation
    /// Free text from the server; untrusted, never treated as configuration.
    public var instructions: String?

    public init(
        protocolVersion: String,
        capabilities: [String: JSONValue],
        serverInfo: MCPImplementation,
        instructions: String? = nil
    ) {
        self.protocolVersion = protocolVersion
        self.capabilities = capabilities
        self.serverInfo = serverInfo
        self.instructions = instructions
    }

    public init(json: JSONValue) throws(MCPDecodingError) {
        let f = try JSONFields(json, path: "result")
        protocolVersion = try f.string("protocolVersion")
        capabilities = try f.object("capabilities")
        guard let info = f.members["serverInfo"] else {
            throw MCPDecodingError(path: "result.serverInfo", problem: "is required")
        }
        serverInfo = try MCPImplementation(json: info, path: "result.serverInfo")
        instructions = try f.optionalString("instructions")
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "protocolVersion": .string(protocolVersion),
            "capabilities": .object(capabilities),
            "serverInfo": serverInfo.json,
        ]
        if let instructions { o["instructions"] = .string(instructions) }
        return .object(o)
    }
}
