import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders the inbox's pages from the compiled templates. Values are plain strings, numbers, booleans and lists
/// of dictionaries: the templates decide the markup, and Mustache escapes every value.
struct InboxPages: Sendable {
    let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        let templates: [(String, String)] = [
            ("header", InboxTemplates.header), ("footer", InboxTemplates.footer), ("signin", InboxTemplates.signIn),
            ("signedin", InboxTemplates.signedIn), ("pending", InboxTemplates.pending),
            ("detail", InboxTemplates.detail), ("decided", InboxTemplates.decided), ("runs", InboxTemplates.runs),
            ("run", InboxTemplates.run), ("escalations", InboxTemplates.escalations), ("error", InboxTemplates.error),
        ]
        for (name, text) in templates { try library.register(text, named: name) }
        self.library = library
    }

    /// A page for a signed-in person (or nobody): the header's navigation and sign-out form need the session.
    func page(
        _ template: String, title: String, session: InboxSession?, tab: String? = nil, values: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) -> Response {
        var context = values
        context["title"] = title
        if let session {
            var shell: [String: Any] = ["csrf": session.csrf, "person": session.person.display]
            if let tab { shell[tab] = true }
            context["session"] = shell
            context["csrf"] = session.csrf
            context["person"] = session.person.display
        }
        guard let html = library.render(context, withTemplate: template) else {
            return Self.plain(.internalServerError, "the page could not be rendered (rule inbox.internal)")
        }
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// A refusal as a page: the rule, fixed words, never an error's own text.
    func refusal(_ refusal: InboxRefusal, session: InboxSession?) -> Response {
        page(
            "error", title: refusal.title, session: session,
            values: [
                "heading": refusal.title, "message": refusal.message, "rule": refusal.rule, "status": refusal.status,
            ],
            status: HTTPResponse.Status(code: refusal.status))
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var fields = HTTPFields()
        fields[.location] = location
        for cookie in cookies { fields.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: fields)
    }

    static func stylesheet() -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: InboxTemplates.stylesheet)))
    }
}
