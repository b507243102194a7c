#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the witness (server or submitter) could not read, write or trust its files and configuration.
public enum WitnessError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed.
    case system(operation: String, path: String, errno: Int32)
    /// A witness state file (or a submitter's record of a witnessed checkpoint) does not parse or verify. The
    /// witness refuses to run on it rather than guess: a lost record would let it cosign a rolled-back log.
    case corruptState(path: String, reason: String)
    /// Another witness process holds the state directory.
    case stateDirectoryLocked(path: String)
    /// A key file does not hold exactly one well-formed key.
    case malformedKeyFile(path: String, reason: String)
    /// Refusing to overwrite an existing key file.
    case keyFileExists(path: String)
    /// A witness URL or server setting is not acceptable.
    case invalidConfiguration(String)
    /// The state store was closed, or stopped after a failed write.
    case storeUnavailable(String)

    public var description: String {
        switch self {
        case .system(let operation, let path, let code):
            "\(operation) \(path) failed: \(String(cString: strerror(code)))"
        case .corruptState(let path, let reason):
            "witness state file \(path) is corrupt: \(reason); refusing to continue"
        case .stateDirectoryLocked(let path):
            "witness state directory \(path) is held by another witness process"
        case .malformedKeyFile(let path, let reason):
            "key file \(path) is malformed: \(reason)"
        case .keyFileExists(let path):
            "key file \(path) already exists; refusing to overwrite it"
        case .invalidConfiguration(let reason):
            "invalid witness configuration: \(reason)"
        case .storeUnavailable(let reason):
            "witness state store unavailable: \(reason)"
        }
    }
}
