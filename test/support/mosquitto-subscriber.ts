import { connectAsync, type MqttClient } from 'mqtt';

export interface ReceivedMessage {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

export interface RecordingSubscriber {
  client: MqttClient;
  /** Every message in arrival order, duplicates included. */
  messages: ReceivedMessage[];
  /** Payloads parsed as JSON, in arrival order. */
  json(): unknown[];
  close(): Promise<void>;
}

export interface SubscriberOptions {
  /** A fixed id with `clean: false` makes the broker queue QoS 1 messages while this client is away. */
  clientId?: string;
  clean?: boolean;
}

/** A real mqtt.js client that records what arrives on `filter` at QoS 1, and reconnects quickly. */
export async function recordTopic(url: string, filter: string, options: SubscriberOptions = {}): Promise<RecordingSubscriber> {
  const client = await connectAsync(url, {
    clean: options.clean ?? true,
    reconnectPeriod: 50,
    ...(options.clientId ? { clientId: options.clientId } : {}),
  });
  const messages: ReceivedMessage[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, payload, retain: packet.retain }));
  // Reconnect attempts while a test has the broker down are expected, not failures.
  client.on('error', () => {});
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    client,
    messages,
    json: () => messages.map((m) => JSON.parse(m.payload.toString('utf8')) as unknown),
    close: async () => {
      await client.endAsync(true);
    },
  };
}
