import AsyncHTTPClient
import Logging
import NIOCore
import WardenCore

/// Warden's client for OpenAI-compatible chat completions with tool calling (OpenAI, Azure OpenAI, vLLM, llama.cpp
/// server, Ollama).
///
/// Each attempt has `timeoutSeconds` for the whole exchange, body included. Timeouts, transport failures, malformed
/// bodies and HTTP 408, 409, 429, 500, 502, 503 and 504 are retried up to `maxAttempts` with full-jitter
/// exponential backoff (a 429's or 503's `Retry-After`, up to 30 s, when it asks for longer). Other 4xx are
/// `.rejected` at once, other statuses `.httpStatus` at once, an oversized body `.responseTooLarge` at once.
/// Cancelling the calling task ends the call at once with `.cancelled`.
///
/// Nothing the model or the caller wrote is logged or put into an error: only status codes, attempt numbers,
/// durations and byte counts. The `HTTPClient` is the caller's; it should not follow redirects (a redirect must not
/// carry the key or the conversation to another host).
public struct OpenAICompatibleClient: ChatModel {
    public let endpoint: ModelEndpoint
    private let httpClient: HTTPClient
    private let logger: Logger
    private let sleep: @Sendable (Duration) async throws -> Void
    private let random: @Sendable (ClosedRange<Int>) -> Int

    /// The longest `Retry-After` honoured: a server cannot park an agent's run for longer per retry.
    static let maxRetryAfter: Duration = .seconds(30)

    public init(
        endpoint: ModelEndpoint, httpClient: HTTPClient, logger: Logger,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable (ClosedRange<Int>) -> Int = { Int.random(in: $0) }
    ) {
        self.endpoint = endpoint
        self.httpClient = httpClient
        self.logger = logger
        self.sleep = sleep
        self.random = random
    }

    public func complete(_ request: ChatRequest) async throws(ModelError) -> ChatResponse {
        let body = ChatWire.requestBody(request, model: endpoint.model, tokenParameter: endpoint.tokenParameter)
        let maxAttempts = max(1, endpoint.maxAttempts)
        var attempt = 0
        while true {
            guard !Task.isCancelled else { throw cancelled(attempts: attempt) }
            attempt += 1
            let started = ContinuousClock.now
            let outcome = await send(body)
            let elapsed = Self.milliseconds(started.duration(to: .now))
            switch outcome {
            case .success(let answer):
                let usage =
                    answer.decoded.usage
                    ?? ChatWire.estimatedUsage(requestBytes: body.count, message: answer.decoded.message)
                logger.debug(
                    "model call answered",
                    metadata: [
                        "model.attempt": "\(attempt)", "model.status": "\(answer.status)",
                        "model.duration_ms": "\(elapsed)", "model.request_bytes": "\(body.count)",
                        "model.response_bytes": "\(answer.bytes)", "model.total_tokens": "\(usage.totalTokens)",
                        "model.usage_estimated": "\(usage.estimated)",
                    ])
                return ChatResponse(
                    message: answer.decoded.message, finishReason: answer.decoded.finishReason, usage: usage,
                    attempts: attempt)
            case .failure(let failure):
                if Task.isCancelled || failure.kind == .cancelled { throw cancelled(attempts: attempt) }
                var metadata: Logger.Metadata = [
                    "model.attempt": "\(attempt)", "model.failure": "\(failure.summary)",
                    "model.duration_ms": "\(elapsed)", "model.request_bytes": "\(body.count)",
                ]
                if let status = failure.status { metadata["model.status"] = "\(status)" }
                guard failure.retryable, attempt < maxAttempts else {
                    logger.warning("model call failed", metadata: metadata)
                    throw failure.error(attempts: attempt, timeoutSeconds: max(1, endpoint.timeoutSeconds))
                }
                let delay = backoff(afterAttempt: attempt, retryAfter: failure.retryAfter)
                metadata["model.retry_in_ms"] = "\(Self.milliseconds(delay))"
                logger.debug("model call attempt failed; retrying", metadata: metadata)
                do {
                    try await sleep(delay)
                } catch {
                    throw cancelled(attempts: attempt)
                }
            }
        }
    }

    /// Full jitter: random(0 ... min(max, base × 2^(attempt-1))) ms; a longer `Retry-After` wins.
    func backoff(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        let base = max(0, endpoint.backoffBaseMilliseconds)
        let cap = max(0, endpoint.backoffMaxMilliseconds)
        var ceiling = base
        var doublings = attempt - 1
        while doublings > 0 && ceiling < cap {
            ceiling = ceiling > cap / 2 ? cap : ceiling * 2
            doublings -= 1
        }
        let jitter = Duration.milliseconds(random(0...min(ceiling, cap)))
        guard let retryAfter else { return jitter }
        return max(jitter, min(retryAfter, Self.maxRetryAfter))
    }

    private func cancelled(attempts: Int) -> ModelError {
        AttemptFailure(kind: .cancelled, summary: "cancelled").error(attempts: attempts, timeoutSeconds: 0)
    }

    // MARK: - One attempt

    private struct Answer: Sendable {
        var decoded: ChatWire.Decoded
        var status: Int
        var bytes: Int
    }

    private func send(_ body: [UInt8]) async -> Result<Answer, AttemptFailure> {
        // AsyncHTTPClient's own deadline ends when the response head arrives; the race bounds the body too.
        let limit = Duration.seconds(max(1, endpoint.timeoutSeconds))
        do throws(AttemptFailure) {
            return .success(
                try await withDeadline(
                    limit, timedOut: { AttemptFailure(kind: .timeout, summary: "timeout") },
                    cancelled: { AttemptFailure(kind: .cancelled, summary: "cancelled") },
                    { () async throws(AttemptFailure) -> Answer in try await exchange(body) }))
        } catch {
            return .failure(error)
        }
    }

    private func exchange(_ body: [UInt8]) async throws(AttemptFailure) -> Answer {
        var request = HTTPClientRequest(url: endpoint.completionsURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Warden-Model/1")
        if let auth = endpoint.authorizationHeader { request.headers.add(name: auth.name, value: auth.value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .seconds(Int64(max(1, endpoint.timeoutSeconds))))
        } catch {
            throw AttemptFailure(error)
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            // The body is not read: nothing in it is used, and a slow one must not turn a status into a timeout.
            var retryAfter: Duration?
            if status == 429 || status == 503 {
                retryAfter = Self.retryAfter(response.headers.first(name: "retry-after"))
            }
            throw AttemptFailure(status: status, retryAfter: retryAfter)
        }
        let bytes: ByteBuffer
        do {
            bytes = try await response.body.collect(upTo: max(0, endpoint.maxResponseBytes))
        } catch is NIOTooManyBytesError {
            throw AttemptFailure(
                kind: .responseTooLarge, summary: "response body larger than \(endpoint.maxResponseBytes) bytes",
                status: status)
        } catch {
            throw AttemptFailure(error)
        }
        let raw = Array(bytes.readableBytesView)
        do {
            let decoded = try ChatWire.decode(raw, maxBytes: endpoint.maxResponseBytes)
            return Answer(decoded: decoded, status: status, bytes: raw.count)
        } catch {
            throw AttemptFailure(kind: .malformedResponse, summary: error.reason, status: status)
        }
    }

    /// Delta-seconds only (an HTTP date is ignored): a non-negative integer, at most `maxRetryAfter`.
    static func retryAfter(_ header: String?) -> Duration? {
        guard let header else { return nil }
        let trimmed = header.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
        guard let seconds = Int(String(trimmed)), seconds >= 0 else { return nil }
        return min(.seconds(seconds), maxRetryAfter)
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// How one attempt failed, in Warden's own words.
struct AttemptFailure: Error, Sendable {
    var kind: ModelError.Kind
    /// Fixed words, a status or a parser offset: what is logged and put in `ModelError.detail`.
    var summary: String
    var status: Int?
    var retryAfter: Duration?
    var retryable: Bool

    init(kind: ModelError.Kind, summary: String, status: Int? = nil, retryable: Bool? = nil) {
        self.kind = kind
        self.summary = summary
        self.status = status
        switch kind {
        case .timeout, .transport, .malformedResponse: self.retryable = retryable ?? true
        case .httpStatus, .rejected, .responseTooLarge, .cancelled: self.retryable = retryable ?? false
        }
    }

    /// A non-2xx status: 408, 409, 429, 500, 502, 503 and 504 are worth another try (overload, a restart behind a
    /// load balancer, a lost race); any other 4xx refuses this very request, so repeating it changes nothing.
    init(status: Int, retryAfter: Duration?) {
        let retryable = [408, 409, 429, 500, 502, 503, 504].contains(status)
        let kind: ModelError.Kind = !retryable && (400..<500).contains(status) ? .rejected : .httpStatus(status)
        self.init(kind: kind, summary: "HTTP \(status)", status: status, retryable: retryable)
        self.retryAfter = retryAfter
    }

    /// An error from AsyncHTTPClient or NIO. Only its type and code are kept: an error's text is not ours.
    init(_ error: any Error) {
        if error is CancellationError {
            self.init(kind: .cancelled, summary: "cancelled")
            return
        }
        if let ioError = error as? IOError {
            // A system call's name and its errno text, e.g. "connect(...): Connection refused (errno: 111)".
            self.init(kind: .transport, summary: "transport error (\(ioError))")
            return
        }
        guard let httpError = error as? HTTPClientError else {
            self.init(kind: .transport, summary: "transport error (\(type(of: error)))")
            return
        }
        switch httpError {
        case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout,
            .tlsHandshakeTimeout, .httpProxyHandshakeTimeout, .socksHandshakeTimeout:
            self.init(kind: .timeout, summary: "timeout (\(httpError))")
        case .cancelled:
            self.init(kind: .cancelled, summary: "cancelled")
        case .invalidURL, .emptyHost, .emptyScheme, .missingSocketPath:
            // The configuration is wrong; another try would fail the same way.
            self.init(kind: .transport, summary: "the endpoint URL is not valid (\(httpError))", retryable: false)
        default:
            self.init(kind: .transport, summary: "transport error (\(httpError))")
        }
    }

    func error(attempts: Int, timeoutSeconds: Int) -> ModelError {
        let tries = "after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        let detail: String
        switch kind {
        case .timeout:
            detail = "no complete response from the model endpoint within \(timeoutSeconds) s \(tries)"
        case .httpStatus(let code):
            detail = "HTTP \(code) from the model endpoint \(tries)"
        case .rejected:
            detail = "the model endpoint refused the request with HTTP \(status ?? 0) (not retried) \(tries)"
        case .malformedResponse:
            detail = "malformed response from the model endpoint (\(summary)) \(tries)"
        case .transport:
            detail = "could not complete the exchange with the model endpoint: \(summary) \(tries)"
        case .responseTooLarge:
            detail = "\(summary) from the model endpoint (not retried) \(tries)"
        case .cancelled:
            detail = "the model call was cancelled \(tries)"
        }
        return ModelError(kind: kind, attempts: attempts, detail: detail, status: status)
    }
}
