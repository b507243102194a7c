import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import WardenLedger

/// The cell side of tlog-witness: submits the ledger's latest checkpoint to each configured witness, verifies
/// each cosignature under that witness's key, attaches it to the ledger checkpoint, and reports every outcome.
///
/// Per witness it remembers the size the witness last cosigned (persisted as the witnessed checkpoint note in
/// `<stateDirectory>/<witness key id hex>.checkpoint`, so the record survives restarts and can be audited). A
/// 409 with a size at most the checkpoint's is a stale memory: it retries once with a proof from that size. A
/// 409 with a larger size means the witness has cosigned more of this log than the log holds — the ledger was
/// rolled back or forked — and is reported as `.conflict`, the alarm a witness exists to raise.
///
/// HTTP: 10 s connect, read and request timeouts (configurable), no redirects, response bodies capped at
/// 64 KiB, `http` only to loopback unless the endpoint allows it (see `WitnessEndpoint`). Call `shutdown()`
/// when done.
public actor WitnessSubmitter {
    /// Called with every outcome (from the submitter's executor; keep it quick).
    public typealias Observer = @Sendable (WitnessOutcome) -> Void

    /// Default connect, read and whole-request timeout.
    public static let defaultTimeout = Duration.seconds(10)
    public static let maximumResponseBytes = 64 * 1024

    private struct WitnessState {
        var endpoint: WitnessEndpoint
        var cosigned: Checkpoint?
        var lastError: String?
        var conflict = false
    }

    private let source: any CheckpointSource
    private let stateDirectory: String
    private let client: HTTPClient
    private let onOutcome: Observer
    private let logger: Logger
    private let timeout: TimeAmount
    private var states: [WitnessState]
    private var lastSubmitted: String?
    private var retryPending = false
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var isShutDown = false

    /// - Parameters:
    ///   - source: the ledger (a `LedgerWriter`).
    ///   - witnesses: the witnesses to submit to; their key ids must be distinct.
    ///   - stateDirectory: where the witnessed checkpoints are recorded (created if missing). A record that
    ///     does not parse or verify under its witness's key is an error naming the file.
    ///   - timeout: connect, read and whole-request timeout per witness request.
    ///   - logger: one line per outcome (witness, sizes, result; never bodies or keys).
    ///   - onOutcome: observer for the gateway (alarms, health).
    public init(
        source: any CheckpointSource, witnesses: [WitnessEndpoint], stateDirectory: String,
        timeout: Duration = defaultTimeout, logger: Logger = Logger(label: "warden.witness.submitter"),
        onOutcome: @escaping Observer = { _ in }
    ) throws {
        let components = timeout.components
        guard timeout > .zero, timeout <= .seconds(3600) else {
            throw WitnessError.invalidConfiguration("timeout must be positive and at most an hour")
        }
        let nanoseconds = components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
        let timeout = TimeAmount.nanoseconds(nanoseconds)
        guard Set(witnesses.map(\.verifier.keyID)).count == witnesses.count else {
            throw WitnessError.invalidConfiguration("two witnesses share a key id")
        }
        try WitnessFiles.makeDirectory(stateDirectory)
        var states: [WitnessState] = []
        for endpoint in witnesses {
            let path = Self.recordPath(stateDirectory, endpoint)
            var cosigned: Checkpoint?
            if let data = try WitnessFiles.contents(of: path, limit: SignedNote.maximumSize) {
                do {
                    let note = try SignedNote.parse(data)
                    _ = try note.verifiedSignatures(by: [endpoint.verifier])
                    cosigned = try Checkpoint.parse(noteText: note.text)
                } catch {
                    throw WitnessError.corruptState(path: path, reason: error.description)
                }
            }
            states.append(WitnessState(endpoint: endpoint, cosigned: cosigned))
        }
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: timeout, read: timeout)
        self.source = source
        self.stateDirectory = stateDirectory
        self.states = states
        self.logger = logger
        self.timeout = timeout
        self.onOutcome = onOutcome
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The checkpoints the witnesses have cosigned, as recorded in `stateDirectory` (each verified under its
    /// witness's key), largest first. Pass the first as `LedgerWriter.Options.knownCheckpoint` when the cell
    /// opens its ledger: a ledger directory rolled back below what a witness cosigned then refuses to open.
    public static func witnessedCheckpoints(
        stateDirectory: String, witnesses: [WitnessEndpoint]
    ) throws -> [SignedCheckpoint] {
        var checkpoints: [SignedCheckpoint] = []
        for endpoint in witnesses {
            let path = recordPath(stateDirectory, endpoint)
            guard let data = try WitnessFiles.contents(of: path, limit: SignedNote.maximumSize) else { continue }
            do {
                checkpoints.append(try SignedCheckpoint.open(data, verifiers: [endpoint.verifier]))
            } catch {
                throw WitnessError.corruptState(path: path, reason: error.description)
            }
        }
        return checkpoints.sorted { $0.checkpoint.size > $1.checkpoint.size }
    }

    static func carriesCosignature(of endpoint: WitnessEndpoint, _ note: SignedNote) -> Bool {
        note.signatures.contains { $0.name == endpoint.verifier.name && $0.keyID == endpoint.verifier.keyID }
    }

    static func recordPath(_ directory: String, _ endpoint: WitnessEndpoint) -> String {
        directory + "/" + NoteKeyName.hex8(endpoint.verifier.keyID) + ".checkpoint"
    }

    /// Per witness: name, last cosigned size, last error, conflict flag.
    public func status() -> [WitnessStatus] {
        states.map {
            WitnessStatus(
                witness: $0.endpoint.name, url: $0.endpoint.addCheckpointURL, lastCosignedSize: $0.cosigned?.size ?? 0,
                lastError: $0.lastError, conflict: $0.conflict)
        }
    }

    /// Submits the latest checkpoint to every witness (concurrently) that has not already cosigned it, and
    /// returns one outcome per witness asked. Calls are serialized: a second call waits for the first, so
    /// remembered sizes never race.
    public func submitLatest() async -> [WitnessOutcome] {
        await acquire()
        defer { release() }
        guard !isShutDown, let checkpoint = await source.latestCheckpoint() else { return [] }
        let source = self.source
        let client = self.client
        let timeout = self.timeout
        let jobs = states.enumerated().compactMap { index, state -> (Int, WitnessEndpoint, Checkpoint?)? in
            let known = state.cosigned?.origin == checkpoint.checkpoint.origin ? state.cosigned : nil
            // Already cosigned and attached: asking again would only add a second line by the same key, which
            // makes the note fail verification ("trusted key signed more than once").
            if known == checkpoint.checkpoint, Self.carriesCosignature(of: state.endpoint, checkpoint.note) {
                return nil
            }
            return (index, state.endpoint, known)
        }
        let results = await withTaskGroup(of: (Int, Attempt).self) { group in
            for (index, endpoint, known) in jobs {
                group.addTask {
                    let attempt = await Self.submit(
                        checkpoint, to: endpoint, knownSize: known?.size ?? 0, source: source, client: client,
                        timeout: timeout)
                    return (index, attempt)
                }
            }
            var results: [(Int, Attempt)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }
        }
        var outcomes: [WitnessOutcome] = []
        retryPending = false
        for (index, attempt) in results {
            let kind = await record(attempt, witness: index, checkpoint: checkpoint)
            let outcome = WitnessOutcome(
                witness: states[index].endpoint.name, checkpointSize: checkpoint.checkpoint.size, kind: kind)
            log(outcome)
            onOutcome(outcome)
            outcomes.append(outcome)
        }
        lastSubmitted = checkpoint.note.text
        return outcomes
    }

    /// Submits whenever the ledger signed a new checkpoint (or a previous submission failed transiently),
    /// checking every `interval`, until the calling task is cancelled.
    public func run(interval: Duration) async {
        while !Task.isCancelled && !isShutDown {
            if let latest = await source.latestCheckpoint(), latest.note.text != lastSubmitted || retryPending {
                _ = await submitLatest()
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Shuts the HTTP client down; later submissions return no outcomes.
    public func shutdown() async throws {
        guard !isShutDown else { return }
        isShutDown = true
        try await client.shutdown()
    }

    // MARK: One witness

    private enum Attempt: Sendable {
        case cosigned(SignedCheckpoint, [NoteSignature])
        case failed(WitnessOutcome.Kind)
    }

    private static func submit(
        _ checkpoint: SignedCheckpoint, to endpoint: WitnessEndpoint, knownSize: UInt64,
        source: any CheckpointSource, client: HTTPClient, timeout: TimeAmount
    ) async -> Attempt {
        let size = checkpoint.checkpoint.size
        var oldSize = knownSize
        guard oldSize <= size else { return .failed(.conflict(witnessSize: oldSize, logSize: size)) }
        for attempt in 0..<2 {
            let body: Data
            do {
                let proof = oldSize == 0 ? [] : try await source.proveConsistency(from: oldSize, to: size).hashes
                body = try WitnessProtocol.addCheckpointRequest(
                    oldSize: oldSize, consistencyProof: proof, checkpoint: checkpoint)
            } catch {
                return .failed(.localFailure(reason: "could not build the request from size \(oldSize): \(error)"))
            }
            let answer: (status: Int, body: Data)
            switch await post(body, to: endpoint, client: client, timeout: timeout) {
            case .success(let value): answer = value
            case .failure(let error): return .failed(error.kind)
            }
            let response = answer.body
            switch answer.status {
            case 200:
                return verify(response, for: checkpoint, endpoint: endpoint)
            case 409:
                guard let witnessSize = WitnessProtocol.conflictSize(fromResponse: response) else {
                    return .failed(.refused(status: 409, reason: "witness cosigned another tree of size \(size)"))
                }
                if witnessSize > size { return .failed(.conflict(witnessSize: witnessSize, logSize: size)) }
                // A witness only ever grows what it cosigned; one below our record of it has lost its state and
                // would now cosign any tree: an alarm, not a retry.
                if witnessSize < knownSize {
                    return .failed(
                        .refused(
                            status: 409,
                            reason: "witness reports size \(witnessSize) below the size \(knownSize) it cosigned before"
                        ))
                }
                guard attempt == 0, witnessSize != oldSize else {
                    return .failed(.refused(status: 409, reason: "witness size moved again (now \(witnessSize))"))
                }
                oldSize = witnessSize
            case 422:
                return .failed(
                    .refused(
                        status: 422,
                        reason: "witness rejected the consistency proof from size \(oldSize): its tree is not a "
                            + "prefix of this log"))
            default:
                return .failed(.refused(status: answer.status, reason: printable(response)))
            }
        }
        return .failed(.refused(status: 409, reason: "witness size moved again"))
    }

    private static func post(
        _ body: Data, to endpoint: WitnessEndpoint, client: HTTPClient, timeout: TimeAmount
    ) async -> Result<(Int, Data), KindError> {
        var request = HTTPClientRequest(url: endpoint.addCheckpointURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            return .failure(KindError(.unreachable(reason: String(describing: error))))
        }
        do {
            let buffer = try await response.body.collect(upTo: maximumResponseBytes)
            return .success((Int(response.status.code), Data(buffer.readableBytesView)))
        } catch is NIOTooManyBytesError {
            return .failure(KindError(.invalidResponse(reason: "response body exceeds \(maximumResponseBytes) bytes")))
        } catch {
            return .failure(KindError(.unreachable(reason: String(describing: error))))
        }
    }

    private struct KindError: Error {
        let kind: WitnessOutcome.Kind
        init(_ kind: WitnessOutcome.Kind) { self.kind = kind }
    }

    private static func verify(_ body: Data, for checkpoint: SignedCheckpoint, endpoint: WitnessEndpoint) -> Attempt {
        let cosignatures: [NoteSignature]
        do {
            cosignatures = try WitnessProtocol.cosignatures(
                fromResponse: body, for: checkpoint, witnesses: [endpoint.verifier])
        } catch {
            return .failed(
                .invalidResponse(reason: "cosignature does not verify under \(endpoint.name)'s key: \(error)"))
        }
        guard cosignatures.allSatisfy({ (Ed25519CosignatureVerifier.timestamp(of: $0.signature) ?? 0) != 0 }) else {
            return .failed(.invalidResponse(reason: "cosignature carries a zero timestamp"))
        }
        return .cosigned(checkpoint, cosignatures)
    }

    /// A witness's error text, reduced to printable ASCII and 200 characters before it reaches a log line.
    private static func printable(_ body: Data) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        let cleaned = String(text.unicodeScalars.map { (0x20..<0x7f).contains($0.value) ? Character($0) : " " })
        return cleaned.trimmingCharacters(in: .whitespaces)
    }

    // MARK: Recording

    private func record(_ attempt: Attempt, witness index: Int, checkpoint: SignedCheckpoint) async
        -> WitnessOutcome.Kind
    {
        switch attempt {
        case .failed(let kind):
            if kind.isAlarm { states[index].conflict = true }
            switch kind {
            case .conflict(let witnessSize, let logSize):
                states[index].lastError =
                    "witness cosigned \(witnessSize) entries but the log holds \(logSize): rolled back or forked"
            case .refused(let status, let reason):
                states[index].lastError = "refused (\(status)): \(reason)"
                retryPending = retryPending || !(status == 409 || status == 422)
            case .invalidResponse(let reason), .unreachable(let reason), .localFailure(let reason):
                states[index].lastError = reason
                retryPending = true
            case .cosigned:
                break
            }
            return kind
        case .cosigned(let checkpoint, let cosignatures):
            let attached = Self.carriesCosignature(of: states[index].endpoint, checkpoint.note)
            let witnessed = attached ? checkpoint : checkpoint.adding(signatures: cosignatures)
            let path = Self.recordPath(stateDirectory, states[index].endpoint)
            states[index].cosigned = checkpoint.checkpoint
            do {
                try WitnessFiles.replaceDurably(path, with: witnessed.serialized)
                if !attached { _ = try await source.attachCosignatures(cosignatures, to: checkpoint) }
            } catch {
                let reason = "cosigned, but recording it failed: \(error)"
                states[index].lastError = reason
                retryPending = true
                return .localFailure(reason: reason)
            }
            states[index].lastError = nil
            return .cosigned
        }
    }

    private func log(_ outcome: WitnessOutcome) {
        var metadata: Logger.Metadata = ["witness": "\(outcome.witness)", "size": "\(outcome.checkpointSize)"]
        switch outcome.kind {
        case .cosigned:
            logger.info("checkpoint cosigned", metadata: metadata)
        case .conflict(let witnessSize, let logSize):
            metadata["witnessSize"] = "\(witnessSize)"
            metadata["logSize"] = "\(logSize)"
            logger.critical(
                "witness has cosigned more of this ledger than it holds: rollback or fork", metadata: metadata)
        case .refused(let status, let reason):
            // The reason may be the witness's own response text: its size only, never its words.
            metadata["status"] = "\(status)"
            metadata["reasonBytes"] = "\(reason.utf8.count)"
            logger.error("witness refused the checkpoint", metadata: metadata)
        case .invalidResponse(let reason), .unreachable(let reason), .localFailure(let reason):
            metadata["reason"] = "\(reason)"
            logger.warning("checkpoint not cosigned", metadata: metadata)
        }
    }

    // MARK: Serializing submissions

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
