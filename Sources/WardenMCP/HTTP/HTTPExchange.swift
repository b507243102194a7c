import AsyncHTTPClient
import Foundation
import Logging
import WardenCore

/// One request/response exchange with a Streamable HTTP upstream, with a snapshot of the session state.
struct HTTPExchange: Sendable {
    struct Outcome: Sendable {
        var response: JSONRPCResponse
        /// The `Mcp-Session-Id` response header, validated.
        var sessionID: String?
    }

    let client: HTTPClient
    let configuration: HTTPUpstreamConfiguration
    let decoder: JSONRPCDecoder
    let logger: Logger
    let sessionID: String?
    let protocolVersion: String?

    // MARK: - Operations

    func request(body: Data, id: JSONRPCID, method: String, timeout: Duration) async throws(UpstreamError) -> Outcome {
        try await withTimeout(timeout, method: method) { () async throws(UpstreamError) -> Outcome in
            try await self.post(body: body, id: id)
        }
    }

    func notify(body: Data, timeout: Duration) async throws(UpstreamError) {
        _ = try await withTimeout(timeout, method: "notification") { () async throws(UpstreamError) -> Outcome? in
            let response = try await self.execute(self.makeRequest(.post, body: body), timeout: timeout)
            switch response.status.code {
            case 200..<300:
                return nil
            case 404 where self.sessionID != nil:
                throw .sessionExpired
            default:
                throw .httpStatus(Int(response.status.code))
            }
        }
    }

    func deleteSession(timeout: Duration) async {
        do {
            let response = try await execute(makeRequest(.delete, body: nil), timeout: timeout)
            // 405 means the server does not let clients end sessions; nothing more to do.
            logger.debug("upstream session deleted", metadata: ["status": "\(response.status.code)"])
        } catch {
            logger.debug("upstream session delete failed", metadata: ["problem": "\(LogSafe.describe(error))"])
        }
    }

    // MARK: - POST and the two answer forms

    private func post(body: Data, id: JSONRPCID) async throws(UpstreamError) -> Outcome {
        let response = try await execute(makeRequest(.post, body: body), timeout: nil)
        let status = Int(response.status.code)
        let session = try Self.sessionID(in: response)
        if status == 404, sessionID != nil { throw .sessionExpired }
        switch (status, Self.mediaType(response)) {
        case (200, "application/json"), (400..<600, "application/json"):
            let bytes = try await collect(response.body)
            let message: JSONRPCMessage
            do {
                message = try decoder.decode(bytes: bytes)
            } catch {
                throw status == 200 ? .protocolViolation("\(error)") : .httpStatus(status)
            }
            guard case .response(let answer) = message else {
                throw status == 200 ? .protocolViolation("the JSON body is not a response") : .httpStatus(status)
            }
            // An HTTP error with a JSON-RPC error body is surfaced as that JSON-RPC error.
            guard answer.id == id || (status != 200 && answer.id == nil) else {
                throw .protocolViolation("the response answers id \(answer.id.map(\.description) ?? "null")")
            }
            return Outcome(response: answer, sessionID: session)
        case (200, "text/event-stream"):
            return Outcome(response: try await readStream(response.body, answering: id), sessionID: session)
        case (200..<300, let type):
            throw .protocolViolation("HTTP \(status) with content type \(type ?? "none") is not an answer to a request")
        default:
            throw .httpStatus(status)
        }
    }

    /// Reads SSE events until the response to `id` arrives, resuming the stream if the server closes it.
    private func readStream(_ body: HTTPClientResponse.Body, answering id: JSONRPCID) async throws(UpstreamError)
        -> JSONRPCResponse
    {
        var parser = SSEParser(maxEventBytes: configuration.maxResponseBytes)
        var received = 0
        var stream = body
        var resumptions = 0
        while true {
            do {
                for try await chunk in stream {
                    received += chunk.readableBytes
                    guard received <= configuration.maxResponseBytes else {
                        throw UpstreamError.messageTooLarge(limit: configuration.maxResponseBytes)
                    }
                    for event in try parser.feed(chunk.readableBytesView) {
                        if let response = try handle(event, answering: id) { return response }
                    }
                }
            } catch let error as UpstreamError {
                throw error
            } catch let error as SSEParserError {
                _ = error
                throw .messageTooLarge(limit: configuration.maxResponseBytes)
            } catch is CancellationError {
                throw .cancelled
            } catch {
                throw .transport("SSE stream failed: \(error)")
            }
            // The stream ended without our response. Since 2025-11-25 a server may close it after an event id
            // and expect the client to reconnect with Last-Event-ID after the `retry` delay.
            guard let lastEventID = parser.lastEventID, resumptions < configuration.maxStreamResumptions else {
                throw .protocolViolation("the SSE stream ended without a response")
            }
            resumptions += 1
            let delay = min(parser.retryMilliseconds ?? 1000, 30_000)
            logger.debug("resuming upstream SSE stream", metadata: ["attempt": "\(resumptions)"])
            do {
                try await Task.sleep(for: .milliseconds(delay))
            } catch {
                throw .cancelled
            }
            var resume = makeRequest(.get, body: nil)
            resume.headers.replaceOrAdd(name: "Accept", value: "text/event-stream")
            resume.headers.add(name: "Last-Event-ID", value: lastEventID)
            let response = try await execute(resume, timeout: nil)
            if response.status.code == 404, sessionID != nil { throw .sessionExpired }
            guard response.status.code == 200, Self.mediaType(response) == "text/event-stream" else {
                throw .httpStatus(Int(response.status.code))
            }
            stream = response.body
        }
    }

    /// Returns the response if `event` carries it; logs and skips everything else.
    private func handle(_ event: SSEEvent, answering id: JSONRPCID) throws(UpstreamError) -> JSONRPCResponse? {
        // Empty data is a priming event (2025-11-25) that only sets the event id.
        guard event.type == "message", !event.data.isEmpty else { return nil }
        let message: JSONRPCMessage
        do {
            message = try decoder.decode(bytes: Array(event.data.utf8))
        } catch {
            throw .protocolViolation("SSE event: \(error)")
        }
        switch message {
        case .response(let response) where response.id == id:
            return response
        case .response:
            logger.debug("upstream SSE response for another request ignored")
        case .notification:
            logger.debug("upstream notification ignored")
        case .request:
            logger.debug("upstream request ignored")
        }
        return nil
    }

    // MARK: - HTTP plumbing

    private enum Verb { case get, post, delete }

    private func makeRequest(_ verb: Verb, body: Data?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: configuration.endpoint)
        switch verb {
        case .get: request.method = .GET
        case .post: request.method = .POST
        case .delete: request.method = .DELETE
        }
        for (name, value) in configuration.headers.sorted(by: { $0.key < $1.key }) {
            request.headers.add(name: name, value: value)
        }
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        if let sessionID { request.headers.add(name: "Mcp-Session-Id", value: sessionID) }
        if let protocolVersion { request.headers.add(name: "MCP-Protocol-Version", value: protocolVersion) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(Array(body))
        }
        return request
    }

    private func execute(_ request: HTTPClientRequest, timeout: Duration?) async throws(UpstreamError)
        -> HTTPClientResponse
    {
        do {
            // The overall deadline is enforced by `withTimeout`; this only bounds a hung connection attempt.
            let limit = timeout ?? .seconds(3600)
            return try await client.execute(request, timeout: .nanoseconds(limit.nanoseconds), logger: logger)
        } catch is CancellationError {
            throw .cancelled
        } catch {
            throw .transport("HTTP request failed: \(error)")
        }
    }

    private func collect(_ body: HTTPClientResponse.Body) async throws(UpstreamError) -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await chunk in body {
                guard bytes.count + chunk.readableBytes <= configuration.maxResponseBytes else {
                    throw UpstreamError.messageTooLarge(limit: configuration.maxResponseBytes)
                }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch let error as UpstreamError {
            throw error
        } catch is CancellationError {
            throw .cancelled
        } catch {
            throw .transport("reading the response body failed: \(error)")
        }
        return bytes
    }

    /// Races `operation` against `timeout` (`WardenCore.withDeadline`); the loser is cancelled, which cancels the
    /// HTTP request.
    private func withTimeout<T: Sendable>(
        _ timeout: Duration,
        method: String,
        _ operation: @escaping @Sendable () async throws(UpstreamError) -> T
    ) async throws(UpstreamError) -> T {
        try await withDeadline(
            timeout, timedOut: { .timedOut(method: method, after: timeout) }, cancelled: { .cancelled }, operation)
    }

    // MARK: - Header parsing

    /// The media type of `Content-Type`, lowercased, without parameters.
    static func mediaType(_ response: HTTPClientResponse) -> String? {
        guard let value = response.headers.first(name: "content-type") else { return nil }
        return MediaType.essence(of: value)
    }

    /// The session id header, refused unless it is 1...256 visible ASCII characters (as MCP requires).
    static func sessionID(in response: HTTPClientResponse) throws(UpstreamError) -> String? {
        guard let value = response.headers.first(name: "mcp-session-id") else { return nil }
        guard !value.isEmpty, value.utf8.count <= 256, value.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw .protocolViolation("Mcp-Session-Id is not visible ASCII")
        }
        return value
    }
}
