/// Why the inbox refused something: an HTTP status, the rule a person (or a test) can look up, and fixed words.
///
/// Every failure the inbox meets ends as one of these and is shown as a page naming the rule; nothing is ever
/// decided on a path that produced one, and no error's own text (which may carry foreign input) reaches the page.
struct InboxRefusal: Error, Sendable, Equatable {
    var status: Int
    var rule: String
    var title: String
    var message: String

    init(_ status: Int, _ rule: String, _ title: String, _ message: String) {
        self.status = status
        self.rule = rule
        self.title = title
        self.message = message
    }

    static let roleRequired = InboxRefusal(
        403, "inbox.role-required", "Not an approver",
        "Your account signed in, but it does not carry the approver role. Ask an administrator to grant it.")
    static let bearerRefused = InboxRefusal(
        401, "inbox.bearer-refused", "Sign in as a person",
        "The inbox does not accept bearer tokens. People sign in with the organisation's identity provider.")
    static let sessionRequired = InboxRefusal(
        403, "inbox.session-required", "Signed out", "Your session ended. Sign in again, then repeat what you did.")
    static let csrfInvalid = InboxRefusal(
        403, "inbox.csrf-invalid", "This form is out of date",
        "The form was opened in an earlier session (or another tab signed out and in again). Reload the page and "
            + "decide again.")
    static let originMismatch = InboxRefusal(
        403, "inbox.origin-mismatch", "Refused: the form came from another site",
        "Decisions are accepted only from the inbox's own pages.")
    static let reauthenticationRequired = InboxRefusal(
        403, "inbox.reauthentication-required", "Sign in again",
        "A decision needs a recent sign-in (your role is checked by your identity provider then). Sign out, sign "
            + "in again, and decide.")
    static let badForm = InboxRefusal(400, "inbox.bad-request", "Not understood", "The form could not be read.")
    static let notFound = InboxRefusal(404, "inbox.not-found", "Not found", "There is no such page.")
    static let signInFailed = InboxRefusal(
        403, "inbox.sign-in-failed", "Sign-in refused",
        "The sign-in could not be completed (it expired, was already used, or did not come from this browser). "
            + "Start again.")
    static let tokenInvalid = InboxRefusal(
        403, "inbox.id-token-invalid", "Sign-in refused",
        "The identity provider's answer did not verify. Nothing was signed in.")
    static let providerUnavailable = InboxRefusal(
        503, "inbox.oidc-unavailable", "Sign-in unavailable",
        "The identity provider could not be reached or answered wrongly. Try again later.")
    static let storeUnavailable = InboxRefusal(
        503, "approval.store-unavailable", "Approvals unavailable",
        "The approval store could not be read. Nothing was decided.")
    static let separationOfDuties = InboxRefusal(
        403, "approval.self-approval", "You cannot decide this one",
        "The held call is your own (separation of duties). Another approver must decide it.")
    static let internalError = InboxRefusal(
        500, "inbox.internal", "Something went wrong", "The inbox could not answer. Nothing was decided.")

    /// A decision the approval service refused, in words, with the service's rule.
    static func decision(_ error: ApprovalError) -> InboxRefusal {
        switch error {
        case .unknown:
            InboxRefusal(404, "approval.unknown", "No such request", "There is no approval request with this id.")
        case .notPending(_, let state):
            InboxRefusal(
                409, "approval.already-decided", "Already decided",
                "This request is already \(state.rawValue). Nothing was changed.")
        case .expired:
            InboxRefusal(
                409, "approval.expired", "Expired", "This request has expired; the agent must ask again.")
        case .selfApproval: separationOfDuties
        case .invalidApprover:
            InboxRefusal(400, "approval.invalid-approver", "Who are you?", "The approver's name is not usable.")
        case .actionUnreadable:
            InboxRefusal(
                409, "approval.action-unreadable", "Cannot be decided",
                "The held action cannot be read, so it cannot be decided: nobody approves what they cannot see.")
        case .invalidReason:
            InboxRefusal(400, "approval.invalid-reason", "Reason too long", "A reason is at most 1,000 characters.")
        case .tooManyPending:
            storeUnavailable
        }
    }
}
