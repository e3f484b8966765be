// Writes records the way a Node.js service does with the most used JavaScript Schema Registry client
// (@kafkajs/confluent-schema-registry, Avro by avsc): registers each schema under its subject, then encodes each
// record in the registry's framing. Reads {"registry", "username", "password", "batches": [{"subject", "schema",
// "records"}]} from stdin; prints one JSON line {"subject", "id", "hex"} per record. Trusts the CA in
// NODE_EXTRA_CA_CERTS.
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const spec = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const registry = new SchemaRegistry({
  host: spec.registry,
  auth: spec.username ? { username: spec.username, password: spec.password } : undefined,
});
for (const batch of spec.batches) {
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(batch.schema) },
    { subject: batch.subject },
  );
  for (const record of batch.records) {
    const framed = await registry.encode(id, record);
    console.log(JSON.stringify({ subject: batch.subject, id, hex: framed.toString('hex') }));
  }
}
