/**
 * Maps keyed by what devices send (topic names, link ids) must not grow without bound: a client publishing to
 * ever new topics would otherwise exhaust memory. Past `max` entries the map is emptied and starts again; what
 * it holds is only a cache or a throttle, so forgetting costs at most a repeated log line or nack.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max = 10_000): void {
  if (map.size >= max && !map.has(key)) map.clear();
  map.set(key, value);
}
