import Testing
import WardenCore
import WardenModel

@Suite("answers: text, tool calls, usage")
struct ChatAnswerTests {
    @Test("a plain answer comes back as an assistant message with the server's usage")
    func plainAnswer() async throws {
        try await withHarness([.say("Invoice 42 is for 120 EUR.")]) { harness in
            let response = try await harness.complete()
            #expect(response.message == .assistant(content: "Invoice 42 is for 120 EUR."))
            #expect(response.finishReason == "stop")
            #expect(
                response.usage == TokenUsage(promptTokens: 12, completionTokens: 3, totalTokens: 15, estimated: false))
            #expect(response.attempts == 1)
            #expect(harness.sleeps.durations.isEmpty)
        }
    }

    @Test("tool calls keep their id, name and the arguments exactly as the model wrote them")
    func toolCalls() async throws {
        let arguments = #"{ "invoice_id" : "42",  "include_lines": true }"#
        try await withHarness([
            .completion(
                [
                    "role": "assistant", "content": .null,
                    "tool_calls": [
                        [
                            "id": "call_abc", "type": "function",
                            "function": ["name": "billing__lookup_invoice", "arguments": .string(arguments)],
                        ],
                        [
                            "id": "call_def", "type": "function",
                            "function": ["name": "billing__list_payments", "arguments": "{}"],
                        ],
                    ],
                ], finishReason: "tool_calls")
        ]) { harness in
            let response = try await harness.complete()
            #expect(response.message.role == .assistant)
            #expect(response.message.content == nil)
            #expect(
                response.message.toolCalls == [
                    ChatToolCall(id: "call_abc", name: "billing__lookup_invoice", argumentsText: arguments),
                    ChatToolCall(id: "call_def", name: "billing__list_payments", argumentsText: "{}"),
                ])
            #expect(response.finishReason == "tool_calls")
        }
    }

    @Test("Ollama-style arguments given as an object are taken as their canonical JSON text")
    func objectArguments() async throws {
        try await withHarness([
            .completion(
                [
                    "role": "assistant", "content": "",
                    "tool_calls": [
                        [
                            "id": "call_0",
                            "function": [
                                "name": "billing__lookup_invoice",
                                "arguments": ["invoice_id": "42", "amount": 12.5, "flags": [true, .null]],
                            ],
                        ]
                    ],
                ], finishReason: "tool_calls", usage: nil)
        ]) { harness in
            let response = try await harness.complete()
            let call = try #require(response.message.toolCalls.first)
            #expect(call.argumentsText == #"{"amount":12.5,"flags":[true,null],"invoice_id":"42"}"#)
            #expect(response.message.content == "")
        }
    }

    @Test("without usage the call is estimated from byte counts, never zero")
    func usageMissing() async throws {
        try await withHarness([.completion(["role": "assistant", "content": "12345678"], usage: nil)]) { harness in
            let response = try await harness.complete()
            let sent = try #require(harness.server.requests.first)
            #expect(response.usage.estimated)
            #expect(response.usage.promptTokens == (sent.body.count + 3) / 4)
            #expect(response.usage.completionTokens == 2)
            #expect(response.usage.totalTokens == response.usage.promptTokens + 2)
            #expect(response.usage.totalTokens > 0)
        }
    }

    @Test(
        "a usage of zeros or without counts is estimated too",
        arguments: [
            JSONValue.null, ["prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0], ["total_tokens": 9],
        ])
    func usageUseless(usage: JSONValue) async throws {
        try await withHarness([.completion(["role": "assistant", "content": "ok"], usage: usage)]) { harness in
            let response = try await harness.complete()
            #expect(response.usage.estimated)
            #expect(response.usage.totalTokens > 0)
        }
    }

    @Test("a usage without total_tokens is summed")
    func usageWithoutTotal() async throws {
        try await withHarness([
            .completion(["role": "assistant", "content": "ok"], usage: ["prompt_tokens": 7, "completion_tokens": 2])
        ]) { harness in
            let response = try await harness.complete()
            #expect(
                response.usage == TokenUsage(promptTokens: 7, completionTokens: 2, totalTokens: 9, estimated: false))
        }
    }
}
