"""A non-Java producer: Apache Avro's Python library (Debian's python3-avro) writes single-object records.

Usage: /usr/bin/python3 write_single_object.py SCHEMA.avsc RECORD.json
Prints the record's bytes as hex: C3 01, the CRC-64-AVRO fingerprint of the schema's canonical form as this library
writes it (little-endian), then the Avro binary body. Python's avro 1.11 has no single-object encoder, so the header is
built here as the specification says, from the library's own canonical_form.
"""
import datetime
import io
import json
import sys

import avro.io
import avro.schema

EMPTY = 0xC15D213AA4D7A795


def fingerprint64(data: bytes) -> int:
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (EMPTY & -(fp & 1))
        table.append(fp)
    fp = EMPTY
    for b in data:
        fp = (fp >> 8) ^ table[(fp ^ b) & 0xFF]
    return fp


schema = avro.schema.parse(open(sys.argv[1]).read())
record = json.load(open(sys.argv[2]))
# The library takes timestamp-millis as datetimes: "event_time" arrives as epoch milliseconds.
record["event_time"] = datetime.datetime.fromtimestamp(record["event_time"] / 1000, tz=datetime.timezone.utc)
body = io.BytesIO()
avro.io.DatumWriter(schema).write(record, avro.io.BinaryEncoder(body))
fp = fingerprint64(schema.canonical_form.encode("utf-8"))
sys.stdout.write((b"\xc3\x01" + fp.to_bytes(8, "little") + body.getvalue()).hex())
