#!/usr/bin/python3
"""Produce and consume the platform's Avro records with Confluent's own Python client only.

Uses confluent_kafka (Producer/Consumer) and confluent_kafka.avro (CachedSchemaRegistryClient +
MessageSerializer) against a Confluent-compatible registry API, e.g. Apicurio's /apis/ccompat/v7.
Records use the Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary.
Keys are plain UTF-8 strings (what the Java services use: StringSerializer), values are Avro.

    confluent_client.py produce-prompt --bootstrap B --registry URL --topic T \\
        --schema schemas/src/main/avro/Prompt.avsc --json '{"id": "p1", ...}'
    confluent_client.py consume --bootstrap B --registry URL --topic T --count N --timeout S
    confluent_client.py version      # imports everything the commands above need, prints the versions

JSON conventions (both directions):
  * timestamp-millis / timestamp-micros fields are epoch milliseconds / microseconds as integers (on input an
    ISO-8601 string with an offset is accepted too);
  * bytes and fixed are base64 strings;
  * unions are plain values (null or the value itself), enums are their symbol.

produce-prompt prints one JSON line {"topic", "partition", "offset", "key", "schemaId"} to stdout.
consume prints one JSON line per record: the decoded value only. Exit codes: 0 ok, 2 timeout before
--count records, 3 decode or produce error, 4 registry/usage error.

Requires the Debian packages python3-confluent-kafka (1.7), python3-avro and python3-requests (which
confluent_kafka.avro imports but Debian's package only suggests); run with /usr/bin/python3. ./verify
installs them.
"""

import argparse
import base64
import datetime
import json
import sys
import time
import uuid

import avro.errors
import avro.io
import avro.schema
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING, libversion
from confluent_kafka import version as confluent_kafka_version
from confluent_kafka.avro import CachedSchemaRegistryClient, ClientError, load
from confluent_kafka.avro.serializer import SerializerError
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

# confluent_kafka 1.7's avro/load.py catches avro.schema.SchemaParseException, which avro 1.11 (Debian's
# python3-avro) moved to avro.errors: without this alias every schema the registry returns that the Python
# avro lib cannot parse surfaces as "AttributeError: module 'avro.schema' has no attribute ...".
if not hasattr(avro.schema, "SchemaParseException"):
    avro.schema.SchemaParseException = avro.errors.SchemaParseException

EXIT_TIMEOUT = 2
EXIT_RECORD_ERROR = 3
EXIT_SETUP_ERROR = 4

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def log(msg):
    print("confluent_client: " + msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------
# JSON <-> Avro datum conversion, driven by the schema (the Python avro lib wants datetime objects for
# timestamp-millis and returns them when reading).


def _logical(schema):
    return getattr(schema, "logical_type", None) or schema.props.get("logicalType")


def _to_datetime(value, unit_per_second):
    if isinstance(value, datetime.datetime):
        dt = value
    elif isinstance(value, bool):
        raise ValueError("timestamp must be a number or an ISO-8601 string, got %r" % (value,))
    elif isinstance(value, int):
        return EPOCH + datetime.timedelta(microseconds=value * (1_000_000 // unit_per_second))
    elif isinstance(value, str):
        dt = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    else:
        raise ValueError("timestamp must be a number or an ISO-8601 string, got %r" % (value,))
    if dt.tzinfo is None:
        raise ValueError("timestamp %r has no UTC offset" % (value,))
    return dt


def _from_datetime(dt, unit_per_second):
    delta = dt - EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return micros // (1_000_000 // unit_per_second)


def json_to_datum(schema, value):
    """Converts a plain JSON value to what avro.io.DatumWriter accepts for `schema`."""
    t = schema.type
    logical = _logical(schema)
    if t == "union":
        if value is None:
            return None
        errors = []
        for branch in schema.schemas:
            if branch.type == "null":
                continue
            try:
                datum = json_to_datum(branch, value)
            except (ValueError, TypeError, KeyError) as e:
                errors.append(str(e))
                continue
            if avro.io.validate(branch, datum):
                return datum
        raise ValueError("%r matches no branch of %s %s" % (value, schema, errors))
    if t == "record":
        if not isinstance(value, dict):
            raise ValueError("record %s needs a JSON object, got %r" % (schema.fullname, value))
        unknown = set(value) - {f.name for f in schema.fields}
        if unknown:
            raise ValueError("record %s has no fields %s" % (schema.fullname, sorted(unknown)))
        out = {}
        for f in schema.fields:
            if f.name in value:
                out[f.name] = json_to_datum(f.type, value[f.name])
            elif f.has_default:
                out[f.name] = json_to_datum(f.type, f.default)
            else:
                raise ValueError("record %s: missing field %s" % (schema.fullname, f.name))
        return out
    if t == "array":
        return [json_to_datum(schema.items, v) for v in value]
    if t == "map":
        return {k: json_to_datum(schema.values, v) for k, v in value.items()}
    if t == "long" and logical == "timestamp-millis":
        return _to_datetime(value, 1000)
    if t == "long" and logical == "timestamp-micros":
        return _to_datetime(value, 1_000_000)
    if t in ("bytes", "fixed") and logical != "decimal":
        if isinstance(value, str):
            return base64.b64decode(value, validate=True)
        if isinstance(value, list):
            return bytes(value)
        raise ValueError("bytes need a base64 string or a list of ints, got %r" % (value,))
    if t in ("float", "double") and isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
        return float(value)
    return value


def datum_to_json(value):
    """Converts a datum read by avro.io.DatumReader to plain JSON (see the module doc)."""
    if isinstance(value, dict):
        return {k: datum_to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [datum_to_json(v) for v in value]
    if isinstance(value, datetime.datetime):
        # Only timestamp-millis occurs in the platform's schemas; micros would lose precision here.
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return _from_datetime(value, 1000)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------------------------------


def registry_client(url):
    return CachedSchemaRegistryClient({"url": url})


def cmd_produce_prompt(a):
    try:
        schema = load(a.schema)
    except (OSError, ClientError) as e:
        log("cannot load schema %s: %s" % (a.schema, e))
        return EXIT_SETUP_ERROR
    try:
        datum = json_to_datum(schema, json.loads(a.json))
        avro.io.validate(schema, datum, raise_on_error=True)
    except (ValueError, TypeError, avro.errors.AvroTypeException) as e:
        log("record does not match %s: %s" % (schema.fullname, e))
        return EXIT_RECORD_ERROR
    key = str(json.loads(a.json)[a.key_field])

    registry = registry_client(a.registry)
    serializer = MessageSerializer(registry)
    try:
        # Registers the schema under subject <topic>-value (POST /subjects/T-value/versions).
        value = serializer.encode_record_with_schema(a.topic, schema, datum, is_key=False)
    except (SerializerError, ClientError) as e:
        log("cannot serialize/register: %s" % (e,))
        return EXIT_SETUP_ERROR
    schema_id = int.from_bytes(value[1:5], "big")

    producer = Producer({"bootstrap.servers": a.bootstrap, "acks": "all"})
    delivered = {}

    def on_delivery(err, msg):
        delivered["err"] = err
        delivered["msg"] = msg

    producer.produce(a.topic, value=value, key=key.encode("utf-8"), on_delivery=on_delivery)
    remaining = producer.flush(a.timeout)
    if remaining > 0 or "err" not in delivered:
        log("not delivered within %ss" % a.timeout)
        return EXIT_TIMEOUT
    if delivered["err"] is not None:
        log("delivery failed: %s" % (delivered["err"],))
        return EXIT_RECORD_ERROR
    msg = delivered["msg"]
    print(json.dumps({"topic": msg.topic(), "partition": msg.partition(), "offset": msg.offset(),
                      "key": key, "schemaId": schema_id}), flush=True)
    return 0


def cmd_consume(a):
    registry = registry_client(a.registry)
    serializer = MessageSerializer(registry)
    consumer = Consumer({
        "bootstrap.servers": a.bootstrap,
        "group.id": a.group or ("confluent-client-" + uuid.uuid4().hex),
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
    })
    deadline = time.monotonic() + a.timeout
    try:
        # Assign every partition from the beginning: no group rebalance to wait for.
        metadata = None
        while metadata is None:
            md = consumer.list_topics(a.topic, timeout=max(0.1, min(5.0, deadline - time.monotonic())))
            tmd = md.topics.get(a.topic)
            if tmd is not None and tmd.error is None and tmd.partitions:
                metadata = tmd
            elif time.monotonic() >= deadline:
                log("timeout: topic %s not found (%s)" % (a.topic, tmd.error if tmd else "no metadata"))
                return EXIT_TIMEOUT
            else:
                time.sleep(0.2)
        consumer.assign([TopicPartition(a.topic, p, OFFSET_BEGINNING) for p in sorted(metadata.partitions)])

        seen = 0
        while seen < a.count:
            left = deadline - time.monotonic()
            if left <= 0:
                log("timeout: %d of %d records within %ss" % (seen, a.count, a.timeout))
                return EXIT_TIMEOUT
            msg = consumer.poll(min(left, 1.0))
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                log("consume error: %s" % (msg.error(),))
                return EXIT_RECORD_ERROR
            try:
                value = serializer.decode_message(msg.value(), is_key=False)
            except Exception as e:  # SerializerError, or avro's own errors on corrupt payloads
                log("cannot decode %s[%d]@%d: %s: %s" % (msg.topic(), msg.partition(), msg.offset(),
                                                           type(e).__name__, e))
                return EXIT_RECORD_ERROR
            print(json.dumps(datum_to_json(value)), flush=True)
            seen += 1
        return 0
    except KafkaException as e:
        log("kafka error: %s" % (e,))
        return EXIT_RECORD_ERROR
    finally:
        consumer.close()


def cmd_version(_args):
    print("confluent-kafka %s, librdkafka %s" % (confluent_kafka_version()[0], libversion()[0]))
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)

    pp = sub.add_parser("produce-prompt", help="produce one Prompt (key = its id)")
    pp.add_argument("--bootstrap", required=True)
    pp.add_argument("--registry", required=True, help="Confluent-compatible API, e.g. .../apis/ccompat/v7")
    pp.add_argument("--topic", required=True)
    pp.add_argument("--schema", required=True, help="the .avsc file; registered under subject <topic>-value")
    pp.add_argument("--json", required=True, help="the record as a JSON object")
    pp.add_argument("--key-field", default="id", help="field whose value is the record key (default id)")
    pp.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for delivery")
    pp.set_defaults(func=cmd_produce_prompt)

    pc = sub.add_parser("consume", help="read N records from the beginning, print values as JSON lines")
    pc.add_argument("--bootstrap", required=True)
    pc.add_argument("--registry", required=True)
    pc.add_argument("--topic", required=True)
    pc.add_argument("--count", type=int, required=True)
    pc.add_argument("--timeout", type=float, required=True, help="seconds for all N records")
    pc.add_argument("--group", default=None, help="consumer group id (default: a fresh one)")
    pc.set_defaults(func=cmd_consume)

    pv = sub.add_parser("version", help="print the client's version; the set-up check runs this, so it "
                                         "imports exactly what the other commands import")
    pv.set_defaults(func=cmd_version)

    a = p.parse_args(argv)
    return a.func(a)


if __name__ == "__main__":
    sys.exit(main())
