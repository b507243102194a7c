import Crypto
import Foundation
import Testing
import WardenChannels
import WardenCore

@Suite("Channel tools surface")
struct ChannelToolsTests {
    static let key = SymmetricKey(data: Array("tenant webhook key, 32 bytes ok!".utf8))

    static func tools(smtp: SMTPConfiguration, webhook: WebhookSender? = nil) throws -> ChannelTools {
        ChannelTools(
            email: .init(client: SMTPClient(configuration: smtp), from: try EmailAddress("agent@tenant.example")),
            webhook: webhook.map { .init(sender: $0, signingKey: key) })
    }

    static let unreachable = SMTPConfiguration(host: "127.0.0.1", port: 9, connectTimeout: .seconds(2))

    @Test func definitionsDescribeBothToolsWithObjectInputSchemas() async throws {
        let sender = WebhookSender()
        let definitions = try Self.tools(smtp: Self.unreachable, webhook: sender).definitions
        try await sender.shutdown()
        #expect(definitions.compactMap { $0["name"]?.stringValue } == ["send_email", "post_webhook"])
        for definition in definitions {
            #expect(definition["inputSchema"]?["type"] == "object")
            #expect(definition["inputSchema"]?["additionalProperties"] == false)
        }
        #expect(definitions[0]["inputSchema"]?["required"] == ["to", "subject", "body"])
    }

    @Test func unconfiguredChannelIsNotListedAndItsToolIsUnknown() async throws {
        let tools = try Self.tools(smtp: Self.unreachable)
        #expect(tools.definitions.compactMap { $0["name"]?.stringValue } == ["send_email"])
        await #expect(throws: ChannelToolError.unknownTool("post_webhook")) {
            try await tools.call(tool: "post_webhook", arguments: ["url": "https://x.example", "payload": [:]])
        }
        await #expect(throws: ChannelToolError.unknownTool("delete_everything")) {
            try await tools.call(tool: "delete_everything", arguments: [:])
        }
    }

    @Test(arguments: [
        (
            ["to": "alice@example.com", "subject": "hi\r\nBcc: evil@attacker.example", "body": "x"] as JSONValue,
            "Subject"
        ),
        (["to": "Eve <eve@example.com>", "subject": "s", "body": "x"] as JSONValue, "to:"),
        (["to": ["alice@example.com", 7], "subject": "s", "body": "x"] as JSONValue, "strings"),
        (["subject": "s", "body": "x"] as JSONValue, "to is required"),
        (["to": "alice@example.com", "subject": "s", "body": "x", "from": "ceo@tenant.example"] as JSONValue, "from"),
        (["to": "alice@example.com", "bcc": "x@y@z", "subject": "s", "body": "x"] as JSONValue, "bcc:"),
    ])
    func badSendEmailArgumentsGiveAnErrorResultNamingTheRuleWithoutConnecting(arguments: JSONValue, rule: String)
        async throws
    {
        let result = try await Self.tools(smtp: Self.unreachable).call(tool: "send_email", arguments: arguments)
        #expect(result["isError"] == true)
        let text = result["content"]?.arrayValue?.first?["text"]?.stringValue ?? ""
        #expect(text.contains(rule), "\(text)")
        #expect(!text.contains("connect"), "must be refused before connecting: \(text)")
    }

    @Test func recipientListsParseIntoTheSameEnvelopeTheSendWillUse() throws {
        let message = try ChannelTools.emailMessage(
            from: [
                "to": "a@example.com", "cc": ["b@example.com"], "bcc": "c@EXAMPLE.com", "subject": "s", "body": "b",
            ],
            sender: try EmailAddress("agent@tenant.example"))
        #expect(message.envelopeRecipients.map(\.description) == ["a@example.com", "b@example.com", "c@example.com"])
    }
}

@Suite("Channel tools against real peers", .enabled(if: TestPeers.python != nil, "\(TestPeers.disabledMessage)"))
struct ChannelToolsDeliveryTests {
    @Test func sendEmailDeliversAndReturnsASuccessResult() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let tools = try ChannelToolsTests.tools(smtp: try sink.configuration())
        let result = try await tools.call(
            tool: "send_email",
            arguments: [
                "to": "alice@example.com", "bcc": ["audit@example.org"], "subject": "From the tool", "body": "hi",
            ])
        #expect(result["isError"] == false)
        #expect(result["content"]?.arrayValue?.first?["type"] == "text")
        let record = try #require(try sink.records().first)
        #expect(record["rcpt_tos"] == ["alice@example.com", "audit@example.org"])
        #expect(record["subject"] == "From the tool")
    }

    @Test func sendEmailFailureIsAnErrorResultThatNamesTheStep() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let tools = try ChannelToolsTests.tools(smtp: try sink.configuration(password: "nope"))
        let result = try await tools.call(
            tool: "send_email", arguments: ["to": "alice@example.com", "subject": "s", "body": "b"])
        #expect(result["isError"] == true)
        #expect(result["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("AUTH failed") == true)
        #expect(try sink.records().isEmpty)
    }

    @Test func postWebhookDeliversASignedPayload() async throws {
        let directory = try TestPeers.temporaryDirectory()
        let records = directory.appendingPathComponent("requests.jsonl")
        let peer = try PeerProcess(script: "webhook_sink.py", arguments: ["--out", records.path])
        defer {
            peer.stop()
            try? FileManager.default.removeItem(at: directory)
        }
        let sender = WebhookSender(configuration: WebhookConfiguration(allowPlaintextLoopback: true))
        let tools = try ChannelToolsTests.tools(smtp: ChannelToolsTests.unreachable, webhook: sender)
        let result = try await tools.call(
            tool: "post_webhook",
            arguments: ["url": .string("http://127.0.0.1:\(peer.port)/in"), "payload": ["k": "v"]])
        try await sender.shutdown()
        #expect(result["isError"] == false)
        let request = try #require(try TestPeers.records(at: records).first)
        let header = try #require(request["headers"]?["warden-signature"]?.stringValue)
        #expect(throws: Never.self) {
            try WebhookSignature.verify(
                header: header, body: Array((request["body"]?.stringValue ?? "").utf8), key: ChannelToolsTests.key)
        }
    }
}
