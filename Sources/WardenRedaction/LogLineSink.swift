import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the redacting log handler writes its lines. Implementations must not throw or block indefinitely.
public protocol LogLineSink: Sendable {
    /// Writes one complete line; `line` ends with a newline.
    func write(line: String)
}

/// Writes lines to standard output, retrying short writes and `EINTR`; a process-wide lock keeps lines from
/// different threads whole even when they exceed the pipe's atomic write size.
///
/// Errors (a closed pipe, a full disk) drop the line rather than crash the process: losing a log line is
/// better than losing the gateway. A process whose standard output may be a pipe should ignore `SIGPIPE` at
/// start, or a vanished reader terminates it on the next line.
public struct StandardOutputSink: LogLineSink {
    private static let lock = NSLock()
    private let descriptor: Int32

    /// - Parameter descriptor: the file descriptor to write to; standard output unless a test or a supervisor
    ///   hands over another.
    public init(descriptor: Int32 = 1) {
        self.descriptor = descriptor
    }

    public func write(line: String) {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        var line = line
        line.withUTF8 { buffer in
            guard var pointer = buffer.baseAddress else { return }
            var remaining = buffer.count
            while remaining > 0 {
                let written = systemWrite(descriptor, pointer, remaining)
                if written > 0 {
                    pointer += written
                    remaining -= written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}

private func systemWrite(_ descriptor: Int32, _ pointer: UnsafePointer<UInt8>, _ count: Int) -> Int {
    #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        return write(descriptor, pointer, count)
    #else
        return -1
    #endif
}
