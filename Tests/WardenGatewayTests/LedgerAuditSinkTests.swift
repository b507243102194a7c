import Foundation
import Testing
import WardenCore

@testable import WardenGateway

@Suite("Ledger entries are redacted")
struct LedgerAuditSinkTests {
    static func sink() async throws -> (LedgerAuditSink, String) {
        let directory = NSTemporaryDirectory() + "warden-sink-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let keys = try await CellKeys.open(dataDirectory: directory, tenant: "acme", environment: [:])
        return (try await LedgerAuditSink.open(dataDirectory: directory, tenant: "acme", keys: keys), directory)
    }

    @Test("A fact with a finding is redacted every time; only clean short facts are remembered")
    func cleanFactsRemembered() async throws {
        let (sink, directory) = try await Self.sink()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let secret = "reset link sent to alice.kowalska@example.org"
        for _ in 0..<3 {
            guard case .string(let redacted) = sink.redact(.string(secret)) else {
                Issue.record("not a string")
                return
            }
            #expect(!redacted.contains("alice.kowalska@example.org"))
            #expect(sink.redact(.string("demo.read_inbox")) == .string("demo.read_inbox"))
        }
        #expect(!sink.clean.contains(secret))
        #expect(sink.clean.contains("demo.read_inbox"))
        // Nested facts too.
        let nested = sink.redact(.object(["reasons": .array([.string(secret)])]))
        #expect(!String(decoding: CanonicalJSON.encode(nested), as: UTF8.self).contains("alice.kowalska"))
        let long = String(repeating: "clean words ", count: 40)
        _ = sink.redact(.string(long))
        #expect(!sink.clean.contains(long))  // longer than a fact that repeats: not kept
        try await sink.close()
    }

    @Test("A clean string does not stand for a canonically equivalent one with a finding (a Kelvin sign for a K)")
    func byteForByte() async throws {
        let (sink, directory) = try await Self.sink()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = sink.redact(.string("key A\u{212A}IAIOSFODNN7EXAMPLE"))
        guard case .string(let redacted) = sink.redact(.string("key AKIAIOSFODNN7EXAMPLE")) else {
            Issue.record("not a string")
            return
        }
        #expect(!redacted.contains("AKIAIOSFODNN7EXAMPLE"))
        try await sink.close()
    }

    @Test("The memory of clean facts is bounded")
    func bounded() {
        let clean = CleanTexts()
        for index in 0..<(CleanTexts.capacity + 10) { clean.insert("tool-\(index)") }
        #expect(clean.count <= CleanTexts.capacity)
        #expect(clean.contains("tool-\(CleanTexts.capacity + 9)"))
    }
}
