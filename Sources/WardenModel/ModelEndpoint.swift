/// Where and how to reach one OpenAI-compatible chat-completions endpoint.
public struct ModelEndpoint: Sendable {
    public enum Flavor: Sendable, Equatable {
        /// OpenAI and the servers that copy its API (vLLM, llama.cpp server, Ollama): `baseURL/chat/completions`,
        /// `Authorization: Bearer`.
        case openAI
        /// Azure OpenAI: the deployment is in the path, the API version in the query, the key in `api-key`.
        case azure(apiVersion: String)
    }

    public var flavor: Flavor
    /// openAI: e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`; azure: `https://NAME.openai.azure.com`.
    public var baseURL: String
    /// The model name (openAI) or the deployment name (azure).
    public var model: String
    /// nil sends no authentication header (local servers).
    public var apiKey: String?
    /// Per attempt, for the whole exchange: connecting, sending, the response head and the whole body.
    public var timeoutSeconds: Int
    /// 1 means no retry.
    public var maxAttempts: Int
    /// Full-jitter exponential backoff: before attempt n+1 sleep random(0 ... min(max, base × 2^(n-1))) ms.
    public var backoffBaseMilliseconds: Int
    public var backoffMaxMilliseconds: Int
    /// `max_tokens`, or `max_completion_tokens` for newer OpenAI models that refuse the former.
    public var tokenParameter: String
    /// Longer bodies are cut off and fail the call with `.responseTooLarge`.
    public var maxResponseBytes: Int

    public init(
        flavor: Flavor = .openAI, baseURL: String, model: String, apiKey: String? = nil, timeoutSeconds: Int = 60,
        maxAttempts: Int = 4, backoffBaseMilliseconds: Int = 500, backoffMaxMilliseconds: Int = 8_000,
        tokenParameter: String = "max_tokens", maxResponseBytes: Int = 4 << 20
    ) {
        self.flavor = flavor
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.timeoutSeconds = timeoutSeconds
        self.maxAttempts = maxAttempts
        self.backoffBaseMilliseconds = backoffBaseMilliseconds
        self.backoffMaxMilliseconds = backoffMaxMilliseconds
        self.tokenParameter = tokenParameter
        self.maxResponseBytes = maxResponseBytes
    }

    /// The URL each attempt POSTs to.
    public var completionsURL: String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        switch flavor {
        case .openAI:
            return base + "/chat/completions"
        case .azure(let apiVersion):
            return base + "/openai/deployments/" + Self.percentEncoded(model) + "/chat/completions?api-version="
                + Self.percentEncoded(apiVersion)
        }
    }

    /// The authentication header, if any: `(name, value)`.
    var authorizationHeader: (name: String, value: String)? {
        guard let apiKey else { return nil }
        switch flavor {
        case .openAI: return ("Authorization", "Bearer " + apiKey)
        case .azure: return ("api-key", apiKey)
        }
    }

    /// RFC 3986 unreserved characters stay, every other byte is %XX: a deployment name cannot add path segments
    /// or query members.
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}
