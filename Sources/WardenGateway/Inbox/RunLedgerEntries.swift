import Foundation
import WardenCore
import WardenLedger

/// The ledger entries of one run, for the inbox's run page: read from the cell's own ledger under a checkpoint
/// signed by the tenant's ledger key, and each entry shown proven by its inclusion proof against that checkpoint,
/// so what a person reads is what the ledger proves (an edited bundle fails the page, it is never shown). Entries
/// name their run by digest (`run`: SHA-256 of the run's key), never in clear.
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

    /// What a page shows: the matching entries (oldest first), the range searched, and how many matches were left
    /// out (older than the newest `limit`).
    struct Found {
        var entries: [(index: UInt64, text: String)] = []
        var searched: ClosedRange<UInt64>?
        var omitted = 0
    }

    /// Off the event loops: reading up to `window` entries is file work.
    func entries(ofRun runKey: String, limit: Int = 200) async throws -> Found {
        try await offTheEventLoops { try self.read(ofRun: runKey, limit: limit) }
    }

    func read(ofRun runKey: String, limit: Int) throws -> Found {
        let digest = Digest.sha256Hex(Array(runKey.utf8))
        let log = TiledLog(directory: directory)
        let checkpoint = try log.checkpoint(verifiers: verifiers).checkpoint
        let size = checkpoint.size
        var found = Found()
        guard size > 0 else { return found }
        let first = size > Self.window ? size - Self.window : 0
        found.searched = first...(size - 1)
        // Each bundle (256 entries) is read once.
        var bundle = first / 256
        while bundle * 256 < size {
            let width = Int(min(256, size - bundle * 256))
            guard let data = try log.read(.entryBundle(index: bundle, width: width)) else {
                throw LedgerStorageError.missingResource(path: "bundle \(bundle)")
            }
            let entries = try EntryBundle.decode(data)
            for (offset, entry) in entries.enumerated() {
                let index = bundle * 256 + UInt64(offset)
                guard index >= first, index < size else { continue }
                let text = String(decoding: entry, as: UTF8.self)
                // A cheap filter before parsing: the digest appears in the entry's text.
                guard text.contains(digest), let parsed = try? StrictJSONParser().parse(Array(entry)),
                    parsed["run"]?.stringValue == digest
                else { continue }
                found.entries.append((index, text))
                if found.entries.count > limit {
                    found.entries.removeFirst()
                    found.omitted += 1
                }
            }
            bundle += 1
        }
        // Every entry shown is proven to be in the signed tree at that index.
        for (index, text) in found.entries {
            try log.inclusionProof(index: index, treeSize: size).verify(entry: Data(text.utf8), against: checkpoint)
        }
        return found
    }
}
