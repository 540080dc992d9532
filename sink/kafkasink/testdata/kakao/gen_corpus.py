#!/usr/bin/env python3
"""Writes corpus.jsonl: the input records of the kakao goldens (README.md).

Each line is {"key": <text or null>, "value": <the record value as text,
or null for a tombstone>}.
Hand-picked edge cases first, then generated records with a fixed seed.
"""
import json
import random

hand = [
    '{"color":"red","name":"apple"}',
    '{"color":"yellow","name":"banana"}',
    '{"color":"orange","name":"tangerine"}',
    '{"name":"no color"}',
    '{"color":null,"name":"null color"}',
    '{"all":false,"color":"red"}',
    '{"all":null}',
    '{"all":"x","color":"red"}',
    '[{"color":"red"},{"color":"blue"}]',
    '[{"color":"blue"}]',
    '[]',
    '{}',
    '5',
    '"red"',
    'null',
    '{"company":"kakao","name":"company","timestamp":"20221128 120524 645"}',
    '{"company":"kakao","timestamp":"20221128 120524 645"}',
    '{"company":"kakao","name":null,"timestamp":"20221128 120524 645"}',
    '{"company":"kakao","name":"no ts"}',
    '{"company":"kakao","name":"bad ts","timestamp":"2022-11-28 12:05:24"}',
    '{"company":"kakao","name":"date only","timestamp":"20221128"}',
    '{"company":"kakao","name":7,"timestamp":"20230101 000000 000"}',
    '{"company":"kakao","name":{"a":1,"b":"x"},"timestamp":"20230101 000000 001"}',
    '{"company":"kakao","name":["a","b"],"timestamp":"20230101 000000 002"}',
    '{"company":"kakao","name":true,"timestamp":20221128}',
    '{"company":"daum","name":"other","timestamp":"20221128 120524 645"}',
    '{"user":{"name":"kim","age":41},"meta":{"time":"2023-03-04T05:06:07"}}',
    '{"user":{"name":"lee","age":29},"meta":{"time":"2023-03-04T05:06:08"}}',
    '{"user":{"name":"park","age":"35"},"meta":{"time":"2023-03-04T05:06:09"}}',
    '{"user":{"age":50},"meta":{}}',
    '{"user":{"name":"choi","age":31,"tags":{"x":[1,2]}},"meta":{"time":"2023-02-30T00:00:00"}}',
    '{"user":null}',
    '{"color":"red","name":"\\u00e9t\\u00e9 \\ud83c\\udf4e","nested":{"deep":{"deeper":[1,{"x":2}]}}}',
    '{"color":"red","n":1.50,"big":12345678901234567890}',
    None,  # a tombstone
]
keys = [None, "k1", "", "same"]

rnd = random.Random(20261207)
colors = ["red", "yellow", "orange", "blue", None]
companies = ["kakao", "daum", None]
gen = []
for i in range(60):
    d = {}
    c = rnd.choice(colors)
    if c is not None or rnd.random() < 0.3:
        d["color"] = c
    co = rnd.choice(companies)
    if co is not None:
        d["company"] = co
    if rnd.random() < 0.8:
        d["name"] = rnd.choice(["apple", "banana", "kiwi", "x" * rnd.randint(1, 5), None, 3])
    r = rnd.random()
    if r < 0.6:
        d["timestamp"] = "2023%02d%02d %02d%02d%02d %03d" % (
            rnd.randint(1, 12), rnd.randint(1, 28), rnd.randint(0, 23),
            rnd.randint(0, 59), rnd.randint(0, 59), rnd.randint(0, 999))
    elif r < 0.75:
        d["timestamp"] = rnd.choice(["", "garbage", "2023-01-01", "20231301 000000 000"])
    if rnd.random() < 0.4:
        d["user"] = {"name": rnd.choice(["kim", "lee", None]), "age": rnd.randint(18, 70)}
        if rnd.random() < 0.7:
            d["meta"] = {"time": "2023-%02d-%02dT%02d:%02d:%02d" % (
                rnd.randint(1, 12), rnd.randint(1, 28), rnd.randint(0, 23),
                rnd.randint(0, 59), rnd.randint(0, 59))}
    if rnd.random() < 0.05:
        d["all"] = rnd.choice([True, False, None])
    gen.append(json.dumps(d, separators=(",", ":")))

with open("corpus.jsonl", "w") as f:
    for i, v in enumerate(hand + gen):
        k = "tomb" if v is None else keys[i % len(keys)]
        f.write(json.dumps({"key": k, "value": v}, ensure_ascii=True) + "\n")
