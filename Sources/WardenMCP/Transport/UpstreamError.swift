import WardenCore

/// Why a call to an upstream MCP server failed. Descriptions never include message contents.
public enum UpstreamError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No response arrived within the request timeout.
    case timedOut(method: String, after: Duration)
    /// The upstream process exited while the request was in flight (it is restarted with backoff).
    case processExited(status: Int32)
    /// The upstream could not be started or is waiting out its restart backoff.
    case unavailable(reason: String)
    /// The upstream answered with an HTTP status that is not part of the protocol exchange.
    case httpStatus(Int)
    /// The session is gone (HTTP 404, or a restarted process not yet initialised); the request was not
    /// delivered, and the client re-initialises and retries once.
    case sessionExpired
    /// A message or body larger than the configured limit.
    case messageTooLarge(limit: Int)
    /// The upstream broke the protocol (bad JSON-RPC, wrong content type, stream ended without a response).
    case protocolViolation(String)
    /// The upstream answered with a JSON-RPC error.
    case rpcError(JSONRPCErrorObject)
    /// The upstream's result did not have the shape MCP requires.
    case invalidResult(MCPDecodingError)
    /// The upstream chose a protocol revision Warden does not speak.
    case unsupportedProtocolVersion(String)
    /// A local I/O or connection failure.
    case transport(String)
    /// The transport was closed.
    case closed
    /// The calling task was cancelled.
    case cancelled

    public var description: String {
        switch self {
        case .timedOut(let method, let after): return "upstream did not answer \(method) within \(after)"
        case .processExited(let status): return "upstream process exited (status \(status)) during the request"
        case .unavailable(let reason): return "upstream unavailable: \(reason)"
        case .httpStatus(let status): return "upstream answered HTTP \(status)"
        case .sessionExpired: return "upstream session expired"
        case .messageTooLarge(let limit): return "upstream message exceeds \(limit) bytes"
        case .protocolViolation(let what): return "upstream protocol violation: \(what)"
        case .rpcError(let error): return "upstream \(error)"
        case .invalidResult(let error): return "upstream sent an \(error)"
        case .unsupportedProtocolVersion(let v): return "upstream chose unsupported protocol version \(v)"
        case .transport(let what): return "upstream transport failure: \(what)"
        case .closed: return "upstream transport is closed"
        case .cancelled: return "upstream request cancelled"
        }
    }
}

extension UpstreamError: LogSafeError {
    /// Fixed words and numbers only: an upstream's error message, protocol text or version string is its own
    /// text and never reaches a log line.
    public var logDescription: String {
        switch self {
        case .timedOut(_, let after): return "upstream did not answer within \(after)"
        case .processExited(let status): return "upstream process exited (status \(status)) during the request"
        case .unavailable: return "upstream unavailable"
        case .httpStatus(let status): return "upstream answered HTTP \(status)"
        case .sessionExpired: return "upstream session expired"
        case .messageTooLarge(let limit): return "upstream message exceeds \(limit) bytes"
        case .protocolViolation: return "upstream protocol violation"
        case .rpcError(let error): return "upstream JSON-RPC error \(error.code.rawValue)"
        case .invalidResult: return "upstream sent an invalid result"
        case .unsupportedProtocolVersion: return "upstream chose an unsupported protocol version"
        case .transport: return "upstream transport failure"
        case .closed: return "upstream transport is closed"
        case .cancelled: return "upstream request cancelled"
        }
    }
}
