import Foundation
import WardenCore
import WardenLedger

/// The ledger entries of one run, for the inbox's run page: read from the cell's own ledger under a verified
/// checkpoint, so what a person reads is what the ledger proves. Entries name their run by digest (`run`: SHA-256 of
/// the run's key), never in clear.
public struct RunLedgerEntries: Sendable {
    let directory: String
    let verifiers: [any NoteVerifier]
    /// How far back a page looks (the newest entries of the ledger).
    static let window: UInt64 = 20_000

    init(directory: String, verifiers: [any NoteVerifier]) {
        self.directory = directory
        self.verifiers = verifiers
    }

    /// The cell's ledger, verified with every ledger-signing key the keyring holds.
    public init(dataDirectory: String, keys: CellKeys, tenant: String) throws {
        let verifiers = try keys.keyring.verificationKeys(.ledgerSigning).map {
            try Ed25519NoteSigner(name: LedgerAuditSink.origin(tenant: tenant), privateKey: try $0.signingKey())
                .verifier as any NoteVerifier
        }
        self.init(directory: LedgerAuditSink.directory(dataDirectory: dataDirectory), verifiers: verifiers)
    }

    /// The entries (index and canonical JSON text) whose `run` is `runKey`'s digest, oldest first, at most `limit`.
    func entries(ofRun runKey: String, limit: Int = 200) throws -> [(index: UInt64, text: String)] {
        let digest = Digest.sha256Hex(Array(runKey.utf8))
        let log = TiledLog(directory: directory)
        let size = try log.checkpoint(verifiers: verifiers).checkpoint.size
        var found: [(index: UInt64, text: String)] = []
        var index = size > Self.window ? size - Self.window : 0
        while index < size {
            let data = try log.entry(index: index, treeSize: size)
            // A cheap filter before parsing: the digest appears in the entry's text.
            let text = String(decoding: data, as: UTF8.self)
            if text.contains(digest), let entry = try? StrictJSONParser().parse(Array(data)),
                entry["run"]?.stringValue == digest
            {
                found.append((index, text))
                if found.count > limit { found.removeFirst() }
            }
            index += 1
        }
        return found
    }
}
