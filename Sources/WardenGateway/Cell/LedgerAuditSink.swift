import Foundation
import Synchronization
import WardenCore
import WardenLedger
import WardenRedaction

/// The production audit sink: every event is redacted, encoded as canonical JSON and appended to the cell's
/// RFC 6962 ledger (C2SP tlog-tiles), and `record` returns only once the entry is durable.
public struct LedgerAuditSink: AuditSink {
    public let writer: LedgerWriter
    let tenant: String
    let redactor: Redactor
    /// Short fact strings the redactor found nothing in (tool names, rules, reasons, subjects repeat on every call).
    let clean = CleanTexts()

    /// The log's origin line in checkpoints; also the signing key's name.
    public static func origin(tenant: String) -> String { "warden.cell/\(tenant)" }

    public static func directory(dataDirectory: String) -> String {
        CellLayout(dataDirectory: dataDirectory).ledger
    }

    public static func signer(keys: CellKeys, tenant: String) throws -> Ed25519NoteSigner {
        try Ed25519NoteSigner(
            name: origin(tenant: tenant),
            privateKey: try keys.keyring.activeKey(.ledgerSigning).signingKey()
        )
    }

    /// Opens the ledger. `knownCheckpoint` (the newest checkpoint a witness cosigned) must be contained in the
    /// log, so a ledger rolled back below what a witness saw refuses to open.
    public static func open(
        dataDirectory: String, tenant: String, keys: CellKeys, knownCheckpoint: SignedCheckpoint? = nil,
        redactor: Redactor = Redactor()
    ) async throws -> LedgerAuditSink {
        let signer = try signer(keys: keys, tenant: tenant)
        let previous = try keys.keyring.verificationKeys(.ledgerSigning).filter {
            $0.keyID != keys.keyring.activeKey(.ledgerSigning).keyID
        }.map {
            try Ed25519NoteSigner(name: origin(tenant: tenant), privateKey: try $0.signingKey()).verifier
        }
        let writer = try await LedgerWriter.open(
            directory: directory(dataDirectory: dataDirectory),
            origin: origin(tenant: tenant),
            signer: signer,
            options: LedgerWriter.Options(previousKeys: previous, knownCheckpoint: knownCheckpoint)
        )
        return LedgerAuditSink(writer: writer, tenant: tenant, redactor: redactor)
    }

    public func record(_ event: AuditEvent) async throws {
        var redacted = event
        redacted.facts = event.facts.mapValues(redact)
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        _ = try await writer.append(Data(redacted.canonicalBytes(tenant: tenant, timeMillis: millis)))
    }

    public func close() async throws {
        try await writer.close()
    }

    func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text):
            if clean.contains(text) { return value }
            let redacted = redactor.redact(text)
            if redacted == text { clean.insert(text) }
            return .string(redacted)
        case .array(let elements): return .array(elements.map(redact))
        case .object(let members): return .object(members.mapValues(redact))
        default: return value
        }
    }
}

/// Strings the redactor judged clean, so a fact that repeats on every call is scanned once. Only short strings are
/// kept (nothing with a finding is ever kept), and the set starts over when full: bounded memory, same output.
final class CleanTexts: Sendable {
    static let capacity = 4096
    static let longest = 256
    /// Keyed by UTF-8 bytes: `String` equality is canonical equivalence, and a string the redactor passed must not
    /// stand for a differently spelled one it would not (a Kelvin sign for a K).
    private let texts = Mutex<Set<[UInt8]>>([])

    var count: Int { texts.withLock { $0.count } }

    func contains(_ text: String) -> Bool {
        text.utf8.count <= Self.longest && texts.withLock { $0.contains(Array(text.utf8)) }
    }

    func insert(_ text: String) {
        guard text.utf8.count <= Self.longest else { return }
        texts.withLock { texts in
            if texts.count >= Self.capacity { texts.removeAll(keepingCapacity: true) }
            texts.insert(Array(text.utf8))
        }
    }
}
