import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a running upstream process reports, in order.
enum StdioProcessEvent: Sendable {
    /// One complete line from stdout.
    case line([UInt8])
    /// A stdout line exceeded the limit; the process is being terminated.
    case lineTooLong(limit: Int)
    /// stdout reached end of file.
    case stdoutClosed
    /// The process exited with this status.
    case exited(Int32)
}

/// One launched upstream subprocess with its pipes and reader threads.
///
/// Reading uses blocking `read(2)` on dedicated threads so a slow or silent upstream never occupies
/// the Swift concurrency pool; writes go through a serial queue for the same reason.
final class StdioProcess: Sendable {
    let events: AsyncStream<StdioProcessEvent>
    let processID: Int32
    private let process: Process
    private let stdinHandle: FileHandle
    private let stdinClosed = Mutex(false)
    private let writeQueue = DispatchQueue(label: "warden.mcp.stdio.write")

    private static let ignoreSIGPIPE: Void = {
        // A write to a dead upstream must fail with EPIPE, not kill the gateway.
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    /// Launches `executable` with exactly `arguments` and `environment` (nothing inherited).
    init(
        executable: URL,
        arguments: [String],
        workingDirectory: URL?,
        environment: [String: String],
        maxLineBytes: Int,
        onStderrLine: @escaping @Sendable (Int) -> Void
    ) throws {
        _ = Self.ignoreSIGPIPE
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr

        let (events, continuation) = AsyncStream<StdioProcessEvent>.makeStream()
        self.events = events
        // The exit is reported after the last stdout line, so a response written just before exiting is
        // not lost; if a grandchild keeps stdout open, the exit is reported anyway after a short grace.
        let ending = Mutex<(status: Int32?, stdoutClosed: Bool, reported: Bool)>((nil, false, false))
        let reportExitIfDone: @Sendable (_ force: Bool) -> Void = { force in
            let status: Int32? = ending.withLock { state in
                guard !state.reported, let status = state.status, state.stdoutClosed || force else { return nil }
                state.reported = true
                return status
            }
            if let status {
                continuation.yield(.exited(status))
                continuation.finish()
            }
        }
        process.terminationHandler = { finished in
            let status = finished.terminationStatus
            ending.withLock { $0.status = status }
            reportExitIfDone(false)
            DispatchQueue.global().asyncAfter(deadline: .now() + 1) { reportExitIfDone(true) }
        }
        try process.run()
        self.process = process
        self.processID = process.processIdentifier
        self.stdinHandle = stdin.fileHandleForWriting
        // The child holds its own copies; closing ours lets EOF arrive when the child exits.
        try? stdin.fileHandleForReading.close()
        try? stdout.fileHandleForWriting.close()
        try? stderr.fileHandleForWriting.close()

        let stdoutHandle = stdout.fileHandleForReading
        let stdoutThread = Thread {
            var framer = LineFramer(maxLineBytes: maxLineBytes)
            Self.readUntilEOF(stdoutHandle.fileDescriptor) { chunk in
                do throws(LineFramer.LineTooLong) {
                    for line in try framer.feed(chunk) { continuation.yield(.line(line)) }
                    return true
                } catch {
                    continuation.yield(.lineTooLong(limit: error.limit))
                    return false
                }
            }
            try? stdoutHandle.close()
            continuation.yield(.stdoutClosed)
            ending.withLock { $0.stdoutClosed = true }
            reportExitIfDone(false)
        }
        stdoutThread.name = "warden.mcp.stdio.stdout"
        stdoutThread.start()

        let stderrHandle = stderr.fileHandleForReading
        let stderrThread = Thread {
            var framer = LineFramer(maxLineBytes: 64 * 1024)
            Self.readUntilEOF(stderrHandle.fileDescriptor) { chunk in
                // Overlong stderr lines are not a protocol problem: reset and keep draining.
                if let lines = try? framer.feed(chunk) {
                    for line in lines { onStderrLine(line.count) }
                } else {
                    framer = LineFramer(maxLineBytes: 64 * 1024)
                }
                return true
            }
            try? stderrHandle.close()
        }
        stderrThread.name = "warden.mcp.stdio.stderr"
        stderrThread.start()
    }

    /// Reads until EOF or until `consume` returns false.
    private static func readUntilEOF(_ fd: Int32, _ consume: ([UInt8]) -> Bool) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            guard consume(Array(buffer[0..<count])) else { return }
        }
    }

    var isRunning: Bool { process.isRunning }

    /// Writes all of `data` to the child's stdin.
    func write(_ data: Data) async throws(UpstreamError) {
        let result: Result<Void, UpstreamError> = await withCheckedContinuation { continuation in
            writeQueue.async {
                continuation.resume(returning: self.writeAll(data))
            }
        }
        try result.get()
    }

    private func writeAll(_ data: Data) -> Result<Void, UpstreamError> {
        if stdinClosed.withLock({ $0 }) { return .failure(.transport("stdin of the upstream is closed")) }
        return data.withUnsafeBytes { raw -> Result<Void, UpstreamError> in
            var offset = 0
            while offset < raw.count {
                let written = systemWrite(
                    stdinHandle.fileDescriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return .failure(.transport("write to upstream stdin failed (errno \(errno))"))
                }
                offset += written
            }
            return .success(())
        }
    }

    /// Closes stdin (the polite shutdown signal for stdio servers).
    func closeStdin() {
        writeQueue.async {
            let wasClosed = self.stdinClosed.withLock { closed in
                defer { closed = true }
                return closed
            }
            if !wasClosed { try? self.stdinHandle.close() }
        }
    }

    func deliver(_ signal: Int32) {
        if process.isRunning { _ = kill(processID, signal) }
    }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        return Glibc.write(fd, buffer, count)
    #elseif canImport(Musl)
        return Musl.write(fd, buffer, count)
    #else
        return Darwin.write(fd, buffer, count)
    #endif
}
