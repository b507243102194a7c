import Logging
import WardenCore

/// The MCP client side of one upstream: lifecycle, tools, ping. Transport-agnostic.
///
/// The client initialises lazily and again whenever the transport's session changes (a restarted
/// process, an expired HTTP session). A request refused with `sessionExpired` never reached a live
/// session, so it is sent once more after re-initialising; a request lost to a crashed process is not
/// retried, because the upstream may have acted on it.
public actor UpstreamClient {
    public let transport: any UpstreamTransport
    public let clientInfo: MCPImplementation
    /// The timeout for each request, including waiting for a restarting process.
    public let requestTimeout: Duration
    /// The most `tools/list` pages followed before the listing is refused as runaway.
    public let maxToolPages: Int
    private let logger: Logger
    private var nextID: Int64 = 1
    private var initialized: (generation: UInt64, result: InitializeResult)?
    private var initializing: (generation: UInt64, task: Task<InitializeResult, any Error>)?

    public init(
        transport: any UpstreamTransport,
        clientInfo: MCPImplementation = .warden,
        requestTimeout: Duration = .seconds(30),
        maxToolPages: Int = 100,
        logger: Logger
    ) {
        self.transport = transport
        self.clientInfo = clientInfo
        self.requestTimeout = requestTimeout
        self.maxToolPages = maxToolPages
        self.logger = logger
    }

    /// What the upstream said about itself in the current session, if initialised.
    public var serverInitializeResult: InitializeResult? { initialized?.result }

    // MARK: - Lifecycle

    /// Runs the `initialize` handshake for the transport's current session (once; concurrent callers share it)
    /// and sends `notifications/initialized`.
    @discardableResult
    public func initialize() async throws(UpstreamError) -> InitializeResult {
        let generation = await transport.sessionGeneration
        if let initialized, initialized.generation == generation { return initialized.result }
        let task: Task<InitializeResult, any Error>
        if let initializing, initializing.generation == generation {
            task = initializing.task
        } else {
            task = Task { try await self.handshake() }
            initializing = (generation, task)
        }
        let result: InitializeResult
        do {
            result = try await task.value
        } catch {
            if initializing?.generation == generation { initializing = nil }
            throw Self.upstreamError(error)
        }
        if initializing?.generation == generation { initializing = nil }
        return result
    }

    private func handshake() async throws(UpstreamError) -> InitializeResult {
        let params = InitializeParams(protocolVersion: MCPProtocolVersion.latest, clientInfo: clientInfo)
        // Read the generation after the request: an HTTP transport's `initialize` may itself replace the session.
        let json = try await rawRequest(MCPMethod.initialize, params: params.json)
        let generation = await transport.sessionGeneration
        let result: InitializeResult
        do {
            result = try InitializeResult(json: json)
        } catch {
            throw .invalidResult(error)
        }
        guard MCPProtocolVersion.isSupported(result.protocolVersion) else {
            throw .unsupportedProtocolVersion(result.protocolVersion)
        }
        try await transport.notify(JSONRPCNotification(method: MCPMethod.initialized))
        initialized = (generation, result)
        logger.info(
            "upstream initialised",
            metadata: [
                // The upstream's own name and version strings are its text: never logged.
                "generation": "\(generation)"
            ]
        )
        return result
    }

    /// Ends the session and the transport.
    public func close() async {
        initialized = nil
        initializing?.task.cancel()
        initializing = nil
        await transport.close()
    }

    // MARK: - Methods

    /// Checks the upstream is alive.
    public func ping() async throws(UpstreamError) {
        _ = try await request(MCPMethod.ping, params: nil)
    }

    /// Every tool of the upstream, following `nextCursor` for at most `maxToolPages` pages.
    public func listTools() async throws(UpstreamError) -> [Tool] {
        var tools: [Tool] = []
        var cursor: String?
        var seenCursors: Set<String> = []
        for _ in 0..<maxToolPages {
            let params: JSONValue? = cursor.map { ["cursor": .string($0)] }
            let page: ListToolsResult
            do {
                page = try ListToolsResult(json: try await request(MCPMethod.toolsList, params: params))
            } catch let error as MCPDecodingError {
                throw .invalidResult(error)
            } catch {
                throw Self.upstreamError(error)
            }
            tools.append(contentsOf: page.tools)
            guard let next = page.nextCursor else { return tools }
            guard seenCursors.insert(next).inserted else {
                throw .protocolViolation("tools/list repeated a cursor")
            }
            cursor = next
        }
        throw .protocolViolation("tools/list has more than \(maxToolPages) pages")
    }

    /// Calls a tool. A tool's own failure comes back as `isError: true`; a JSON-RPC error is thrown as `rpcError`.
    /// - Parameter timeout: overrides `requestTimeout` for this call (e.g. a per-tool limit).
    public func callTool(
        name: String,
        arguments: [String: JSONValue]? = nil,
        timeout: Duration? = nil
    ) async throws(UpstreamError) -> CallToolResult {
        let params = CallToolParams(name: name, arguments: arguments)
        let json = try await request(MCPMethod.toolsCall, params: params.json, timeout: timeout)
        do {
            return try CallToolResult(json: json)
        } catch {
            throw .invalidResult(error)
        }
    }

    // MARK: - Requests

    /// Sends a request in an initialised session and returns its result.
    public func request(
        _ method: String,
        params: JSONValue?,
        timeout: Duration? = nil
    ) async throws(UpstreamError) -> JSONValue {
        try await initialize()
        do {
            return try await rawRequest(method, params: params, timeout: timeout)
        } catch .sessionExpired {
            try await initialize()
            return try await rawRequest(method, params: params, timeout: timeout)
        }
    }

    private func rawRequest(
        _ method: String,
        params: JSONValue?,
        timeout: Duration? = nil
    ) async throws(UpstreamError) -> JSONValue {
        let id = JSONRPCID.number(nextID)
        nextID += 1
        let response = try await transport.send(
            JSONRPCRequest(id: id, method: method, params: params),
            timeout: timeout ?? requestTimeout
        )
        switch response {
        case .success(let success): return success.result
        case .error(let error): throw .rpcError(error.error)
        }
    }

    private static func upstreamError(_ error: any Error) -> UpstreamError {
        if let error = error as? UpstreamError { return error }
        if error is CancellationError { return .cancelled }
        return .transport("\(error)")
    }
}
