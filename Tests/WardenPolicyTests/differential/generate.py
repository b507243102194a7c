#!/usr/bin/env python3
"""Differential corpus generator: random Cedar policies, entities and requests, answered by cedarpy.

Writes tests in the layout of Cedar's integration tests so the Swift conformance runner can run them:
    OUT/differential/N.json, N.cedar, N.entities.json, and one shared schema.cedarschema.
The seed is fixed by default, so the same corpus is produced every time.
"""
import argparse
import json
import os
import random
import re

import cedarpy

SCHEMA = """
entity Role;
entity Agent in [Role] = { level: Long, name: String, team?: String, net?: ipaddr, score?: decimal } tags String;
entity System = { owner: Agent, tier: Long, labels: Set<String> };
type Ctx = {
  amount: Long, tainted: Bool, when: datetime, window: duration, recipients: Set<String>,
  grant?: String, ip: ipaddr, args: { to?: String, n?: Long }
};
action read, mutate, send, spend;
action "crm.read" in [read] appliesTo { principal: [Agent], resource: [System], context: Ctx };
action "crm.write" in [mutate] appliesTo { principal: [Agent], resource: [System], context: Ctx };
action "mail.send" in [send, mutate] appliesTo { principal: [Agent], resource: [System], context: Ctx };
action "pay.invoice" in [spend] appliesTo { principal: [Agent], resource: [System], context: Ctx };
"""

ROLES = ["analyst", "admin", "finance", "ops"]
AGENTS = [f"a{i}" for i in range(8)]
SYSTEMS = ["crm", "mail", "pay", "docs"]
TOOLS = ["crm.read", "crm.write", "mail.send", "pay.invoice"]
CLASSES = ["read", "mutate", "send", "spend"]
PATTERNS = ["*", "a*", "*@example.com", "a\\*b", ""]
STRINGS = ["", "alice", "bob@example.com", "a*b", "x\\u{e9}y", "ops"]


class Gen:
    def __init__(self, rng):
        self.r = rng

    def pick(self, xs):
        return self.r.choice(xs)

    def long(self, depth):
        options = [
            lambda: str(self.r.choice([0, 1, 2, 5, 100, 9223372036854775807, -9223372036854775808])),
            lambda: "principal.level",
            lambda: "context.amount",
            lambda: "resource.tier",
        ]
        if depth > 0:
            options += [
                lambda: f"({self.long(depth - 1)} {self.pick(['+', '-', '*'])} {self.long(depth - 1)})",
                lambda: f"(if {self.boolean(depth - 1)} then {self.long(depth - 1)} else {self.long(depth - 1)})",
                lambda: f"context.window.{self.pick(['toHours', 'toMinutes', 'toDays'])}()",
            ]
        return self.pick(options)()

    def string(self, depth):
        return self.pick([
            lambda: json.dumps(self.pick(STRINGS)).replace("\\\\u", "\\u"),
            lambda: "principal.name",
            lambda: "(if principal has team then principal.team else \"none\")",
            lambda: "principal.getTag(\"dept\")",
        ])()

    def entity(self):
        return self.pick([
            "principal", "resource.owner",
            f'Agent::"{self.pick(AGENTS)}"', f'Role::"{self.pick(ROLES)}"', f'System::"{self.pick(SYSTEMS)}"',
        ])

    def boolean(self, depth):
        options = [
            lambda: self.pick(["true", "false"]),
            lambda: "context.tainted",
            lambda: f"{self.long(0)} {self.pick(['<', '<=', '>', '>=', '==', '!='])} {self.long(0)}",
            lambda: f"{self.string(0)} == {self.string(0)}",
            lambda: f"{self.string(0)} like \"{self.pick(PATTERNS)}\"",
            lambda: f"{self.entity()} in {self.pick(['principal', self.entity()])}",
            lambda: f"principal in [Role::\"{self.pick(ROLES)}\", Role::\"{self.pick(ROLES)}\"]",
            lambda: "principal has team",
            lambda: f"context has grant && context.grant == \"g{self.r.randint(0, 2)}\"",
            lambda: "context.grant == \"g1\"",
            lambda: "principal.hasTag(\"dept\")",
            lambda: f"resource.labels.contains({self.string(0)})",
            lambda: f"context.recipients.containsAny(resource.labels)",
            lambda: f"[{self.string(0)}, {self.string(0)}].containsAll(context.recipients)",
            lambda: "context.recipients.isEmpty()",
            lambda: f"context.ip.isInRange(ip(\"{self.pick(['10.0.0.0/8', '192.168.1.0/24', '::1/128', '0.0.0.0/0'])}\"))",
            lambda: "context.ip.isLoopback() || context.ip.isIpv6()",
            lambda: "principal has net && principal.net.isMulticast()",
            lambda: f"principal has score && principal.score.lessThan(decimal(\"{self.pick(['0.5', '1.0', '-2.25'])}\"))",
            lambda: f"context.when {self.pick(['<', '>='])} datetime(\"{self.pick(['2024-06-01', '2024-06-01T12:00:00Z', '2025-01-01T00:00:00+0200'])}\")",
            lambda: f"context.when.offset(context.window) > datetime(\"2024-06-02\")",
            lambda: f"context.window >= duration(\"{self.pick(['1h', '30m', '1d2h', '-5s'])}\")",
            lambda: "context.when.toTime() < duration(\"12h\")",
            lambda: "principal is Agent && resource is System",
            lambda: "context.args has to && context.args.to like \"*@example.com\"",
            lambda: "context has args.to && context.args.to == \"x@example.com\"",
            lambda: f"{{a: {self.long(0)}, b: [{self.string(0)}]}} == {{b: [{self.string(0)}], a: {self.long(0)}}}",
            lambda: f"[{self.long(0)}, {self.long(0)}] == [{self.long(0)}, {self.long(0)}]",
            lambda: f"{self.entity()} == {self.entity()}",
            lambda: f"{self.entity()} is {self.pick(['Agent', 'Role', 'System'])}",
            lambda: f"principal in [{self.entity()}, {self.entity()}]",
            lambda: f"-{self.long(0)} < {self.long(0)}",
            lambda: "principal.getTag(\"dept\") == \"eng\"",
            lambda: f"{self.string(0)} like \"*\\u{{e9}}*\"",
            lambda: "context.when.toDate() == datetime(\"2024-06-01\")",
            lambda: "context.when.durationSince(datetime(\"2024-06-01T00:00:00+2359\")).toSeconds() > 0",
            lambda: f"(if context.tainted then {self.long(0)} else {self.string(0)})",
            lambda: "resource.owner.level > principal.level",
            lambda: "resource.owner has team && resource.owner.team == principal.name",
            lambda: "ip(\"10.0.0.1/24\") == ip(\"10.0.0.0/24\")",
            lambda: "decimal(\"1.0\").greaterThanOrEqual(decimal(\"0.9999\"))",
            lambda: "context.args.n == 1",
        ]
        if depth > 0:
            options += [
                lambda: f"({self.boolean(depth - 1)} && {self.boolean(depth - 1)})",
                lambda: f"({self.boolean(depth - 1)} || {self.boolean(depth - 1)})",
                lambda: f"!({self.boolean(depth - 1)})",
                lambda: f"(if {self.boolean(depth - 1)} then {self.boolean(depth - 1)} else {self.boolean(depth - 1)})",
            ]
        return self.pick(options)()

    def policy(self):
        effect = "forbid" if self.r.random() < 0.25 else "permit"
        principal = self.pick([
            "principal", f'principal == Agent::"{self.pick(AGENTS)}"', f'principal in Role::"{self.pick(ROLES)}"',
            "principal is Agent", f'principal is Agent in Role::"{self.pick(ROLES)}"',
        ])
        action = self.pick([
            "action", f'action == Action::"{self.pick(TOOLS)}"', f'action in Action::"{self.pick(CLASSES)}"',
            f'action in [Action::"{self.pick(TOOLS)}", Action::"{self.pick(CLASSES)}"]',
        ])
        resource = self.pick(["resource", f'resource == System::"{self.pick(SYSTEMS)}"', "resource is System"])
        clauses = ""
        for _ in range(self.r.randint(0, 2)):
            clauses += f" {self.pick(['when', 'unless'])} {{ {self.boolean(2)} }}"
        return f"{effect}({principal}, {action}, {resource}){clauses};"

    def entities(self):
        out = []
        for role in ROLES:
            out.append({"uid": {"type": "Role", "id": role}, "attrs": {}, "parents": []})
        for i, a in enumerate(AGENTS):
            attrs = {"level": self.r.randint(0, 5), "name": self.pick(["alice", "bob", "carol"])}
            if self.r.random() < 0.5:
                attrs["team"] = self.pick(["ops", "sales"])
            if self.r.random() < 0.5:
                attrs["net"] = self.pick(["224.0.0.1", "10.1.2.3", "ff02::1"])
            if self.r.random() < 0.5:
                attrs["score"] = self.pick(["0.25", "1.5", "-3.0"])
            tags = {"dept": self.pick(["eng", "fin"])} if self.r.random() < 0.6 else {}
            parents = [{"type": "Role", "id": r} for r in self.r.sample(ROLES, self.r.randint(0, 2))]
            out.append({"uid": {"type": "Agent", "id": a}, "attrs": attrs, "parents": parents, "tags": tags})
        for s in SYSTEMS:
            out.append({
                "uid": {"type": "System", "id": s},
                "attrs": {
                    "owner": {"type": "Agent", "id": self.pick(AGENTS)},
                    "tier": self.r.randint(0, 3),
                    "labels": self.r.sample(["alice", "ops", "", "bob@example.com"], self.r.randint(0, 3)),
                },
                "parents": [],
            })
        return out

    def context(self):
        ctx = {
            "amount": self.pick([0, 5, 100, 9223372036854775807]),
            "tainted": self.r.random() < 0.3,
            "when": self.pick(["2024-06-01T08:00:00Z", "2024-05-31T23:59:59.999Z", "2024-06-01T13:00:00-0100"]),
            "window": self.pick(["1h", "2d", "-30m", "0ms"]),
            "recipients": self.r.sample(["alice", "ops", "bob@example.com"], self.r.randint(0, 2)),
            "ip": self.pick(["10.0.0.7", "127.0.0.1", "::1", "192.168.1.9"]),
            "args": {},
        }
        if self.r.random() < 0.5:
            ctx["grant"] = f"g{self.r.randint(0, 2)}"
        if self.r.random() < 0.5:
            ctx["args"]["to"] = self.pick(["x@example.com", "evil@attacker.test"])
        if self.r.random() < 0.5:
            ctx["args"]["n"] = self.r.randint(-1, 3)
        return ctx


ERROR_ID = re.compile(r"policy `([^`]+)`")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", help="output root (pass it to WARDEN_CEDAR_TESTS)")
    ap.add_argument("--tests", type=int, default=200)
    ap.add_argument("--requests", type=int, default=8)
    ap.add_argument("--policies", type=int, default=6)
    ap.add_argument("--seed", type=int, default=20261126)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    gen = Gen(rng)
    folder = os.path.join(args.out, "differential")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "schema.cedarschema"), "w") as f:
        f.write(SCHEMA)
    for n in range(args.tests):
        policies = "\n".join(gen.policy() for _ in range(rng.randint(1, args.policies)))
        entities = gen.entities()
        validation = cedarpy.validate_policies(policies, SCHEMA)
        if any("parse error" in str(e) for e in validation.errors):
            continue  # the generator wrote something Cedar does not parse; expectations would be meaningless
        requests = []
        for k in range(args.requests):
            request = {
                "principal": {"type": "Agent", "id": gen.pick(AGENTS)},
                "action": {"type": "Action", "id": gen.pick(TOOLS)},
                "resource": {"type": "System", "id": gen.pick(SYSTEMS)},
                "context": gen.context(),
            }
            result = cedarpy.is_authorized(
                {
                    "principal": f'Agent::"{request["principal"]["id"]}"',
                    "action": f'Action::"{request["action"]["id"]}"',
                    "resource": f'System::"{request["resource"]["id"]}"',
                    "context": request["context"],
                },
                policies,
                entities,
                schema=SCHEMA,
            )
            errors = sorted({m.group(1) for e in result.diagnostics.errors for m in [ERROR_ID.search(e)] if m})
            requests.append({
                "description": f"request {k}",
                **request,
                "validateRequest": True,
                "decision": "allow" if result.allowed else "deny",
                "reason": sorted(result.diagnostics.reasons),
                "errors": errors,
            })
        base = f"differential/{n}"
        with open(os.path.join(args.out, base + ".cedar"), "w") as f:
            f.write(policies + "\n")
        with open(os.path.join(args.out, base + ".entities.json"), "w") as f:
            json.dump(entities, f, indent=1)
        with open(os.path.join(args.out, base + ".json"), "w") as f:
            json.dump({
                "policies": base + ".cedar",
                "entities": base + ".entities.json",
                "schema": "differential/schema.cedarschema",
                "shouldValidate": bool(validation.validation_passed),
                "requests": requests,
            }, f, indent=1)


if __name__ == "__main__":
    main()
