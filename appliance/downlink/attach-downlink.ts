import type { MqttClient } from 'mqtt';
import type { Logger } from '../log.js';
import type { DownlinkRouter } from './downlink-router.js';

/**
 * Serves the downlink over an uplink's own MQTT connection (JSON or Sparkplug): subscribes on every
 * connect (sessions are clean) and answers each message on the reply topic at QoS 1.
 */
export function attachDownlink(client: MqttClient, router: DownlinkRouter, log: Logger): void {
  const prefix = router.filter.slice(0, -1);
  const subscribe = (): void => {
    client.subscribe(router.filter, { qos: 1 }, (err) => {
      if (err) log.warn({ err: err.message, topic: router.filter }, 'cannot subscribe to the downlink');
    });
  };
  client.on('connect', subscribe);
  if (client.connected) subscribe();
  client.on('message', (topic, payload) => {
    if (!topic.startsWith(prefix)) return;
    void router.handle(topic, payload).then((reply) => {
      client.publish(router.replyTopic, JSON.stringify(reply), { qos: 1 });
    });
  });
}
