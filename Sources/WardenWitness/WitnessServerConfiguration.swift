import WardenLedger

/// How `warden witness serve` runs: where it listens, where its state lives, its key and the logs it witnesses.
public struct WitnessServerConfiguration: Sendable {
    /// Largest `add-checkpoint` body accepted: `old <size>` (at most 25 bytes), 63 proof lines of 45 bytes,
    /// the blank line, and a signed note of at most `SignedNote.maximumSize`. Larger bodies get 413.
    public static let defaultMaximumRequestBytes = 25 + 63 * 45 + 1 + SignedNote.maximumSize

    /// Bind address (default loopback).
    public var host: String
    /// Bind port; 0 picks a free port (the server reports the bound one).
    public var port: Int
    /// Directory of the witness state (one file per log origin).
    public var stateDirectory: String
    /// This witness's key.
    public var cosigner: Ed25519Cosigner
    /// Trusted log keys per checkpoint origin; checkpoints of other origins get 404.
    public var logs: [String: [Ed25519NoteVerifier]]
    /// Request body limit for `add-checkpoint`.
    public var maximumRequestBytes: Int

    public init(
        host: String = "127.0.0.1", port: Int = 0, stateDirectory: String, cosigner: Ed25519Cosigner,
        logs: [String: [Ed25519NoteVerifier]], maximumRequestBytes: Int = defaultMaximumRequestBytes
    ) {
        self.host = host
        self.port = port
        self.stateDirectory = stateDirectory
        self.cosigner = cosigner
        self.logs = logs
        self.maximumRequestBytes = maximumRequestBytes
    }

    /// Builds the trusted-log table from configuration lines, each either `<vkey>` (the origin is the key
    /// name, as Warden ledgers do it) or `<origin> <vkey>`. Several keys may trust one origin (key rotation).
    public static func trustedLogs(_ lines: [String]) throws -> [String: [Ed25519NoteVerifier]] {
        var logs: [String: [Ed25519NoteVerifier]] = [:]
        for line in lines {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 1 || fields.count == 2, fields.allSatisfy({ !$0.isEmpty }) else {
                throw WitnessError.invalidConfiguration("trusted log entry is not `<vkey>` or `<origin> <vkey>`")
            }
            let verifier: Ed25519NoteVerifier
            do {
                verifier = try Ed25519NoteVerifier(verifierKey: String(fields[fields.count - 1]))
            } catch {
                throw WitnessError.invalidConfiguration("trusted log key: \(error.description)")
            }
            let origin = fields.count == 2 ? String(fields[0]) : verifier.name
            logs[origin, default: []].append(verifier)
        }
        return logs
    }

    func validate() throws {
        guard (0...65535).contains(port) else { throw WitnessError.invalidConfiguration("port \(port) out of range") }
        guard !logs.isEmpty else { throw WitnessError.invalidConfiguration("no trusted logs configured") }
        guard maximumRequestBytes > 0 else {
            throw WitnessError.invalidConfiguration("maximum request size must be positive")
        }
    }
}
