import Crypto
import Foundation
import Testing
import WardenChannels
import WardenCore

@Suite(
    "Webhook delivery to a real HTTP receiver", .enabled(if: TestPeers.python != nil, "\(TestPeers.disabledMessage)"))
struct WebhookDeliveryTests {
    let key = SymmetricKey(data: Array("tenant webhook key, 32 bytes ok!".utf8))

    func withReceiver(_ body: (PeerProcess, URL) async throws -> Void) async throws {
        let directory = try TestPeers.temporaryDirectory()
        let records = directory.appendingPathComponent("requests.jsonl")
        let peer = try PeerProcess(script: "webhook_sink.py", arguments: ["--out", records.path])
        defer {
            peer.stop()
            try? FileManager.default.removeItem(at: directory)
        }
        try await body(peer, records)
    }

    @Test func signatureOnTheReceivedBodyVerifiesWithTheKeyAndFailsWithAnother() async throws {
        try await withReceiver { peer, records in
            let sender = WebhookSender(configuration: WebhookConfiguration(allowPlaintextLoopback: true))
            let payload: JSONValue = ["event": "invoice.approved", "amount": 1250, "note": "Grüße"]
            let receipt = try await sender.post(url: "http://127.0.0.1:\(peer.port)/hook", payload: payload, key: key)
            try await sender.shutdown()
            #expect(receipt.status == 200)

            let received = try TestPeers.records(at: records)
            try #require(received.count == 1)
            let request = received[0]
            #expect(request["method"] == "POST")
            #expect(request["path"] == "/hook")
            #expect(request["headers"]?["warden-delivery-id"]?.stringValue == receipt.deliveryID)
            #expect(request["headers"]?["content-type"] == "application/json")
            let header = try #require(request["headers"]?["warden-signature"]?.stringValue)
            let body = Array((request["body"]?.stringValue ?? "").utf8)
            #expect(try StrictJSONParser().parse(body) == payload)
            #expect(throws: Never.self) { try WebhookSignature.verify(header: header, body: body, key: key) }
            let otherKey = SymmetricKey(data: Array("another tenant's key, 32 bytes!!".utf8))
            #expect(throws: WebhookSignatureError.signatureMismatch) {
                try WebhookSignature.verify(header: header, body: body, key: otherKey)
            }
        }
    }

    @Test func responseLargerThanTheLimitIsTruncatedAndTheStatusStillReported() async throws {
        try await withReceiver { peer, _ in
            let sender = WebhookSender(
                configuration: WebhookConfiguration(allowPlaintextLoopback: true, maxResponseBytes: 1024))
            let receipt = try await sender.post(url: "http://127.0.0.1:\(peer.port)/big", payload: ["a": 1], key: key)
            try await sender.shutdown()
            #expect(receipt.status == 200)
            #expect(receipt.responseTruncated)
        }
    }

    @Test func receiverSlowerThanTheTimeoutFailsTheDelivery() async throws {
        try await withReceiver { peer, _ in
            let sender = WebhookSender(
                configuration: WebhookConfiguration(allowPlaintextLoopback: true, timeout: .seconds(1)))
            await #expect(throws: WebhookError.self) {
                try await sender.post(url: "http://127.0.0.1:\(peer.port)/slow", payload: ["a": 1], key: key)
            }
            try await sender.shutdown()
        }
    }

    @Test func redirectIsReportedAndNotFollowed() async throws {
        try await withReceiver { peer, records in
            let sender = WebhookSender(configuration: WebhookConfiguration(allowPlaintextLoopback: true))
            let receipt = try await sender.post(
                url: "http://127.0.0.1:\(peer.port)/redirect", payload: ["a": 1], key: key)
            try await sender.shutdown()
            #expect(receipt.status == 302)
            let received = try TestPeers.records(at: records)
            #expect(received.map { $0["path"] } == ["/redirect"])
        }
    }
}

@Suite("Webhook URL rules and signatures")
struct WebhookRuleTests {
    let key = SymmetricKey(data: Array("tenant webhook key, 32 bytes ok!".utf8))

    @Test func nonPublicAddressesAreRefusedUnlessTheChannelAllowsTheirRange() async throws {
        let strict = WebhookAddressPolicy()
        for host in [
            "169.254.169.254", "10.0.0.5", "127.0.0.1", "192.168.1.1", "100.64.0.1", "2130706433", "0x7f000001",
            "[::1]", "[fe80::1]",
        ] {
            #expect(!strict.permits(host: host), "\(host)")
        }
        #expect(strict.permits(host: "203.0.113.9") && strict.permits(host: "hooks.example.com"))
        let network = try #require(WebhookAddressPolicy.Network(cidr: "10.20.0.0/16"))
        let allowing = WebhookAddressPolicy(allowed: [network])
        #expect(allowing.permits(host: "10.20.3.4") && !allowing.permits(host: "10.21.3.4"))
        // The send path itself refuses (the sender validates every URL it posts to).
        let sender = WebhookSender()
        #expect(throws: WebhookError.addressRefused) { try sender.validate(url: "https://169.254.169.254/x") }
        try await sender.shutdown()
    }

    @Test func plainHTTPIsRefusedUnlessLoopbackIsExplicitlyAllowed() async throws {
        let strict = WebhookSender()
        let loose = WebhookSender(configuration: WebhookConfiguration(allowPlaintextLoopback: true))
        #expect(throws: WebhookError.schemeRefused(scheme: "http")) { try strict.validate(url: "http://127.0.0.1/x") }
        #expect(throws: WebhookError.schemeRefused(scheme: "http")) { try loose.validate(url: "http://192.0.2.1/x") }
        #expect(throws: WebhookError.schemeRefused(scheme: "http")) {
            try loose.validate(url: "http://127.0.0.1.attacker.example/x")
        }
        #expect(throws: WebhookError.schemeRefused(scheme: "ftp")) { try loose.validate(url: "ftp://127.0.0.1/x") }
        #expect(throws: WebhookError.credentialsInURL) { try strict.validate(url: "https://user:pw@example.com/x") }
        #expect(throws: WebhookError.invalidURL) { try strict.validate(url: "/relative") }
        #expect(throws: Never.self) { try strict.validate(url: "https://hooks.example.com/x") }
        #expect(throws: Never.self) { try loose.validate(url: "http://localhost:8080/x") }
        try await strict.shutdown()
        try await loose.shutdown()
    }

    @Test func signingKeyShorterThan128BitsIsRefusedBeforeSending() async throws {
        let sender = WebhookSender()
        await #expect(throws: WebhookError.signingKeyTooShort(bits: 64)) {
            try await sender.post(
                url: "https://hooks.example.com/x", payload: ["a": 1],
                key: SymmetricKey(data: [UInt8](repeating: 1, count: 8)))
        }
        try await sender.shutdown()
    }

    @Test func signatureFailsWhenTheBodyIsChanged() throws {
        let now: Int64 = 1_800_000_000
        let header = WebhookSignature.header(body: Array("{\"a\":1}".utf8), key: key, timestamp: now)
        #expect(throws: Never.self) {
            try WebhookSignature.verify(header: header, body: Array("{\"a\":1}".utf8), key: key, now: now)
        }
        #expect(throws: WebhookSignatureError.signatureMismatch) {
            try WebhookSignature.verify(header: header, body: Array("{\"a\":2}".utf8), key: key, now: now)
        }
    }

    @Test func signatureOutsideTheToleranceIsRefusedAsAPossibleReplay() throws {
        let body = Array("{}".utf8)
        let header = WebhookSignature.header(body: body, key: key, timestamp: 1_800_000_000)
        #expect(throws: WebhookSignatureError.timestampOutsideTolerance) {
            try WebhookSignature.verify(header: header, body: body, key: key, now: 1_800_000_301)
        }
    }

    @Test(arguments: [
        "", "t=1", "v1=00", "t=abc,v1=" + String(repeating: "0", count: 64), "t=1,v1=zz", "t=1,t=2,v1=00",
    ])
    func malformedSignatureHeaderIsRefused(header: String) {
        #expect(throws: WebhookSignatureError.malformedHeader) {
            try WebhookSignature.verify(header: header, body: [], key: key, now: 1)
        }
    }

    @Test func signatureHeaderHasTheDocumentedForm() {
        let header = WebhookSignature.header(body: Array("x".utf8), key: key, timestamp: 42)
        let parts = header.split(separator: ",")
        #expect(parts.count == 2)
        #expect(parts.first == "t=42")
        #expect(parts.last?.hasPrefix("v1=") == true)
        #expect(parts.last?.dropFirst(3).count == 64)
    }
}
