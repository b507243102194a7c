// Test cases for .semgrep/warden.yml (`semgrep --test .semgrep`): each rule must fire on `ruleid` lines only.

// ruleid: warden.no-force-try
let a = try! decode(body)
// ok: warden.no-force-try
let b = try decode(body)

// ruleid: warden.no-force-cast
let c = value as! String
// ok: warden.no-force-cast
let d = value as? String

// ruleid: warden.no-force-unwrap-on-request-paths
let e = request.headers["x"]!.count
// ok: warden.no-force-unwrap-on-request-paths
let f = a != b && !flag

// ruleid: warden.no-sql-from-strings
let g = "SELECT * FROM nonces WHERE id = \(id)"
// ok: warden.no-sql-from-strings
let h = "create \(temporaryPath)"

// ruleid: warden.no-logging-of-arguments-or-tokens
logger.info("calling tool with \(arguments)")
// ok: warden.no-logging-of-arguments-or-tokens
logger.info("calling tool", metadata: ["arguments_sha256": "\(digest)"])

// ruleid: warden.no-foreign-text-in-logs
logger.warning("upstream call failed", metadata: ["tool": "\(entry.name)", "error": "\(error)"])
// ruleid: warden.no-foreign-text-in-logs
logger.error(
    "upstream failed",
    metadata: ["reason": "\(String(describing: failure))"])
// ok: warden.no-foreign-text-in-logs
logger.warning("upstream call failed", metadata: ["error": "\(LogSafe.describe(error))"])
