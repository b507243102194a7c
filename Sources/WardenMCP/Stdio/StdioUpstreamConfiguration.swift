import Foundation

/// How to launch one stdio upstream. Built by the gateway from configuration, with secret
/// references already resolved into `injectedEnvironment`.
public struct StdioUpstreamConfiguration: Sendable {
    /// An absolute path, or a name looked up in the `PATH` of the built environment.
    public var command: String
    /// The arguments after the command, passed as is (no shell).
    public var arguments: [String]
    public var workingDirectory: String?
    /// Names copied from the gateway's environment; nothing else is inherited.
    public var inheritedEnvironment: [String]
    /// Variables set for the upstream only (e.g. its API credential). Never logged.
    public var injectedEnvironment: [String: String]
    /// The longest stdout line (one JSON-RPC message) accepted.
    public var maxMessageBytes: Int
    public var backoff: RestartBackoff
    /// How long to wait after closing stdin, then after SIGTERM, before escalating.
    public var shutdownGracePeriod: Duration

    public init(
        command: String,
        arguments: [String] = [],
        workingDirectory: String? = nil,
        inheritedEnvironment: [String] = UpstreamEnvironment.defaultInherited,
        injectedEnvironment: [String: String] = [:],
        maxMessageBytes: Int = 4 * 1024 * 1024,
        backoff: RestartBackoff = RestartBackoff(),
        shutdownGracePeriod: Duration = .seconds(2)
    ) {
        self.command = command
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.inheritedEnvironment = inheritedEnvironment
        self.injectedEnvironment = injectedEnvironment
        self.maxMessageBytes = maxMessageBytes
        self.backoff = backoff
        self.shutdownGracePeriod = shutdownGracePeriod
    }

    /// Resolves `command` to an executable file: as given when it contains "/", else through `PATH`.
    func executableURL(in environment: [String: String]) throws(UpstreamError) -> URL {
        let fileManager = FileManager.default
        if command.contains("/") {
            guard fileManager.isExecutableFile(atPath: command) else {
                throw .unavailable(reason: "upstream command \(command) is not an executable file")
            }
            return URL(fileURLWithPath: command)
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(command)"
            if fileManager.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
        }
        throw .unavailable(reason: "upstream command \(command) not found in the upstream's PATH")
    }
}
