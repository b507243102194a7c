import WardenCore

/// Why a model call failed.
///
/// `detail` and `description` hold only Warden's own words, status codes and counts: never prompt or completion
/// text, tool arguments, an error body from the server, or the API key, so the error can be logged and shown as is.
public struct ModelError: Error, Sendable, CustomStringConvertible, LogSafeError {
    public enum Kind: Sendable, Equatable {
        /// No complete response within `ModelEndpoint.timeoutSeconds` on the last attempt.
        case timeout
        /// A status that is not a refusal of the request: 5xx, 408, 409 or 429 still failing after every attempt,
        /// or a status that is never retried and is not a 4xx (a 3xx that was not followed, 501, 505, ...).
        case httpStatus(Int)
        /// The body was not a chat completion: not JSON, no choices, wrong types, a tool call without id or name.
        case malformedResponse
        /// The endpoint could not be reached or the connection failed (refused, reset, TLS, DNS).
        case transport
        /// The body was longer than `ModelEndpoint.maxResponseBytes`. Not retried: the same request would likely
        /// produce the same answer.
        case responseTooLarge
        /// A 4xx other than 408, 409 and 429: the endpoint refused this request (key, deployment, model name,
        /// body shape, content filter). Not retried: the same request would be refused again. `status` tells which.
        case rejected
        /// The calling task was cancelled; no further attempt was made.
        case cancelled
    }

    public var kind: Kind
    /// HTTP attempts made (0 when cancelled before the first).
    public var attempts: Int
    /// What happened, for people and logs (never message text, server body text or the key).
    public var detail: String
    /// The HTTP status of the last attempt, when it got one (`.httpStatus`, `.rejected`, and a 2xx that was
    /// `.malformedResponse` or `.responseTooLarge`).
    public var status: Int?

    public init(kind: Kind, attempts: Int, detail: String, status: Int? = nil) {
        self.kind = kind
        self.attempts = attempts
        self.detail = detail
        self.status = status
    }

    public var description: String { "model call failed: \(detail)" }
    public var logDescription: String { description }
}
