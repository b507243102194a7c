#!/usr/bin/env python3
"""Times cedarpy's is_authorized_batch on the workloads the Swift benchmark dumped, and prints the ratios.

    WARDEN_POLICY_BENCH=1 WARDEN_POLICY_BENCH_DUMP=/tmp/bench swift test -c release -Xswiftc -enable-testing \
        --filter benchmark | tee /tmp/bench/warden.txt
    python bench_cedarpy.py /tmp/bench
"""
import json
import os
import re
import sys
import time

import cedarpy


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench"
    warden = {}
    log = os.path.join(root, "warden.txt")
    if os.path.exists(log):
        for line in open(log):
            m = re.search(r"bench policies=(\d+) decisions/s=(\d+) p50=([\d.]+)", line)
            if m:
                warden[int(m.group(1))] = (int(m.group(2)), float(m.group(3)))
    for name in sorted(os.listdir(root), key=lambda s: int(s.split("-")[-1]) if s.startswith("bench-") else -1):
        if not name.startswith("bench-"):
            continue
        count = int(name.split("-")[1])
        folder = os.path.join(root, name)
        policies = open(os.path.join(folder, "policies.cedar")).read()
        entities = json.load(open(os.path.join(folder, "entities.json")))
        requests = json.load(open(os.path.join(folder, "requests.json")))[: 400 if count < 10000 else 100]
        start = time.perf_counter()
        cedarpy.is_authorized_batch(requests, policies, entities)
        rate = len(requests) / (time.perf_counter() - start)
        line = f"policies={count} cedarpy decisions/s={rate:.0f}"
        if count in warden:
            w_rate, w_p50 = warden[count]
            line += f" warden decisions/s={w_rate} p50={w_p50}µs ratio={w_rate / rate:.0f}x"
        print(line)


if __name__ == "__main__":
    main()
