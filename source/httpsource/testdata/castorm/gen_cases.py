# Writes cases.jsonl: the responses castorm's connector and this one are
# compared on (see README.md). Fixed seed: the file is reproducible.
import json
import random

random.seed(20261207)
cases = []


def case(name, config, body):
    cfg = {"kafka.topic": "castorm"}
    cfg.update(config)
    cases.append({"name": name, "config": cfg, "body": body})


def ts(i):
    return "2024-01-01T00:%02d:%02dZ" % (i // 60, i % 60)


case("field order, numbers, escapes",
     {"http.response.list.pointer": "/items", "http.response.record.offset.pointer": "key=/id, timestamp=/updated"},
     '{"items":[' + ','.join([
         '{"zeta":1,"alpha":2,"id":"a","updated":"%s"}' % ts(1),
         '{"id":"b","n":[1.10,1e2,-0,-0.0,12345678901234567890,1.5e300,0.0001,1e7,123456.789,5e-324],"updated":"%s"}' % ts(2),
         '{"id":"c","s":"é日本😀 \\" \\\\ \\/ \\n\\t\\u0001\\u001f\\u007f\\u2028 <&>","updated":"%s"}' % ts(3),
         '{"id":"d","dup":1,"x":true,"dup":2,"nested":{"b":[],"a":{},"c":null},"updated":"%s"}' % ts(4),
         '{ "id" : "e" ,\n "spaced" : [ 1 , { "k" : "v" } ] , "updated" : "%s" }' % ts(5),
         '{"id":"f","esc\\u00e9key":"\\ud83d\\ude00","updated":"%s"}' % ts(6),
     ]) + ']}')
case("no key pointer: the value's UUID",
     {"http.response.list.pointer": "/", "http.response.record.offset.pointer": "timestamp=/t"},
     json.dumps([{"b": 1, "a": "x", "t": ts(10)}, {"t": ts(11), "list": [3, 2, 1]}, {"t": ts(12), "u": "ü"}]))
case("epoch millis timestamps",
     {"http.response.list.pointer": "/data", "http.response.record.offset.pointer": "key=/id, timestamp=/ts"},
     '{"data":[{"id":1,"ts":"1700000000000","v":0.5},{"id":2,"ts":"1700000000001","v":"two"}]}')
case("record pointer to scalars",
     {"http.response.list.pointer": "/items", "http.response.record.pointer": "/v",
      "http.response.record.offset.pointer": "key=/id, timestamp=/ts"},
     '{"items":[{"id":1,"ts":"%s","v":"text é"},{"id":2,"ts":"%s","v":42},{"id":3,"ts":"%s","v":4.20},'
     '{"id":4,"ts":"%s","v":true},{"id":5,"ts":"%s","v":{"in":"order","a":1}}]}' % (ts(20), ts(21), ts(22), ts(23), ts(24)))


def rstr():
    pool = ["a", "b", "é", "日", "😀", "\"", "\\", "\n", "\u0001", " ", "/", "<", "x", "y", "z", "\u2028"]
    return "".join(random.choice(pool) for _ in range(random.randint(0, 8)))


def rnum():
    k = random.randint(0, 5)
    if k == 0:
        return str(random.randint(-10**6, 10**6))
    if k == 1:
        return str(random.randint(-2**63, 2**63 - 1))
    if k == 2:
        return repr(random.uniform(-1e6, 1e6))
    if k == 3:
        return "%de%d" % (random.randint(1, 99), random.randint(-30, 30))
    if k == 4:
        return "%d.%d" % (random.randint(0, 999), random.randint(0, 999))
    return str(random.randint(0, 9))


def rval(d):
    k = random.randint(0, 6 if d < 3 else 3)
    if k == 0:
        return json.dumps(rstr(), ensure_ascii=random.random() < 0.5)
    if k == 1:
        return rnum()
    if k == 2:
        return random.choice(["true", "false", "null"])
    if k == 3:
        return json.dumps(rstr(), ensure_ascii=False)
    if k in (4, 5):
        n = random.randint(0, 4)
        keys = [random.choice(["a", "b", "z", "m", "é", "k" + str(i)]) for i in range(n)]
        return "{" + ",".join(json.dumps(kk, ensure_ascii=False) + ":" + rval(d + 1) for kk in keys) + "}"
    return "[" + ",".join(rval(d + 1) for _ in range(random.randint(0, 3))) + "]"


items = []
for i in range(120):
    fields = ['"id":%d' % i]
    for _ in range(random.randint(0, 5)):
        fields.append(json.dumps(random.choice(["q", "b", "a", "zz", "é", "n"]) + str(random.randint(0, 3)),
                                 ensure_ascii=False) + ":" + rval(0))
    random.shuffle(fields)
    fields.append('"updated":"%s"' % ts(30 + i))
    items.append("{" + ",".join(fields) + "}")
case("generated",
     {"http.response.list.pointer": "/items", "http.response.record.offset.pointer": "key=/id, timestamp=/updated"},
     '{"items":[' + ",".join(items) + ']}')

with open("cases.jsonl", "w") as f:
    for c in cases:
        f.write(json.dumps(c, ensure_ascii=False) + "\n")
