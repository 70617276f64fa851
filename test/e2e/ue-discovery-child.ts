/**
 * Runs the UE's Home Agent discovery (src/node/ue/ue-discovery.ts) with its real access link (UDP 546 on the
 * interface's link-local address) for ue-dhcpv6-discovery.test.ts, inside the test's client namespace. Each
 * argument is a UE config file; one JSON line per file: the discovery events and the HAs found, or the error.
 */
import { loadUeConfig } from '../../src/config/load.ts';
import { osRandom } from '../../src/node/ike/udp-endpoint.ts';
import { discoverHomeAgents } from '../../src/node/ue/ue-discovery.ts';

for (const file of process.argv.slice(2)) {
  try {
    const r = await discoverHomeAgents(loadUeConfig({ file }), osRandom, () => {}, 15_000);
    const events = r.events.map((e) => ('procedure' in e ? `${e.kind}:${e.procedure}` : e.kind));
    const homeAgents = r.homeAgents.map((h) => `${h.method} ${h.ipv6 ?? '-'} ${h.ipv4 ?? '-'}`);
    console.log(JSON.stringify({ file, events, homeAgents }));
  } catch (e) {
    console.log(JSON.stringify({ file, error: (e as Error).message }));
  }
}
