import ArgumentParser
import Foundation
import WardenGateway
import WardenLedger

struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Verify, read and prove the tamper-evident ledger (C2SP tlog-tiles).",
        subcommands: [
            VerifyLedger.self, LedgerEntries.self, LedgerKey.self, ProveInclusion.self, ProveConsistency.self,
        ]
    )
}

/// Where the ledger is and which key must have signed it: `--dir` and `--key`, or derived from a cell.
struct LedgerOptions: ParsableArguments {
    @Option(help: "The ledger folder (default: the cell's data_dir/ledger).") var dir: String?
    @Option(help: "The log's verifier key (name+keyid+base64); default: derived from the cell's keyring.")
    var key: String?
    @OptionGroup var cell: CellOptions

    func resolve() async throws -> (directory: String, verifier: Ed25519NoteVerifier) {
        if let dir, let key {
            return (dir, try Ed25519NoteVerifier(verifierKey: key))
        }
        let configuration = try cell.load()
        let keys = try await CellKeys.open(
            dataDirectory: configuration.dataDirectory,
            tenant: configuration.tenant,
            createKeyFile: false
        )
        let signer = try LedgerAuditSink.signer(keys: keys, tenant: configuration.tenant)
        let verifier = try key.map { try Ed25519NoteVerifier(verifierKey: $0) } ?? signer.verifier
        return (dir ?? LedgerAuditSink.directory(dataDirectory: configuration.dataDirectory), verifier)
    }
}

struct VerifyLedger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every tile and the root, and check the checkpoint signature."
    )
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "A checkpoint file seen earlier: the ledger must be consistent with it (no rollback).")
    var trusted: String?
    @Option(
        name: .customLong("witness"),
        help: """
            A witness verifier key: the checkpoint must carry a valid cosignature by it (repeatable). This proves \
            the witness saw this checkpoint, not that it is the newest: against rollback, pass the witness's \
            newest checkpoint (`warden witness show`) as --trusted.
            """)
    var witnesses: [String] = []

    func run() async throws {
        let (directory, verifier) = try await ledger.resolve()
        let witnessKeys = try witnesses.map { try Ed25519CosignatureVerifier(verifierKey: $0) }
        var trustedCheckpoint: SignedCheckpoint?
        if let trusted {
            let text = try String(contentsOfFile: trusted, encoding: .utf8)
            trustedCheckpoint = try SignedCheckpoint.open(Data(text.utf8), verifiers: [verifier])
        }
        let started = Date()
        var lastReport = Date()
        do {
            let report = try LedgerVerifier(directory: directory, verifiers: [verifier]).verify(
                trusted: trustedCheckpoint
            ) {
                progress in
                if Date().timeIntervalSince(lastReport) > 1 {
                    lastReport = Date()
                    FileHandle.standardError.write(
                        Data("verified \(progress.verifiedEntries)/\(progress.totalEntries) entries\n".utf8)
                    )
                }
            }
            var cosigned: [String] = []
            for witness in witnessKeys {
                guard let signature = (try? report.checkpoint.note.verifiedSignatures(by: [witness]))?.first,
                    let time = Ed25519CosignatureVerifier.timestamp(of: signature.signature)
                else {
                    throw LedgerCLIError("the checkpoint carries no valid cosignature by witness \(witness.name)")
                }
                let when = Date(timeIntervalSince1970: TimeInterval(time)).formatted(.iso8601)
                cosigned.append("\(witness.name) at \(when)")
            }
            let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
            print(
                "ok: \(report.entries) entries, \(report.tiles) tiles, root \(report.checkpoint.checkpoint.rootHash.base64) (\(seconds) s)"
                    + cosigned.map { "; cosigned by \($0)" }.joined()
            )
        } catch {
            print("FAILED: \(error)")
            throw ExitCode(1)
        }
    }
}

struct LedgerEntries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entries",
        abstract: "Print entries (one per line) from a verified checkpoint."
    )
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "First index.") var from: UInt64 = 0
    @Option(help: "How many entries at most.") var count: UInt64 = 1000

    func run() async throws {
        let (directory, verifier) = try await ledger.resolve()
        let log = TiledLog(directory: directory)
        let checkpoint = try log.checkpoint(verifiers: [verifier])
        let size = checkpoint.checkpoint.size
        var index = from
        while index < size && index < from &+ count {
            let entry = try log.entry(index: index, treeSize: size)
            print(String(decoding: entry, as: UTF8.self))
            index += 1
        }
    }
}

struct LedgerKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Print the cell's ledger verifier key (give it to auditors and witnesses)."
    )
    @OptionGroup var cell: CellOptions

    func run() async throws {
        let configuration = try cell.load()
        let keys = try await CellKeys.open(
            dataDirectory: configuration.dataDirectory,
            tenant: configuration.tenant,
            createKeyFile: false
        )
        print(try LedgerAuditSink.signer(keys: keys, tenant: configuration.tenant).verifier.verifierKey)
    }
}

struct ProveInclusion: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Print and check the inclusion proof of one entry against the current checkpoint."
    )
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "The entry's index.") var index: UInt64

    func run() async throws {
        let (directory, verifier) = try await ledger.resolve()
        let log = TiledLog(directory: directory)
        let checkpoint = try log.checkpoint(verifiers: [verifier])
        let proof = try log.inclusionProof(index: index, treeSize: checkpoint.checkpoint.size)
        let entry = try log.entry(index: index, treeSize: checkpoint.checkpoint.size)
        try proof.verify(entry: entry, against: checkpoint.checkpoint)
        print("index \(index) of \(checkpoint.checkpoint.size), root \(checkpoint.checkpoint.rootHash.base64)")
        for hash in proof.hashes { print(hash.base64) }
        print("verified")
    }
}

struct ProveConsistency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consistency",
        abstract: "Prove that the current checkpoint extends an older one (the log was only appended to)."
    )
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "A signed checkpoint saved earlier (e.g. a copy of the ledger's checkpoint file).")
    var oldCheckpoint: String

    func run() async throws {
        let (directory, verifier) = try await ledger.resolve()
        let log = TiledLog(directory: directory)
        let old = try SignedCheckpoint.open(
            Data(try String(contentsOfFile: oldCheckpoint, encoding: .utf8).utf8),
            verifiers: [verifier]
        )
        let current = try log.checkpoint(verifiers: [verifier])
        let proof = try log.consistencyProof(oldSize: old.checkpoint.size, newSize: current.checkpoint.size)
        do {
            try proof.verify(old: old.checkpoint, new: current.checkpoint)
        } catch {
            print("FAILED: the current checkpoint does not extend the old one: \(error)")
            throw ExitCode(1)
        }
        print("\(old.checkpoint.size) -> \(current.checkpoint.size), new root \(current.checkpoint.rootHash.base64)")
        for hash in proof.hashes { print(hash.base64) }
        print("verified")
    }
}

/// A verification failure the CLI itself finds (beyond `LedgerVerifier`'s).
struct LedgerCLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
