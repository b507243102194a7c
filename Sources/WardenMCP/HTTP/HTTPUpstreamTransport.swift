import AsyncHTTPClient
import Foundation
import Logging
import WardenCore

/// An upstream MCP server reached over Streamable HTTP (MCP 2025-06-18 / 2025-11-25), on AsyncHTTPClient.
///
/// - Every message is its own POST with `Accept: application/json, text/event-stream`.
/// - The answer is a JSON body or an SSE stream; in a stream, the response with the request's id is
///   returned and server notifications or requests are ignored (logged at debug by method name only).
/// - `Mcp-Session-Id` from the `initialize` response and the negotiated `MCP-Protocol-Version` are sent
///   on every later message. A 404 for a request that carried the session id means the session is gone:
///   `sessionGeneration` changes and `sessionExpired` is thrown, so the client re-initialises.
/// - A stream the server closes after sending an event id is resumed with GET and `Last-Event-ID`.
/// - Redirects are not followed: injected credentials must never travel to another origin.
/// - `close()` ends the session with DELETE.
public actor HTTPUpstreamTransport: UpstreamTransport {
    public let configuration: HTTPUpstreamConfiguration
    private let client: HTTPClient
    private let ownsClient: Bool
    private let logger: Logger
    private let decoder: JSONRPCDecoder
    private var sessionID: String?
    private var protocolVersion: String?
    private var generation: UInt64 = 1
    private var closed = false

    /// - Parameter client: a shared client to use; when nil the transport creates and owns one
    ///   (no redirects) and shuts it down in `close()`.
    public init(
        configuration: HTTPUpstreamConfiguration,
        client: HTTPClient? = nil,
        logger: Logger
    ) throws(HTTPUpstreamConfiguration.Invalid) {
        try configuration.validate()
        self.configuration = configuration
        if let client {
            self.client = client
            self.ownsClient = false
        } else {
            var clientConfiguration = HTTPClient.Configuration()
            clientConfiguration.redirectConfiguration = .disallow
            // The pipeline has its own span for the upstream call; the client's (a no-op tracer unless one is
            // bootstrapped) only cost its attributes on every request.
            clientConfiguration.tracing.tracer = nil
            clientConfiguration.timeout = HTTPClient.Configuration.Timeout(
                connect: .nanoseconds(Int64(configuration.connectTimeout.nanoseconds))
            )
            self.client = HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
            self.ownsClient = true
        }
        self.logger = logger
        self.decoder = JSONRPCDecoder(maxMessageBytes: configuration.maxResponseBytes)
    }

    public var sessionGeneration: UInt64 { generation }

    /// The session id the server assigned, if any (exposed for tests and diagnostics).
    public var currentSessionID: String? { sessionID }

    // MARK: - UpstreamTransport

    public func send(_ request: JSONRPCRequest, timeout: Duration) async throws(UpstreamError) -> JSONRPCResponse {
        guard !closed else { throw .closed }
        let isInitialize = request.method == MCPMethod.initialize
        // `initialize` always opens a new session; it never carries the old one.
        let session = isInitialize ? nil : sessionID
        let version = isInitialize ? nil : protocolVersion
        let body = Self.encode(.request(request))
        let exchange = HTTPExchange(
            client: client,
            configuration: configuration,
            decoder: decoder,
            logger: logger,
            sessionID: session,
            protocolVersion: version
        )
        let outcome: HTTPExchange.Outcome
        do {
            outcome = try await exchange.request(body: body, id: request.id, method: request.method, timeout: timeout)
        } catch .sessionExpired {
            sessionLost(session)
            throw .sessionExpired
        }
        if isInitialize, case .success(let success) = outcome.response {
            sessionID = outcome.sessionID
            protocolVersion = success.result["protocolVersion"]?.stringValue
        }
        return outcome.response
    }

    public func notify(_ notification: JSONRPCNotification) async throws(UpstreamError) {
        guard !closed else { throw .closed }
        let session = sessionID
        let exchange = HTTPExchange(
            client: client,
            configuration: configuration,
            decoder: decoder,
            logger: logger,
            sessionID: session,
            protocolVersion: protocolVersion
        )
        do {
            try await exchange.notify(body: Self.encode(.notification(notification)), timeout: .seconds(30))
        } catch .sessionExpired {
            sessionLost(session)
            throw .sessionExpired
        }
    }

    public func close() async {
        guard !closed else { return }
        closed = true
        if let sessionID {
            let exchange = HTTPExchange(
                client: client,
                configuration: configuration,
                decoder: decoder,
                logger: logger,
                sessionID: sessionID,
                protocolVersion: protocolVersion
            )
            await exchange.deleteSession(timeout: .seconds(5))
        }
        sessionID = nil
        if ownsClient {
            do {
                try await client.shutdown()
            } catch {
                logger.debug("HTTP client shutdown failed", metadata: ["problem": "\(LogSafe.describe(error))"])
            }
        }
    }

    // MARK: - Helpers

    /// Forgets a session the server no longer knows, unless a newer one has replaced it meanwhile.
    private func sessionLost(_ session: String?) {
        guard sessionID == session else { return }
        logger.info("upstream HTTP session expired; it will be re-initialised")
        sessionID = nil
        protocolVersion = nil
        generation += 1
    }

    private static func encode(_ message: JSONRPCMessage) -> Data {
        message.encoded()
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
