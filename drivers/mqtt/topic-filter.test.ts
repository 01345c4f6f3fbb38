import { describe, expect, it } from 'vitest';
import { topicMatches } from './topic-filter.js';

describe('topic filters', () => {
  it('matches single-level and multi-level wildcards as MQTT 3.1.1 §4.7 says', () => {
    expect(topicMatches('tele/+/SENSOR', 'tele/th10/SENSOR')).toBe(true);
    expect(topicMatches('tele/+/SENSOR', 'tele/th10/STATE')).toBe(false);
    expect(topicMatches('site/#', 'site/meter/senml')).toBe(true);
    expect(topicMatches('site/#', 'site')).toBe(true);
    expect(topicMatches('site/meter', 'site/meter/senml')).toBe(false);
    expect(topicMatches('#', '$SYS/broker/uptime')).toBe(false);
  });
});
