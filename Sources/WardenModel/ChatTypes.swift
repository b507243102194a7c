import WardenCore

/// One tool call the model asked for.
public struct ChatToolCall: Sendable, Equatable {
    /// The id the model gave the call; the tool result names it (`ChatMessage.tool(callID:content:)`).
    public var id: String
    public var name: String
    /// The arguments exactly as the model wrote them (a JSON text). Not parsed here: the gatekeeper parses them
    /// strictly against the tool's schema, and the ledger records what the model actually said.
    public var argumentsText: String

    public init(id: String, name: String, argumentsText: String) {
        self.id = id
        self.name = name
        self.argumentsText = argumentsText
    }
}

/// One message of a conversation, in the chat-completions shape.
public struct ChatMessage: Sendable, Equatable {
    public enum Role: String, Sendable {
        case system
        case user
        case assistant
        case tool
    }

    public var role: Role
    /// The text; nil for an assistant message that only calls tools.
    public var content: String?
    /// The calls of an assistant message; empty for every other role.
    public var toolCalls: [ChatToolCall]
    /// The call a tool message answers.
    public var toolCallID: String?

    public init(role: Role, content: String?, toolCalls: [ChatToolCall] = [], toolCallID: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    public static func system(_ content: String) -> ChatMessage {
        ChatMessage(role: .system, content: content)
    }

    public static func user(_ content: String) -> ChatMessage {
        ChatMessage(role: .user, content: content)
    }

    public static func assistant(content: String?, toolCalls: [ChatToolCall] = []) -> ChatMessage {
        ChatMessage(role: .assistant, content: content, toolCalls: toolCalls)
    }

    public static func tool(callID: String, content: String) -> ChatMessage {
        ChatMessage(role: .tool, content: content, toolCallID: callID)
    }
}

/// A tool the model may call.
public struct ChatTool: Sendable, Equatable {
    public var name: String
    public var description: String
    /// The tool's JSON Schema (an object schema).
    public var parameters: JSONValue

    public init(name: String, description: String, parameters: JSONValue) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// One chat-completions call.
public struct ChatRequest: Sendable {
    public var messages: [ChatMessage]
    /// Sent only when not empty (some local servers refuse an empty `tools` array).
    public var tools: [ChatTool]
    /// The most tokens the completion may use (sent as `ModelEndpoint.tokenParameter`).
    public var maxTokens: Int

    public init(messages: [ChatMessage], tools: [ChatTool] = [], maxTokens: Int) {
        self.messages = messages
        self.tools = tools
        self.maxTokens = maxTokens
    }
}

/// Tokens one call used.
public struct TokenUsage: Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    /// True when the server reported no usage (or only zeros) and these are estimates from byte counts (4 bytes a
    /// token): the caller's hard token cap must never count a call as free.
    public var estimated: Bool

    public init(promptTokens: Int, completionTokens: Int, totalTokens: Int, estimated: Bool) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
        self.estimated = estimated
    }
}

/// The model's answer to one `ChatRequest`.
public struct ChatResponse: Sendable {
    /// An assistant message: text, tool calls, or both.
    public var message: ChatMessage
    /// As the server said it (`stop`, `tool_calls`, `length`, ...); nil when it said nothing.
    public var finishReason: String?
    public var usage: TokenUsage
    /// HTTP attempts made, the successful one included.
    public var attempts: Int

    public init(message: ChatMessage, finishReason: String?, usage: TokenUsage, attempts: Int) {
        self.message = message
        self.finishReason = finishReason
        self.usage = usage
        self.attempts = attempts
    }
}

/// A chat model with tool calling. The seam the agent runner is written against, so its tests can script a model.
public protocol ChatModel: Sendable {
    func complete(_ request: ChatRequest) async throws(ModelError) -> ChatResponse
}
