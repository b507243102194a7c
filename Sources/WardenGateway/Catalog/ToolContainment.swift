/// A tool's labels for injection containment, from its configuration.
public struct ToolContainment: Sendable, Hashable {
    /// Whether the tool's output is trusted content (the tenant's own systems of record). Unlabelled tools are
    /// untrusted: anything that reads mail, web pages, documents, chat or another agent's output.
    public var outputTrusted: Bool
    /// The arguments containment judges on a consequential call (recipient, account, amount, URL, file). nil:
    /// every argument, so a tool nobody labelled is judged whole rather than skipped.
    public var criticalArguments: Set<String>?

    public init(outputTrusted: Bool = false, criticalArguments: Set<String>? = nil) {
        self.outputTrusted = outputTrusted
        self.criticalArguments = criticalArguments
    }
}
