import WardenCore

/// The chat-completions JSON, both ways: requests encoded with `CanonicalJSON`, responses parsed with
/// `StrictJSONParser` (a model endpoint's body is untrusted input like any other).
enum ChatWire {
    /// The request body for `request`.
    static func requestBody(_ request: ChatRequest, model: String, tokenParameter: String) -> [UInt8] {
        var members: [String: JSONValue] = [
            "model": .string(model),
            "messages": .array(request.messages.map(encode)),
            tokenParameter: .integer(Int64(request.maxTokens)),
            "stream": .bool(false),
        ]
        if !request.tools.isEmpty {
            members["tools"] = .array(
                request.tools.map { tool in
                    [
                        "type": "function",
                        "function": [
                            "name": .string(tool.name), "description": .string(tool.description),
                            "parameters": tool.parameters,
                        ],
                    ]
                })
        }
        return CanonicalJSON.encode(.object(members))
    }

    static func encode(_ message: ChatMessage) -> JSONValue {
        var members: [String: JSONValue] = ["role": .string(message.role.rawValue)]
        switch message.role {
        case .system, .user:
            members["content"] = .string(message.content ?? "")
        case .assistant:
            // `null`, not absent: OpenAI wants the member on an assistant message that only calls tools.
            members["content"] = message.content.map(JSONValue.string) ?? .null
            if !message.toolCalls.isEmpty {
                members["tool_calls"] = .array(
                    message.toolCalls.map { call in
                        [
                            "id": .string(call.id), "type": "function",
                            "function": ["name": .string(call.name), "arguments": .string(call.argumentsText)],
                        ]
                    })
            }
        case .tool:
            members["tool_call_id"] = .string(message.toolCallID ?? "")
            members["content"] = .string(message.content ?? "")
        }
        return .object(members)
    }

    /// What a response body said, before usage is settled.
    struct Decoded: Sendable {
        var message: ChatMessage
        var finishReason: String?
        /// nil when the server reported none (or only zeros).
        var usage: TokenUsage?
    }

    /// Why a body is not a chat completion. Fixed words and the parser's byte offset only: never body text.
    struct Malformed: Error, Sendable {
        var reason: String
    }

    static func decode(_ body: [UInt8], maxBytes: Int) throws(Malformed) -> Decoded {
        let parser = StrictJSONParser(
            limits: .init(maxDepth: 64, maxBytes: max(maxBytes, body.count), maxStringBytes: max(maxBytes, 1)))
        let root: JSONValue
        do {
            root = try parser.parse(body)
        } catch {
            throw Malformed(reason: "not JSON (\(error.description))")
        }
        guard root.objectValue != nil else { throw Malformed(reason: "the body is not a JSON object") }
        guard let choices = root["choices"]?.arrayValue else { throw Malformed(reason: "no choices array") }
        guard let choice = choices.first, choice.objectValue != nil else {
            throw Malformed(reason: "choices[0] is missing or not an object")
        }
        guard let message = choice["message"], message.objectValue != nil else {
            throw Malformed(reason: "choices[0].message is missing or not an object")
        }
        let content: String?
        switch message["content"] {
        case nil, .null?: content = nil
        case .string(let text)?: content = text
        default: throw Malformed(reason: "message.content is neither a string nor null")
        }
        let toolCalls = try decodeToolCalls(message["tool_calls"])
        let finishReason: String?
        switch choice["finish_reason"] {
        case nil, .null?: finishReason = nil
        case .string(let reason)?: finishReason = reason
        default: throw Malformed(reason: "finish_reason is neither a string nor null")
        }
        let usage = try decodeUsage(root["usage"])
        return Decoded(
            message: .assistant(content: content, toolCalls: toolCalls), finishReason: finishReason, usage: usage)
    }

    static func decodeToolCalls(_ value: JSONValue?) throws(Malformed) -> [ChatToolCall] {
        switch value {
        case nil, .null?: return []
        case .array(let calls)?:
            var out: [ChatToolCall] = []
            for (index, call) in calls.enumerated() {
                guard call.objectValue != nil else { throw Malformed(reason: "tool call \(index) is not an object") }
                guard let id = call["id"]?.stringValue, !id.isEmpty else {
                    throw Malformed(reason: "tool call \(index) has no id")
                }
                guard let function = call["function"], function.objectValue != nil else {
                    throw Malformed(reason: "tool call \(index) has no function object")
                }
                guard let name = function["name"]?.stringValue, !name.isEmpty else {
                    throw Malformed(reason: "tool call \(index) has no function name")
                }
                let arguments: String
                switch function["arguments"] {
                case .string(let text)?: arguments = text
                // Ollama sends the arguments as an object; its canonical encoding is the text it stands for.
                case .object?: arguments = CanonicalJSON.string(function["arguments"] ?? .null)
                default: throw Malformed(reason: "tool call \(index) has no arguments string or object")
                }
                out.append(ChatToolCall(id: id, name: name, argumentsText: arguments))
            }
            return out
        default:
            throw Malformed(reason: "message.tool_calls is not an array")
        }
    }

    /// nil when the server reported no usage, only part of it, or only zeros (some servers do): the caller then
    /// estimates.
    static func decodeUsage(_ value: JSONValue?) throws(Malformed) -> TokenUsage? {
        switch value {
        case nil, .null?: return nil
        case .object?: break
        default: throw Malformed(reason: "usage is not an object")
        }
        func count(_ name: String) throws(Malformed) -> Int? {
            switch value?[name] {
            case nil, .null?: return nil
            case .integer(let n)? where n >= 0 && n <= Int64(Int32.max): return Int(n)
            default: throw Malformed(reason: "usage.\(name) is not a non-negative integer")
            }
        }
        // A usage without both counts is treated as none (estimated), not as a broken answer worth a retry.
        guard let prompt = try count("prompt_tokens"), let completion = try count("completion_tokens") else {
            return nil
        }
        let total = try count("total_tokens") ?? prompt + completion
        guard total > 0 else { return nil }
        return TokenUsage(promptTokens: prompt, completionTokens: completion, totalTokens: total, estimated: false)
    }

    /// 4 bytes a token, rounded up: what the call is counted as when the server says nothing.
    static func estimatedUsage(requestBytes: Int, message: ChatMessage) -> TokenUsage {
        let responseBytes =
            (message.content?.utf8.count ?? 0)
            + message.toolCalls.reduce(0) { $0 + $1.argumentsText.utf8.count + $1.name.utf8.count }
        let prompt = max(1, (requestBytes + 3) / 4)
        let completion = (responseBytes + 3) / 4
        return TokenUsage(
            promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion, estimated: true)
    }
}
