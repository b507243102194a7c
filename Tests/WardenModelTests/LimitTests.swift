import Testing
import WardenCore
import WardenModel

@Suite("timeouts, size limits, malformed answers, and what errors and logs may say")
struct LimitTests {
    @Test("a server slower than timeoutSeconds: .timeout after maxAttempts")
    func slowServer() async throws {
        let slow = Scripted.say("late")
        let script = [
            Scripted(body: slow.body, delay: .seconds(3)), Scripted(body: slow.body, delay: .seconds(3)),
        ]
        try await withHarness(
            script,
            Settings(timeoutSeconds: 1, maxAttempts: 2)
        ) { harness in
            // The server answers after 3 s: only a working 1 s timeout makes this a `.timeout` (no wall-clock
            // assertion: the machines are shared).
            let error = try #require(await harness.failure())
            #expect(error.kind == .timeout)
            #expect(error.attempts == 2)
        }
    }

    @Test("a body that stalls after the response head also times out (the timeout covers the whole body)")
    func stalledBody() async throws {
        let answer = Scripted.say(String(repeating: "x", count: 4096))
        try await withHarness(
            [Scripted(body: answer.body, stallAfterHead: .seconds(4))],
            Settings(timeoutSeconds: 1, maxAttempts: 1)
        ) { harness in
            // The body arrives after 4 s: a timeout that covered only the head would return the answer instead.
            let error = try #require(await harness.failure())
            #expect(error.kind == .timeout)
            #expect(error.attempts == 1)
        }
    }

    @Test("a body over maxResponseBytes fails with .responseTooLarge, not retried", arguments: [false, true])
    func oversized(chunked: Bool) async throws {
        let big = Scripted.say(String(repeating: "y", count: 8192))
        try await withHarness(
            [Scripted(body: big.body, chunked: chunked), .say("unused")], Settings(maxResponseBytes: 4096)
        ) { harness in
            let error = try #require(await harness.failure())
            #expect(error.kind == .responseTooLarge)
            #expect(error.attempts == 1)
            #expect(harness.sleeps.durations.isEmpty)
        }
    }

    static let malformedBodies: [(String, String)] = [
        ("not JSON", "this is not json"),
        ("truncated JSON", #"{"choices":[{"message":{"role":"assistant","content":"hi"#),
        ("duplicate keys", #"{"choices":[],"choices":[]}"#),
        ("no choices", #"{"error":{"message":"overloaded"}}"#),
        ("empty choices", #"{"choices":[]}"#),
        ("no message", #"{"choices":[{"finish_reason":"stop"}]}"#),
        ("content a number", #"{"choices":[{"message":{"role":"assistant","content":7}}]}"#),
        ("tool_calls an object", #"{"choices":[{"message":{"content":null,"tool_calls":{}}}]}"#),
        (
            "tool call without id",
            #"{"choices":[{"message":{"tool_calls":[{"function":{"name":"a","arguments":"{}"}}]}}]}"#
        ),
        (
            "tool call without name",
            #"{"choices":[{"message":{"tool_calls":[{"id":"c","function":{"arguments":"{}"}}]}}]}"#
        ),
        (
            "arguments a number",
            #"{"choices":[{"message":{"tool_calls":[{"id":"c","function":{"name":"a","arguments":1}}]}}]}"#
        ),
        ("finish_reason a number", #"{"choices":[{"message":{"content":"x"},"finish_reason":1}]}"#),
        (
            "usage tokens as text",
            #"{"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":"1","completion_tokens":1}}"#
        ),
    ]

    @Test("malformed answers are .malformedResponse, retried up to maxAttempts", arguments: malformedBodies)
    func malformed(name: String, body: String) async throws {
        let script = Array(repeating: Scripted(body: Array(body.utf8)), count: 2)
        try await withHarness(script, Settings(maxAttempts: 2)) { harness in
            let error = try #require(await harness.failure())
            #expect(error.kind == .malformedResponse, "\(name)")
            #expect(error.attempts == 2, "\(name)")
            #expect(error.status == 200, "\(name)")
        }
    }

    static let apiKey = "sk-CANARY-KEY-0123456789"  // pragma: allowlist secret
    static let prompt = "PROMPT-CANARY: the customer's date of birth is 1970-01-01"
    static let completionText = "COMPLETION-CANARY"

    /// Every way of failing, each with a body that echoes the prompt and key back.
    static let leakyScripts: [[Scripted]] = {
        let echo = Array("{\"error\":{\"message\":\"\(prompt) \(apiKey) \(completionText)\"}}".utf8)
        return [
            [Scripted(status: 401, body: echo)],
            [Scripted(status: 500, body: echo), Scripted(status: 500, body: echo)],
            [Scripted(body: Array("\(prompt) \(apiKey) \(completionText)".utf8)), Scripted(body: echo)],
            [
                Scripted.completion(
                    ["content": .string(completionText), "tool_calls": [["function": ["name": "x"]]]]),
                Scripted.completion(["content": .string(completionText), "tool_calls": [["id": .string(apiKey)]]]),
            ],
            [Scripted(body: Scripted.say(completionText + String(repeating: "z", count: 5000)).body)],
        ]
    }()

    @Test("errors and logs never hold the API key, the prompt or the completion", arguments: leakyScripts)
    func noLeaks(script: [Scripted]) async throws {
        try await withHarness(
            script,
            Settings(apiKey: Self.apiKey, maxAttempts: 2, maxResponseBytes: 4096)
        ) { harness in
            let request = ChatRequest(
                messages: [.system("system text"), .user(Self.prompt)],
                tools: [ChatTool(name: "t", description: "d", parameters: ["type": "object"])], maxTokens: 10)
            let error = try #require(await harness.failure(request))
            for text in [error.description, error.detail, LogSafe.describe(error)] + harness.logs.lines {
                #expect(!text.contains("CANARY"), "leaked: \(text)")
                #expect(!text.contains("date of birth"), "leaked: \(text)")
            }
            #expect(!harness.logs.lines.isEmpty)
        }
    }

    @Test("a successful call logs counts only")
    func successLogs() async throws {
        try await withHarness([.say(Self.completionText)], Settings(apiKey: Self.apiKey)) { harness in
            _ = try await harness.complete(ChatRequest(messages: [.user(Self.prompt)], maxTokens: 10))
            let lines = harness.logs.lines
            #expect(lines.count == 1)
            for line in lines {
                #expect(!line.contains("CANARY"), "leaked: \(line)")
                #expect(line.contains("model.status=200"))
            }
        }
    }
}
