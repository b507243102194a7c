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

    /// How long the in-process witness has to answer in these tests (`send` waits as long). It answers at once on a
    /// quiet host; `swift test` runs CPU-bound suites beside it, and on a loaded host the product's 10 s ran out
    /// (deadline exceeded, read timeout) in a clean-clone CI. Tests of timeouts pass their own.
    static let answerWithin: Duration = .seconds(60)

    /// Sends a raw request and returns status, content type and body.
    func send(
        _ path: String, method: String = "POST", body: Data? = nil
    ) async throws -> (status: Int, contentType: String?, body: String, allow: String?) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .init(rawValue: method)
        if let body { request.body = .bytes(body) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
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

/// A witness that trusts a fresh log key, and the directories a cell needs to submit to it: the setup the
/// server and submission tests start from. `stop` shuts down every submitter, closes every ledger and stops
/// every witness it made, and removes its directories; `run` calls it however the test ends, and on success a
/// failed shutdown or close fails the test.
final class WitnessedLedger: Sendable {
    /// The cell's ledger directory (`openLedger()` opens it).
    let ledger: TemporaryDirectory
    /// The witness's state directory.
    let state: TemporaryDirectory
    /// The cell's record of witnessed checkpoints (a submitter's default state directory).
    let cell: TemporaryDirectory
    let signer: Ed25519NoteSigner
    /// The witness's key, named "witness.example/w1".
    let cosigner: Ed25519Cosigner
    let witness: RunningWitness
    private let made = Mutex<Made>(Made())

    private struct Made {
        var submitters: [WitnessSubmitter] = []
        var writers: [LedgerWriter] = []
        var witnesses: [RunningWitness] = []
        var directories: [TemporaryDirectory] = []
    }

    private init(maximumRequestBytes: Int) async throws {
        let directories = try (0..<3).map { _ in try TemporaryDirectory() }
        (ledger, state, cell) = (directories[0], directories[1], directories[2])
        do {
            signer = try Ed25519NoteSigner.generate(name: Fixture.origin)
            cosigner = try Ed25519Cosigner.generate(name: "witness.example/w1")
            witness = try await RunningWitness.start(
                stateDirectory: state.path, cosigner: cosigner, logs: [signer.verifier],
                maximumRequestBytes: maximumRequestBytes)
        } catch {
            TemporaryDirectory.remove(directories)
            throw error
        }
        made.withLock { $0 = Made(witnesses: [witness], directories: directories) }
    }

    static func start(
        maximumRequestBytes: Int = WitnessServerConfiguration.defaultMaximumRequestBytes
    ) async throws -> WitnessedLedger {
        try await WitnessedLedger(maximumRequestBytes: maximumRequestBytes)
    }

    static func run(_ body: (WitnessedLedger) async throws -> Void) async throws {
        let scene = try await start()
        do {
            try await body(scene)
        } catch {
            try? await scene.stop()
            throw error
        }
        try await scene.stop()
    }

    /// Another temporary directory, removed with the others.
    func directory() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        made.withLock { $0.directories.append(directory) }
        return directory
    }

    /// Opens a ledger signed with `signer` in `directory` (the cell's ledger directory by default).
    func openLedger(in directory: TemporaryDirectory? = nil) async throws -> LedgerWriter {
        let writer = try await Fixture.openLedger((directory ?? ledger).path, signer: signer)
        made.withLock { $0.writers.append(writer) }
        return writer
    }

    /// A submitter of `source`'s checkpoints to `witnesses` (this scene's witness by default) that records what
    /// they cosigned in `records` (the cell directory by default).
    func submitter(
        for source: LedgerWriter, records: TemporaryDirectory? = nil, witnesses: [WitnessEndpoint]? = nil,
        timeout: Duration = RunningWitness.answerWithin, onOutcome: @escaping WitnessSubmitter.Observer = { _ in }
    ) throws -> WitnessSubmitter {
        let submitter = try WitnessSubmitter(
            source: source, witnesses: try witnesses ?? [witness.endpoint()],
            stateDirectory: (records ?? cell).path, timeout: timeout, onOutcome: onOutcome)
        made.withLock { $0.submitters.append(submitter) }
        return submitter
    }

    /// Has the witness cosign the cell's ledger at `size` entries and returns a copy of that ledger's directory
    /// taken at `olderSize`: a rolled-back ledger. Both are closed; the cell directory records the cosigning.
    func cosignKeepingRolledBackCopy(olderSize: Int, size: Int) async throws -> TemporaryDirectory {
        let writer = try await openLedger()
        try await Fixture.append(0..<olderSize, to: writer)
        try await writer.close()
        let copy = try ledger.copy()
        made.withLock { $0.directories.append(copy) }
        let grown = try await openLedger()
        try await Fixture.append(olderSize..<size, to: grown)
        let submitter = try submitter(for: grown)
        #expect(await submitter.submitLatest().map(\.kind) == [.cosigned])
        try await submitter.shutdown()
        try await grown.close()
        return copy
    }

    /// Stops the witness and starts it again on the same state directory and key.
    func restartWitness() async throws -> RunningWitness {
        await witness.stop()
        let restarted = try await RunningWitness.start(
            stateDirectory: state.path, cosigner: cosigner, logs: [signer.verifier])
        made.withLock { $0.witnesses.append(restarted) }
        return restarted
    }

    func stop() async throws {
        let made = self.made.withLock { made in
            defer { made = Made() }
            return made
        }
        var failure: (any Error)?
        for submitter in made.submitters {
            do { try await submitter.shutdown() } catch { failure = failure ?? error }
        }
        for writer in made.writers {
            do { try await writer.close() } catch { failure = failure ?? error }
        }
        for witness in made.witnesses { await witness.stop() }
        TemporaryDirectory.remove(made.directories)
        if let failure { throw failure }
    }
}
