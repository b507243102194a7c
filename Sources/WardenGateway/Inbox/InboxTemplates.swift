/// The inbox's pages as Mustache templates, compiled once when the inbox starts (`InboxPages`).
///
/// `{{x}}` escapes HTML, and no template uses `{{{x}}}` or `{{&x}}`: every value on a page is text. No inline
/// script or style anywhere (the Content-Security-Policy forbids both); the look is the one stylesheet below.
enum InboxTemplates {
    static let header = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Warden approvals</title>
        <link rel="stylesheet" href="/static/inbox.css">
        </head>
        <body>
        <header class="bar">
          <a class="brand" href="/">Warden · approvals</a>
          {{#session}}
          <nav>
            <a href="/" class="{{#onPending}}here{{/onPending}}">Pending</a>
            <a href="/decided" class="{{#onDecided}}here{{/onDecided}}">Decided</a>
            <a href="/runs" class="{{#onRuns}}here{{/onRuns}}">Runs</a>
            <a href="/escalations" class="{{#onEscalations}}here{{/onEscalations}}">Escalations</a>
          </nav>
          <form method="post" action="/logout" class="signout">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <span class="who">{{person}}</span>
            <button type="submit" class="quiet">Sign out</button>
          </form>
          {{/session}}
        </header>
        <main>
        """

    static let footer = """
        </main>
        <footer>Every decision is recorded in the cell's ledger. The agent's identical call runs once after approval.</footer>
        </body>
        </html>
        """

    static let signIn = """
        {{> header}}
        <section class="card narrow">
          <h1>Approvals</h1>
          <p>Held payments and messages wait here for a person's decision.</p>
          <p><a class="button" href="/login">Sign in with your organisation</a></p>
          <p class="muted">Sign-in uses {{issuer}}.</p>
        </section>
        {{> footer}}
        """

    static let signedIn = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="refresh" content="0;url=/">
        <title>Signed in · Warden approvals</title>
        <link rel="stylesheet" href="/static/inbox.css">
        </head>
        <body><main><p>Signed in. <a href="/">Continue to the inbox</a>.</p></main></body>
        </html>
        """

    static let pending = """
        {{> header}}
        <h1>Waiting for a decision</h1>
        {{^requests}}<p class="empty">Nothing is waiting. Held calls appear here as soon as an agent asks.</p>{{/requests}}
        {{#requests}}
        <article class="card request">
          <h2><a href="/requests/{{id}}">{{words}}</a></h2>
          <dl class="facts">
            <dt>tool</dt><dd><code>{{tool}}</code></dd>
            <dt>agent</dt><dd><code>{{agent}}</code></dd>
            {{#amount}}<dt>amount</dt><dd><code>{{amount}}</code></dd>{{/amount}}
            {{#recipients}}<dt>recipients</dt><dd><code>{{recipients}}</code></dd>{{/recipients}}
            <dt>asked</dt><dd>{{created}}</dd>
            <dt>expires</dt><dd>{{expires}}</dd>
          </dl>
          {{#contained}}<p class="warning">Injection containment asked for a person: see where the values came from.</p>{{/contained}}
          <p><a class="button" href="/requests/{{id}}">Review {{id}}</a></p>
        </article>
        {{/requests}}
        {{> footer}}
        """

    static let detail = """
        {{> header}}
        <p class="crumb"><a href="/">← Pending</a></p>
        <h1>{{words}}</h1>
        <section class="card">
          <dl class="facts">
            <dt>request</dt><dd><code>{{id}}</code> <span class="state {{state}}">{{state}}</span></dd>
            <dt>tool</dt><dd><code>{{tool}}</code></dd>
            <dt>agent</dt><dd><code>{{agent}}</code> (the agent cannot approve its own call)</dd>
            {{#amount}}<dt>amount</dt><dd><code>{{amount}}</code></dd>{{/amount}}
            {{#recipients}}<dt>recipients</dt><dd><code>{{recipients}}</code></dd>{{/recipients}}
            <dt>asked</dt><dd>{{created}}</dd>
            <dt>expires</dt><dd>{{expires}}</dd>
            {{#decided}}<dt>decided</dt><dd>{{state}} by <code>{{approver}}</code> at {{decidedAt}}{{#reason}}: “{{reason}}”{{/reason}}</dd>{{/decided}}
          </dl>
        </section>
        {{#hasEarlier}}
        <section class="card warning">
          <h2>This exact action was decided before</h2>
          <p>The same agent asked for the identical action (same SHA-256) earlier. Approving again lets it run again.</p>
          <ul>{{#earlier}}<li><code>{{id}}</code> {{state}} by <code>{{approver}}</code> at {{when}}</li>{{/earlier}}</ul>
        </section>
        {{/hasEarlier}}
        {{#hasReasons}}
        <section class="card">
          <h2>Why it was held</h2>
          <ul>{{#reasons}}<li><code>{{.}}</code></li>{{/reasons}}</ul>
        </section>
        {{/hasReasons}}
        {{#hasProvenance}}
        <section class="card warning">
          <h2>Where the values came from</h2>
          <p>Injection containment held this call: some values were read from content nobody vouches for.</p>
          <ul>{{#provenance}}<li><code>{{.}}</code></li>{{/provenance}}</ul>
        </section>
        {{/hasProvenance}}
        {{#readable}}
        <section class="card">
          <h2>Every argument</h2>
          <table class="arguments">
            {{#arguments}}<tr><th><code>{{name}}</code></th><td><code>{{value}}</code></td></tr>{{/arguments}}
          </table>
          <details><summary>Canonical action and its SHA-256</summary>
            <pre>{{canonical}}</pre>
            <p class="muted"><code>{{digest}}</code></p>
          </details>
        </section>
        {{/readable}}
        {{^readable}}<section class="card warning"><p>The action cannot be read, so it cannot be decided.</p></section>{{/readable}}
        {{#decidable}}
        <section class="card decide">
          <h2>Decide</h2>
          <form method="post" action="/requests/{{id}}/decide">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="reason">Reason (recorded; shown to the agent when denied)</label>
            <textarea id="reason" name="reason" maxlength="1000" rows="3"></textarea>
            <div class="actions">
              <button type="submit" name="decision" value="approve" class="approve">Approve this exact call</button>
              <button type="submit" name="decision" value="deny" class="deny">Deny</button>
            </div>
          </form>
          <p class="muted">Deciding as <strong>{{person}}</strong>.</p>
        </section>
        {{/decidable}}
        {{> footer}}
        """

    static let decided = """
        {{> header}}
        <h1>Decided</h1>
        {{^requests}}<p class="empty">No decisions yet.</p>{{/requests}}
        {{#hasRequests}}
        <table class="list">
          <tr><th>request</th><th>action</th><th>state</th><th>by</th><th>when</th><th>reason</th></tr>
          {{#requests}}
          <tr><td><a href="/requests/{{id}}"><code>{{id}}</code></a></td><td>{{words}}</td>
            <td><span class="state {{state}}">{{state}}</span></td><td><code>{{approver}}</code></td>
            <td>{{decidedAt}}</td><td>{{reason}}</td></tr>
          {{/requests}}
        </table>
        {{/hasRequests}}
        {{> footer}}
        """

    static let runs = """
        {{> header}}
        <h1>Runs</h1>
        {{^runs}}<p class="empty">No runs yet.</p>{{/runs}}
        {{#hasRuns}}
        <table class="list">
          <tr><th>run</th><th>agent</th><th>state</th><th>calls</th><th>tainted</th><th>started</th><th>last activity</th></tr>
          {{#runs}}
          <tr><td><a href="/run?key={{key}}"><code>{{id}}</code></a></td><td><code>{{agent}}</code></td>
            <td><span class="state {{state}}">{{state}}</span></td><td>{{calls}}</td><td>{{tainted}}</td>
            <td>{{started}}</td><td>{{lastActivity}}</td></tr>
          {{/runs}}
        </table>
        {{/hasRuns}}
        {{> footer}}
        """

    static let run = """
        {{> header}}
        <p class="crumb"><a href="/runs">← Runs</a></p>
        <h1>Run <code>{{id}}</code></h1>
        <section class="card">
          <dl class="facts">
            <dt>agent</dt><dd><code>{{agent}}</code></dd>
            <dt>state</dt><dd><span class="state {{state}}">{{state}}</span>{{#endedBy}} ({{endedBy}}){{/endedBy}}</dd>
            <dt>calls</dt><dd>{{calls}}</dd>
            <dt>started</dt><dd>{{started}}</dd>
            <dt>deadline</dt><dd>{{deadline}}</dd>
          </dl>
        </section>
        {{#hasCalls}}
        <section class="card">
          <h2>Calls</h2>
          <table class="list" id="calls">
            <tr><th>at</th><th>tool</th><th>outcome</th><th>rule</th></tr>
            {{#callRows}}<tr><td>{{at}}</td><td><code>{{tool}}</code></td><td><span class="state {{outcome}}">{{outcome}}</span></td><td><code>{{rule}}</code></td></tr>{{/callRows}}
          </table>
        </section>
        {{/hasCalls}}
        {{#hasLedger}}
        <section class="card">
          <h2>Ledger entries</h2>
          <p class="note">Each proven by its inclusion proof against the signed checkpoint; {{ledgerRange}}.</p>
          <table class="list" id="ledger">
            <tr><th>#</th><th>entry</th></tr>
            {{#ledger}}<tr><td>{{index}}</td><td><code>{{entry}}</code></td></tr>{{/ledger}}
          </table>
        </section>
        {{/hasLedger}}
        {{#ledgerUnreadable}}<section class="card warning"><p>The ledger could not be read or did not verify.</p></section>{{/ledgerUnreadable}}
        <section class="card">
          <h2>Events</h2>
          <table class="list">{{#events}}<tr><td>{{at}}</td><td><code>{{kind}}</code></td><td><code>{{facts}}</code></td></tr>{{/events}}</table>
        </section>
        {{#hasEscalations}}
        <section class="card warning">
          <h2>Escalations</h2>
          <ul>{{#escalations}}<li>{{raisedAt}} <code>{{reason}}</code>: {{summary}} (notification {{notification}})</li>{{/escalations}}</ul>
        </section>
        {{/hasEscalations}}
        {{> footer}}
        """

    static let escalations = """
        {{> header}}
        <h1>Escalations</h1>
        {{^escalations}}<p class="empty">No run has escalated.</p>{{/escalations}}
        {{#hasEscalations}}
        <table class="list">
          <tr><th>raised</th><th>by</th><th>reason</th><th>summary</th><th>attempts</th><th>notification</th></tr>
          {{#escalations}}
          <tr><td>{{raisedAt}}</td><td><code>{{by}}</code></td><td><code>{{reason}}</code></td><td>{{summary}}</td>
            <td>{{attempts}}</td><td>{{notification}}</td></tr>
          {{/escalations}}
        </table>
        {{/hasEscalations}}
        {{> footer}}
        """

    static let error = """
        {{> header}}
        <section class="card narrow refusal">
          <h1>{{heading}}</h1>
          <p>{{message}}</p>
          <p class="rule">rule <code>{{rule}}</code> · HTTP {{status}}</p>
          <p><a href="/">Back to the inbox</a>{{^session}} · <a href="/login">Sign in</a>{{/session}}</p>
        </section>
        {{> footer}}
        """

    static let stylesheet = """
        :root { --ink: #1d2330; --muted: #5b6475; --line: #d9dee7; --paper: #f6f7f9; --accent: #1f5fbf;
          --ok: #1c7c43; --bad: #b3261e; --warn: #8a5a00; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
          background: var(--paper); }
        .bar { display: flex; align-items: center; gap: 1.5rem; padding: .75rem 1.5rem; background: #14213d; color: #fff; }
        .bar a { color: #fff; text-decoration: none; }
        .brand { font-weight: 700; letter-spacing: .02em; }
        nav { display: flex; gap: 1rem; }
        nav a { opacity: .8; padding: .2rem .1rem; }
        nav a.here { opacity: 1; border-bottom: 2px solid #fff; }
        .signout { margin-left: auto; display: flex; align-items: center; gap: .75rem; }
        .who { font-size: .9rem; opacity: .9; }
        main { max-width: 60rem; margin: 1.5rem auto; padding: 0 1.5rem; }
        h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
        h2 { font-size: 1.15rem; margin: 0 0 .5rem; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem;
          margin-bottom: 1rem; }
        .narrow { max-width: 34rem; margin: 3rem auto; }
        .request h2 a { color: var(--ink); }
        .facts { display: grid; grid-template-columns: 8rem 1fr; gap: .25rem 1rem; margin: .5rem 0; }
        .facts dt { color: var(--muted); }
        .facts dd { margin: 0; overflow-wrap: anywhere; }
        code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9rem; }
        pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--paper); padding: .75rem;
          border-radius: 6px; }
        table { border-collapse: collapse; width: 100%; }
        .arguments th { text-align: left; width: 10rem; vertical-align: top; color: var(--muted); font-weight: 400; }
        .arguments td, .arguments th, .list td, .list th { padding: .4rem .5rem; border-bottom: 1px solid var(--line);
          overflow-wrap: anywhere; }
        .list { background: #fff; border: 1px solid var(--line); }
        .list th { text-align: left; color: var(--muted); font-weight: 600; }
        .button, button { display: inline-block; font: inherit; padding: .45rem 1rem; border-radius: 6px;
          border: 1px solid var(--accent); background: var(--accent); color: #fff; text-decoration: none; cursor: pointer; }
        button.quiet { background: transparent; border-color: #fff; color: #fff; padding: .2rem .7rem; }
        button.approve { background: var(--ok); border-color: var(--ok); }
        button.deny { background: #fff; border-color: var(--bad); color: var(--bad); }
        .decide label { display: block; color: var(--muted); margin-bottom: .25rem; }
        textarea { width: 100%; font: inherit; padding: .5rem; border: 1px solid var(--line); border-radius: 6px; }
        .actions { display: flex; gap: .75rem; margin-top: .75rem; }
        .state { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; padding: .1rem .5rem;
          border-radius: 999px; background: var(--paper); border: 1px solid var(--line); }
        .state.approved, .state.used, .state.delivered { color: var(--ok); border-color: var(--ok); }
        .state.denied, .state.escalated { color: var(--bad); border-color: var(--bad); }
        .state.pending, .state.open { color: var(--warn); border-color: var(--warn); }
        .warning { border-left: 4px solid var(--warn); }
        p.warning { color: var(--warn); }
        .refusal { border-left: 4px solid var(--bad); }
        .rule { color: var(--muted); }
        .muted, .empty, .crumb { color: var(--muted); }
        .crumb a { color: var(--muted); }
        footer { max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; color: var(--muted); font-size: .85rem; }
        """
}
