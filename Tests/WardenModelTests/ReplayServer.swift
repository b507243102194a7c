import Hummingbird
import Logging
import NIOCore
import Testing
import WardenCore
import WardenModel

/// One scripted HTTP answer of `ReplayServer`.
struct Scripted: Sendable, CustomTestStringConvertible {
    var status: Int = 200
    var headers: [String: String] = [:]
    var body: [UInt8]
    /// Waits this long before sending anything (a slow model).
    var delay: Duration?
    /// Sends the first half of the body, then waits this long before the rest (a stalled stream).
    var stallAfterHead: Duration?
    /// Sends the body without a content-length (chunked), so the client only learns its size by reading.
    var chunked = false

    init(
        status: Int = 200, headers: [String: String] = [:], body: [UInt8], delay: Duration? = nil,
        stallAfterHead: Duration? = nil, chunked: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.stallAfterHead = stallAfterHead
        self.chunked = chunked
    }

    init(status: Int = 200, headers: [String: String] = [:], json: JSONValue, delay: Duration? = nil) {
        self.init(status: status, headers: headers, body: CanonicalJSON.encode(json), delay: delay)
    }

    init(status: Int, headers: [String: String] = [:]) {
        self.init(
            status: status, headers: headers,
            json: ["error": ["message": "scripted failure", "type": "server_error"]])
    }

    var testDescription: String { "HTTP \(status), \(body.count) bytes" }

    /// A chat completion with `message` (the JSON of `choices[0].message`).
    static func completion(
        _ message: JSONValue, finishReason: JSONValue = "stop",
        usage: JSONValue? = [
            "prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15,
        ]
    ) -> Scripted {
        var root: [String: JSONValue] = [
            "id": "chatcmpl-1", "object": "chat.completion", "model": "replay",
            "choices": [["index": 0, "message": message, "finish_reason": finishReason]],
        ]
        if let usage { root["usage"] = usage }
        return Scripted(json: .object(root))
    }

    static func say(_ text: String) -> Scripted {
        completion(["role": "assistant", "content": .string(text)])
    }
}

/// What the server received.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    var query: String?
    /// Header names lower-cased.
    var headers: [String: String]
    var body: [UInt8]

    var json: JSONValue? { try? StrictJSONParser().parse(body) }
}

/// A real HTTP server on 127.0.0.1 (port picked by the system) that answers each request with the next step of
/// its script, and records what it received. Past the end of the script it answers 599.
final class ReplayServer: Sendable {
    let port: Int
    private let task: Task<Void, any Error>
    private let state: Locked<State>

    private struct State: Sendable {
        var script: [Scripted]
        var next = 0
        var requests: [RecordedRequest] = []
    }

    private init(port: Int, task: Task<Void, any Error>, state: Locked<State>) {
        self.port = port
        self.task = task
        self.state = state
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    var requests: [RecordedRequest] { state.value.requests }

    static func start(_ script: [Scripted]) async throws -> ReplayServer {
        let state = Locked(State(script: script))
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 8 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let recorded = RecordedRequest(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query, headers: headers,
                body: Array(body.readableBytesView))
            let step: Scripted? = state.withLock { state in
                state.requests.append(recorded)
                guard state.next < state.script.count else { return nil }
                state.next += 1
                return state.script[state.next - 1]
            }
            guard let step else { return Response(status: .init(code: 599)) }
            return try await answer(step)
        }
        var logger = Logger(label: "replay-server")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await application.run()
        }
        for await port in ports {
            return ReplayServer(port: port, task: task, state: state)
        }
        try await task.value
        throw ReplayServerError.notStarted
    }

    private static func answer(_ step: Scripted) async throws -> Response {
        if let delay = step.delay { try await Task.sleep(for: delay) }
        var fields = HTTPFields()
        fields[FieldName.contentType] = "application/json"
        for (name, value) in step.headers {
            guard let fieldName = FieldName(name) else { continue }
            fields[fieldName] = value
        }
        let bytes = step.body
        let body: ResponseBody
        if let stall = step.stallAfterHead {
            let half = bytes.count / 2
            body = ResponseBody(contentLength: bytes.count) { writer in
                try await writer.write(ByteBuffer(bytes: bytes[..<half]))
                try await Task.sleep(for: stall)
                try await writer.write(ByteBuffer(bytes: bytes[half...]))
                try await writer.finish(nil)
            }
        } else if step.chunked {
            body = ResponseBody { writer in
                var offset = 0
                while offset < bytes.count {
                    let end = min(offset + 512, bytes.count)
                    try await writer.write(ByteBuffer(bytes: bytes[offset..<end]))
                    offset = end
                }
                try await writer.finish(nil)
            }
        } else {
            body = ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        }
        return Response(status: .init(code: step.status), headers: fields, body: body)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// `HTTPField.Name`, reached through the type Hummingbird exports.
typealias FieldName = HTTPFields.Element.Name

enum ReplayServerError: Error {
    case notStarted
}

/// Records the backoff the client asked for, and returns at once so retry tests take no time.
final class SleepRecorder: Sendable {
    private let storage = Locked<[Duration]>([])

    var durations: [Duration] { storage.value }

    var sleep: @Sendable (Duration) async throws -> Void {
        { [storage] duration in storage.withLock { $0.append(duration) } }
    }
}

/// Keeps every log line with its metadata, to show what the client logs.
final class LogRecorder: Sendable {
    private let storage = Locked<[String]>([])

    var lines: [String] { storage.value }

    var logger: Logger {
        var logger = Logger(label: "warden.model.test") { _ in RecordingHandler(storage: self.storage) }
        logger.logLevel = .trace
        return logger
    }

    private struct RecordingHandler: LogHandler {
        let storage: Locked<[String]>
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var line = "\(event.level) \(event.message)"
            let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
            for (key, value) in all.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
            storage.withLock { $0.append(line) }
        }
    }
}
