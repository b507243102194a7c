import Foundation

/// Throughput figures of one benchmark run (for `warden bench ledger`; not a test).
public struct LedgerBenchmarkResult: Sendable, CustomStringConvertible {
    public var entries: Int
    public var entrySize: Int
    public var concurrency: Int
    /// Wall time from the first append to the last acknowledged (durable) append.
    public var appendSeconds: Double
    /// Wall time of a full `LedgerVerifier` run over the result.
    public var verifySeconds: Double
    /// Entry bytes the verifier hashed.
    public var verifiedBytes: Int

    public var durableAppendsPerSecond: Double { Double(entries) / max(appendSeconds, 1e-9) }
    public var verifyBytesPerSecond: Double { Double(verifiedBytes) / max(verifySeconds, 1e-9) }

    public var description: String {
        let appends = Int(durableAppendsPerSecond)
        let megabytes = verifyBytesPerSecond / 1_000_000
        return "\(entries) entries of \(entrySize) B, \(concurrency) concurrent writers: \(appends) durable appends/s; "
            + "verify \(String(format: "%.1f", megabytes)) MB/s of entries"
    }
}

/// Measures durable append throughput (with group commit) and verification speed in a scratch directory.
public enum LedgerBenchmark {
    /// Appends `entries` entries of `size` bytes from `concurrency` concurrent tasks (each waits for its own
    /// append to be durable before the next, like gateway requests do), then verifies the log.
    /// Uses `directory` if given (it must be empty), else a temporary directory that is removed afterwards.
    public static func run(
        entries: Int, size: Int, concurrency: Int = 512, directory: String? = nil
    ) async throws -> LedgerBenchmarkResult {
        let path = directory ?? (NSTemporaryDirectory() + "warden-ledger-bench-" + UUID().uuidString)
        defer {
            if directory == nil { try? FileManager.default.removeItem(atPath: path) }
        }
        let signer = try Ed25519NoteSigner.generate(name: "bench.warden.invalid/ledger")
        let writer = try await LedgerWriter.open(directory: path, origin: signer.name, signer: signer)
        let template = Data((0..<size).map { UInt8(truncatingIfNeeded: 0x41 + $0 % 26) })
        let workers = max(1, min(concurrency, entries))
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var index = worker
                    while index < entries {
                        var entry = template
                        withUnsafeBytes(of: UInt64(index).bigEndian) { raw in
                            entry.replaceSubrange(0..<min(8, entry.count), with: raw.prefix(min(8, entry.count)))
                        }
                        _ = try await writer.append(entry)
                        index += workers
                    }
                }
            }
            try await group.waitForAll()
        }
        let appendDuration = ContinuousClock.now - start
        try await writer.close()
        let verifyStart = ContinuousClock.now
        _ = try LedgerVerifier(directory: path, verifiers: [signer.verifier]).verify()
        let verifyDuration = ContinuousClock.now - verifyStart
        return LedgerBenchmarkResult(
            entries: entries, entrySize: size, concurrency: workers, appendSeconds: seconds(appendDuration),
            verifySeconds: seconds(verifyDuration), verifiedBytes: entries * size)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
