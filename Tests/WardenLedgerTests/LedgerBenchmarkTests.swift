import Foundation
import Testing

@testable import WardenLedger

@Suite("Ledger benchmark helper")
struct LedgerBenchmarkTests {
    @Test("the benchmark appends and verifies the requested number of entries")
    func benchmarkRuns() async throws {
        let result = try await LedgerBenchmark.run(entries: 2000, size: 300, concurrency: 64)
        #expect(result.entries == 2000)
        #expect(result.verifiedBytes == 600_000)
        #expect(result.durableAppendsPerSecond > 0)
    }

    @Test(
        "throughput figures (set WARDEN_LEDGER_BENCH=1; prints, asserts nothing about speed)",
        .enabled(if: ProcessInfo.processInfo.environment["WARDEN_LEDGER_BENCH"] != nil))
    func printFigures() async throws {
        let entries = Int(ProcessInfo.processInfo.environment["WARDEN_LEDGER_BENCH"] ?? "") ?? 200_000
        // One writer waits for every sync, so it measures sync latency; keep that run short.
        for (count, concurrency) in [(min(entries, 2000), 1), (entries, 64), (entries, 1024), (entries, 4096)] {
            let result = try await LedgerBenchmark.run(entries: count, size: 300, concurrency: concurrency)
            print("ledger bench: \(result)")
            #expect(result.entries == count)
        }
    }
}
