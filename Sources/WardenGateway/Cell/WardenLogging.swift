import Foundation
import Logging
import WardenRedaction

/// Process-wide logging set-up: every line from every component goes through the redacting handler and is
/// written as one JSON object. The rule for the whole code base: tool arguments, tool results, tokens and
/// secrets are never logged; log their digests and sizes (see docs/logging.md).
public enum WardenLogging {
    public static func bootstrap(level: Logger.Level, redactor: Redactor = Redactor()) -> Logger {
        // A log line written to a closed pipe must not kill the cell.
        signal(SIGPIPE, SIG_IGN)
        LoggingSystem.bootstrap { label in
            var handler = RedactingLogHandler(label: label, redactor: redactor, sink: StandardOutputSink(descriptor: 2))
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "warden")
        logger.logLevel = level
        return logger
    }
}

/// Detects literal secrets in configuration values with the redaction detectors.
public enum SecretLinting {
    private static let redactor = Redactor()

    public static let detector: ConfigurationLoader.LiteralSecretDetector = { key, value in
        // A file path under a key-like name (`private_key: tls/key.pem`) is a reference, not a value: judge it
        // by its content alone, so a credential pasted into a "path" is still caught.
        let isPath = value.hasPrefix("/") || value.hasPrefix("./") || value.hasPrefix("../")
        let findings =
            isPath ? redactor.secretFindings(in: value) : redactor.secretFindings(inValue: value, key: key)
        guard let finding = findings.first else { return nil }
        return "\(finding.type.rawValue), rule \(finding.rule)"
    }
}
