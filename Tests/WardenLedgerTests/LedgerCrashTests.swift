#if os(Linux)
    import Foundation
    import Glibc
    import Testing

    @testable import WardenLedger

    /// kill -9 of a writer under load, again and again: after every restart each acknowledged entry is present
    /// at its index, the log verifies, and appends continue.
    ///
    /// The writer runs in a child process (this test binary, re-run with only `crashWorker` enabled) that appends
    /// from many tasks and records each acknowledged index in a file with one `write` per line.
    @Suite("Ledger crash test (kill -9 under load)")
    struct LedgerCrashTests {
        static let environment = ProcessInfo.processInfo.environment
        static let workerDirectory = environment["WARDEN_LEDGER_CRASH_WORKER"]
        static let rounds = Int(environment["WARDEN_LEDGER_CRASH_ROUNDS"] ?? "") ?? 50

        @Test(
            "worker: appends until killed (runs only inside the crash test)",
            .enabled(if: workerDirectory != nil, "run by the crash test"))
        func crashWorker() async throws {
            let directory = try #require(Self.workerDirectory)
            let ackPath = try #require(Self.environment["WARDEN_LEDGER_CRASH_ACKS"])
            let run = try #require(Self.environment["WARDEN_LEDGER_CRASH_RUN"])
            let signer = try Ed25519NoteSigner(signerKey: try #require(Self.environment["WARDEN_LEDGER_CRASH_KEY"]))
            let acks = open(ackPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            try #require(acks >= 0)
            let writer = try await LedgerWriter.open(
                directory: directory, origin: LedgerFixture.origin, signer: signer,
                options: .init(checkpointInterval: .milliseconds(50)))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<32 {
                    group.addTask {
                        var sequence = 0
                        while true {
                            let payload = "run-\(run)-worker-\(worker)-\(sequence)"
                            let index = try await writer.append(Data(payload.utf8))
                            let line = Array("\(index) \(payload)\n".utf8)
                            _ = line.withUnsafeBytes { write(acks, $0.baseAddress, $0.count) }
                            sequence += 1
                        }
                    }
                }
                try await group.waitForAll()
            }
        }

        static func acknowledged(_ path: String) -> [(UInt64, String)] {
            guard let data = FileManager.default.contents(atPath: path) else { return [] }
            let text = String(decoding: data, as: UTF8.self)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            lines.removeLast()  // an unterminated last line may be cut by the kill
            return lines.compactMap { line in
                let parts = line.split(separator: " ")
                guard parts.count == 2, let index = UInt64(parts[0]) else { return nil }
                return (index, String(parts[1]))
            }
        }

        @Test(
            "every acknowledged entry survives kill -9 at random moments, the log verifies, appends continue",
            .enabled(if: workerDirectory == nil && rounds > 0))
        func killNineUnderLoad() async throws {
            let work = try TemporaryDirectory()
            defer { work.remove() }
            let ledger = work.path + "/ledger"
            let signer = try LedgerFixture.signer()
            var generator = SystemRandomNumberGenerator()
            var lastSize: UInt64 = 0
            for round in 0..<Self.rounds {
                let ackPath = work.path + "/acks-\(round)"
                let process = Process()
                process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
                process.arguments = ["--testing-library", "swift-testing", "--filter", "crashWorker"]
                var environment = Self.environment
                environment["WARDEN_LEDGER_CRASH_WORKER"] = ledger
                environment["WARDEN_LEDGER_CRASH_ACKS"] = ackPath
                environment["WARDEN_LEDGER_CRASH_RUN"] = String(round)
                environment["WARDEN_LEDGER_CRASH_KEY"] = signer.signerKey
                process.environment = environment
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                // Kill after a random number of acknowledgements (or when the worker stops on its own). The worker is
                // this test binary started again: on a loaded machine it may take seconds to reach its first append,
                // so the first acknowledgement is waited for up to a minute before the random moment is counted.
                let started = ContinuousClock.now
                while process.isRunning && Self.acknowledged(ackPath).isEmpty && .now - started < .seconds(60) {
                    try await Task.sleep(for: .milliseconds(10))
                }
                // The random moment is a number of acknowledgements or a time, whichever comes first: on a disk with a
                // slow fdatasync a count alone could keep a round waiting for seconds (issue 11's floor).
                let target = Int.random(in: 1...400, using: &generator)
                let deadline = ContinuousClock.now + .milliseconds(Int.random(in: 20...1500, using: &generator))
                while process.isRunning && Self.acknowledged(ackPath).count < target && .now < deadline {
                    try await Task.sleep(for: .milliseconds(Int.random(in: 1...5, using: &generator)))
                }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let acknowledged = Self.acknowledged(ackPath)
                #expect(!acknowledged.isEmpty, "round \(round): the worker acknowledged nothing")

                let writer = try await LedgerWriter.open(
                    directory: ledger, origin: LedgerFixture.origin, signer: signer)
                let size = await writer.size
                #expect(size >= lastSize, "round \(round): log shrank from \(lastSize) to \(size)")
                for (index, payload) in acknowledged {
                    #expect(index < size, "round \(round): acknowledged entry \(index) lost")
                    if index < size {
                        #expect(try writer.log.entry(index: index, treeSize: size) == Data(payload.utf8))
                    }
                }
                #expect(try await writer.append(Data("after-crash-\(round)".utf8)) == size)
                try await writer.close()
                lastSize = size + 1
                let report = try LedgerVerifier(directory: ledger, verifiers: [signer.verifier]).verify()
                #expect(report.entries == lastSize)
            }
        }
    }
#endif
