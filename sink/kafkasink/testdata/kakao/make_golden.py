#!/usr/bin/env python3
"""Writes golden.jsonl from what kcat -J read out of the four output topics.

usage: make_golden.py START_MS END_MS DIR
DIR holds out-<connector>.jsonl (kcat -C -e -q -J of kakao-out-<connector>);
START_MS and END_MS bracket the worker's run. A record timestamp inside
that window is the time kakao's task processed the record (it calls
System.currentTimeMillis() or leaves it to the producer), written "now";
the corpus holds no timestamp near the run's date, so nothing parsed falls
in the window by chance.
"""
import json
import sys

start, end, d = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with open("golden.jsonl", "w") as f:
    for c in ["color", "keyed", "default", "nested"]:
        for line in open("%s/out-%s.jsonl" % (d, c)):
            r = json.loads(line)
            assert r["tstype"] == "create"
            ts = r["ts"]
            f.write(json.dumps({
                "connector": c,
                "key": r["key"],
                "value": r["payload"],
                "timestamp": "now" if start <= ts <= end else ts,
                "headers": r.get("headers", []),
            }, ensure_ascii=True) + "\n")
