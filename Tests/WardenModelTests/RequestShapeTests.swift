import Testing
import WardenCore
import WardenModel

@Suite("what is sent: body, headers, URL")
struct RequestShapeTests {
    static let schema: JSONValue = [
        "type": "object", "properties": ["invoice_id": ["type": "string"]], "required": ["invoice_id"],
        "additionalProperties": false,
    ]

    /// A conversation with one tool round trip.
    static let roundTrip = ChatRequest(
        messages: [
            .system("You are a billing assistant."),
            .user("What is on invoice 42?"),
            .assistant(
                content: nil,
                toolCalls: [
                    ChatToolCall(id: "call_1", name: "billing__lookup_invoice", argumentsText: #"{"invoice_id":"42"}"#)
                ]),
            .tool(callID: "call_1", content: #"{"total":"120 EUR"}"#),
            .assistant(content: "Checking payments too.", toolCalls: []),
        ],
        tools: [ChatTool(name: "billing__lookup_invoice", description: "Look up one invoice.", parameters: schema)],
        maxTokens: 256)

    @Test("the body carries model, messages with the tool round trip, tools, max_tokens and stream false")
    func bodyShape() async throws {
        try await withHarness([.say("done")]) { harness in
            _ = try await harness.complete(Self.roundTrip)
            let sent = try #require(harness.server.requests.first)
            #expect(sent.method == "POST")
            #expect(sent.path == "/v1/chat/completions")
            #expect(sent.headers["content-type"] == "application/json")
            #expect(sent.headers["authorization"] == "Bearer sk-test-key")
            #expect(sent.headers["api-key"] == nil)
            let body = try #require(sent.json)
            let expected: JSONValue = [
                "model": "replay-model", "max_tokens": 256, "stream": false,
                "messages": [
                    ["role": "system", "content": "You are a billing assistant."],
                    ["role": "user", "content": "What is on invoice 42?"],
                    [
                        "role": "assistant", "content": .null,
                        "tool_calls": [
                            [
                                "id": "call_1", "type": "function",
                                "function": ["name": "billing__lookup_invoice", "arguments": #"{"invoice_id":"42"}"#],
                            ]
                        ],
                    ],
                    ["role": "tool", "tool_call_id": "call_1", "content": #"{"total":"120 EUR"}"#],
                    ["role": "assistant", "content": "Checking payments too."],
                ],
                "tools": [
                    [
                        "type": "function",
                        "function": [
                            "name": "billing__lookup_invoice", "description": "Look up one invoice.",
                            "parameters": Self.schema,
                        ],
                    ]
                ],
            ]
            #expect(body == expected)
        }
    }

    @Test("max_completion_tokens when configured; no tools member when there are none; no key, no auth header")
    func completionTokensNoToolsNoKey() async throws {
        try await withHarness(
            [.say("done")],
            Settings(apiKey: nil, tokenParameter: "max_completion_tokens")
        ) { harness in
            _ = try await harness.complete(ChatRequest(messages: [.user("hi")], maxTokens: 64))
            let sent = try #require(harness.server.requests.first)
            let body = try #require(sent.json)
            #expect(body["max_completion_tokens"] == 64)
            #expect(body["max_tokens"] == nil)
            #expect(body["tools"] == nil)
            #expect(sent.headers["authorization"] == nil)
            #expect(sent.headers["api-key"] == nil)
        }
    }

    @Test("Azure: the deployment in the path, api-version in the query, the key in api-key")
    func azure() async throws {
        try await withHarness([.say("done")]) { harness in
            var endpoint = harness.endpoint
            endpoint.flavor = .azure(apiVersion: "2024-10-21")
            endpoint.baseURL = "http://127.0.0.1:\(harness.server.port)/"
            endpoint.model = "gpt-4o prod"
            endpoint.apiKey = "azure-key-1"  // pragma: allowlist secret
            #expect(
                endpoint.completionsURL
                    == "http://127.0.0.1:\(harness.server.port)/openai/deployments/gpt-4o%20prod/chat/completions"
                    + "?api-version=2024-10-21")
            let client = OpenAICompatibleClient(endpoint: endpoint, httpClient: .shared, logger: harness.logs.logger)
            _ = try await client.complete(Harness.simpleRequest)
            let sent = try #require(harness.server.requests.first)
            #expect(sent.path == "/openai/deployments/gpt-4o%20prod/chat/completions")
            #expect(sent.query == "api-version=2024-10-21")
            #expect(sent.headers["api-key"] == "azure-key-1")
            #expect(sent.headers["authorization"] == nil)
            #expect(sent.json?["model"] == "gpt-4o prod")
        }
    }

    @Test("the OpenAI URL is the base URL plus /chat/completions, with or without a trailing slash")
    func openAIURL() {
        let plain = ModelEndpoint(baseURL: "https://api.openai.com/v1", model: "gpt-4o")
        let slash = ModelEndpoint(baseURL: "http://127.0.0.1:8080/v1/", model: "local")
        #expect(plain.completionsURL == "https://api.openai.com/v1/chat/completions")
        #expect(slash.completionsURL == "http://127.0.0.1:8080/v1/chat/completions")
    }
}
