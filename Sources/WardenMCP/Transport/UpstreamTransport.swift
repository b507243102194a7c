/// A connection to one upstream MCP server, below the MCP lifecycle.
///
/// A transport moves JSON-RPC messages and matches responses to requests by id. It does not run the
/// `initialize` handshake itself: when its session is replaced (a restarted process, an expired HTTP
/// session) it increases `sessionGeneration`, and `UpstreamClient` initialises again before the next call.
public protocol UpstreamTransport: Sendable {
    /// Sends a request and waits for the response with the same id, at most `timeout`.
    ///
    /// Throws `sessionExpired` when the request would reach a session that has not been initialised (or no
    /// longer exists); such a request was not delivered, so it is safe to initialise and send it again.
    func send(_ request: JSONRPCRequest, timeout: Duration) async throws(UpstreamError) -> JSONRPCResponse

    /// Sends a notification; no answer is expected.
    func notify(_ notification: JSONRPCNotification) async throws(UpstreamError)

    /// Changes whenever the peer's session is new (first start, restart, re-created HTTP session).
    var sessionGeneration: UInt64 { get async }

    /// Ends the session and releases the process or connection. Pending requests fail with `closed`.
    func close() async
}
