/**
 * An HTTP device that POSTs a temperature (60–64 °C) to `url` with its bearer token every `everyMs`,
 * whether or not the appliance answers, until the returned timer is cleared.
 */
export function postTemperatureEvery(url: string, token: string, everyMs: number): NodeJS.Timeout {
  let posted = 0;
  return setInterval(() => {
    posted += 1;
    const body = JSON.stringify({ metric: 'temperature', unit: '°C', value: 60 + (posted % 5) });
    void fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body }).catch(() => undefined);
  }, everyMs);
}
