import AsyncHTTPClient
import Foundation
import Synchronization
import Testing
import WardenLedger
import WardenWitness

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "warden-witness-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    static func remove(_ directories: [TemporaryDirectory]) {
        for directory in directories { directory.remove() }
    }

    /// A copy of this directory's contents in a new temporary directory.
    func copy() throws -> TemporaryDirectory {
        let target = try TemporaryDirectory()
        try FileManager.default.removeItem(atPath: target.path)
        try FileManager.default.copyItem(atPath: path, toPath: target.path)
        return target
    }
}

enum Fixture {
    static let origin = "warden.example/tenant-a"

    static func entry(_ index: Int) -> Data {
        Data(#"{"event":"decision","index":\#(index)}"#.utf8)
    }

    /// Opens a ledger writer whose timer never fires during a test (checkpoints are signed on demand).
    static func openLedger(_ directory: String, signer: Ed25519NoteSigner) async throws -> LedgerWriter {
        try await LedgerWriter.open(
            directory: directory, origin: origin, signer: signer,
            options: LedgerWriter.Options(checkpointInterval: .seconds(3600)))
    }

    /// Appends entries `range` and signs a checkpoint over them.
    @discardableResult
    static func append(_ range: Range<Int>, to writer: LedgerWriter) async throws -> SignedCheckpoint {
        _ = try await writer.appendBatch(range.map(entry))
        return try await writer.checkpoint()
    }

    /// Appends entries `range` one at a time with a checkpoint after each, so the ledger can prove from and
    /// to every size in between (tiles are written at checkpoints).
    static func appendEach(_ range: Range<Int>, to writer: LedgerWriter) async throws {
        for index in range {
            _ = try await writer.append(entry(index))
            _ = try await writer.checkpoint()
        }
    }

    /// A checkpoint of `size` entries of the ledger, signed directly with the log key (for hand-built requests).
    static func checkpoint(_ size: UInt64, of writer: LedgerWriter, signer: Ed25519NoteSigner) throws
        -> SignedCheckpoint
    {
        try SignedCheckpoint.sign(
            Checkpoint(origin: origin, size: size, rootHash: try writer.log.rootHash(treeSize: size)), signer: signer)
    }

    /// A hand-built `add-checkpoint` body for `old` → `new` over the ledger's tiles.
    static func request(old: UInt64, new: UInt64, of writer: LedgerWriter, signer: Ed25519NoteSigner) throws -> Data {
        let proof = old == 0 ? [] : try writer.log.consistencyProof(oldSize: old, newSize: new).hashes
        return try WitnessProtocol.addCheckpointRequest(
            oldSize: old, consistencyProof: proof, checkpoint: try checkpoint(new, of: writer, signer: signer))
    }
}

/// A witness server running in a task on 127.0.0.1 with a port picked by the system.
struct RunningWitness {
    let port: Int
    let task: Task<Void, any Error>
    let cosigner: Ed25519Cosigner
    let stateDirectory: String

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    static func start(
        stateDirectory: String, cosigner: Ed25519Cosigner, logs: [Ed25519NoteVerifier],
        maximumRequestBytes: Int = WitnessServerConfiguration.defaultMaximumRequestBytes
    ) async throws -> RunningWitness {
        let configuration = WitnessServerConfiguration(
            stateDirectory: stateDirectory, cosigner: cosigner,
            logs: Dictionary(grouping: logs, by: { _ in Fixture.origin }),
            maximumRequestBytes: maximumRequestBytes)
        let server = WitnessServer(configuration: configuration)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            try await server.run { port in continuation.yield(port) }
        }
        for await port in ports {
            return RunningWitness(port: port, task: task, cosigner: cosigner, stateDirectory: stateDirectory)
        }
        try await task.value
        throw WitnessError.invalidConfiguration("server stopped before it was ready")
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    func endpoint(verifier: Ed25519CosignatureVerifier? = nil) throws -> WitnessEndpoint {
        try WitnessEndpoint(url: url, verifier: verifier ?? cosigner.verifier)
    }

    /// Sends a raw request and returns status, content type and body.
    func send(
        _ path: String, method: String = "POST", body: Data? = nil
    ) async throws -> (status: Int, contentType: String?, body: String, allow: String?) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .init(rawValue: method)
        if let body { request.body = .bytes(body) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (
            Int(response.status.code), response.headers.first(name: "Content-Type"),
            String(decoding: bytes.readableBytesView, as: UTF8.self), response.headers.first(name: "Allow")
        )
    }

    /// The stored cosigned note for the fixture origin (`GET /checkpoint/<hash>`), if any.
    func storedCheckpoint() async throws -> (status: Int, body: String) {
        let result = try await send(
            "/checkpoint/" + WitnessStateStore.fileName(origin: Fixture.origin), method: "GET")
        return (result.status, result.body)
    }
}

/// Collects the outcomes a submitter reports to its observer.
final class OutcomeLog: Sendable {
    private let storage = Mutex<[WitnessOutcome]>([])

    var outcomes: [WitnessOutcome] { storage.withLock { $0 } }

    func record(_ outcome: WitnessOutcome) {
        storage.withLock { $0.append(outcome) }
    }
}
