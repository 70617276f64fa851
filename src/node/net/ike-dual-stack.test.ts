// One IKE engine on two addresses (the HA with an IPv4 and an IPv6 address, TS 24.303 §5.1.2.2): a UE over IPv4
// and a UE over IPv6 both finish IKE_AUTH and the Child SAs, each answered from the socket of the address it
// reached, on the same two ports; a second address that cannot be bound is reported and skipped, the first one
// still serves; a first address that cannot be bound fails the open and closes what was opened.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IkeInitiator } from '../../ike/initiator.ts';
import { IkeResponder } from '../../ike/responder.ts';
import { pem, testPool } from '../../ike/test-support.ts';
import { TransportError } from '../../net/transport.ts';
import { type IpAddress, Ipv4Address, Ipv6Address } from '../../util/ip-address.ts';
import { akaHaConfig, akaUeConfig, EventLog, set1Store } from '../ike/test-support.ts';
import { sameAddress } from './address-aliases.ts';
import type { DatagramTraceEvent } from './datagram-trace.ts';
import { IkeDatagramEndpoint } from './ike-datagram-endpoint.ts';
import { NodeTransportProvider } from './transport-provider.ts';

const V4 = Ipv4Address.parse('127.0.0.1');
const V6 = Ipv6Address.parse('::1');
const IMSI = '001010000000001';

function responder(
  provider: NodeTransportProvider,
  log: EventLog,
  more: readonly IpAddress[],
  extra: {
    readonly address?: IpAddress;
    readonly onAddressUnavailable?: (a: IpAddress, e: TransportError) => void;
  } = {},
) {
  return IkeDatagramEndpoint.open(
    provider,
    { address: V4, moreAddresses: more, ikePort: 0, natTPort: 0, onEvent: log.push, ...extra },
    (local) =>
      new IkeResponder(
        akaHaConfig({
          local,
          certPem: pem('ha-ecdsa.pem'),
          keyPem: pem('ha-ecdsa.key'),
          identity: 'ha.dsmip.test',
          store: set1Store(IMSI),
          pool: testPool(),
        }),
      ),
  );
}

async function attachFrom(
  provider: NodeTransportProvider,
  ha: IkeDatagramEndpoint<IkeResponder>,
  address: IpAddress,
): Promise<void> {
  const log = new EventLog();
  const ue = await IkeDatagramEndpoint.open(
    provider,
    { address, ikePort: 0, natTPort: 0, onEvent: log.push },
    (local) => {
      const remote = { address, port: ha.local.ikePort, natTPort: ha.local.natTPort };
      return new IkeInitiator(
        akaUeConfig({
          local,
          remote,
          imsi: IMSI,
          caCertPem: pem('ca-ecdsa.pem'),
          apn: 'ha.dsmip.test',
          homeAgentAddress: Ipv6Address.parse('2001:db8:ffff::1'),
        }),
      );
    },
  );
  try {
    ue.run((engine, now) => engine.connect(now));
    await log.waitFor((l) => l.of('child-sa-established').length === 2, `Child SAs over ${address}`);
  } finally {
    ue.close();
  }
}

test('IKE on an IPv4 and an IPv6 address: one engine, each UE answered from the address it reached', async () => {
  const trace: DatagramTraceEvent[] = [];
  const provider = new NodeTransportProvider({ onTrace: (e) => trace.push(e) });
  const haLog = new EventLog();
  const ha = await responder(provider, haLog, [V6]);
  try {
    assert.deepEqual(
      ha.locals.map((l) => [l.address.toString(), l.ikePort, l.natTPort]),
      [
        ['127.0.0.1', ha.local.ikePort, ha.local.natTPort],
        ['::1', ha.local.ikePort, ha.local.natTPort],
      ],
    );
    await attachFrom(provider, ha, V4);
    await attachFrom(provider, ha, V6);
    assert.equal(ha.engine.ikeSaCount, 2);
    const sentBy = (a: IpAddress) =>
      trace
        .filter((e) => e.direction === 'sent' && e.label === 'ike' && e.localPort === ha.local.ikePort)
        .filter((e) => sameAddress(e.local, a) && sameAddress(e.remote, a)).length;
    // IKE_SA_INIT, three IKE_AUTH rounds and CREATE_CHILD_SA answered on each family's own socket.
    assert.ok(sentBy(V4) >= 5 && sentBy(V6) >= 5, `${sentBy(V4)} ${sentBy(V6)}`);
  } finally {
    ha.close();
    await provider.closeAll();
  }
});

test('a second IKE address that cannot be bound: reported and skipped, the first one still serves', async () => {
  const provider = new NodeTransportProvider();
  const missing = Ipv6Address.parse('2001:db8:7::77');
  const unavailable: [string, string][] = [];
  const ha = await responder(provider, new EventLog(), [missing], {
    onAddressUnavailable: (a, e) => unavailable.push([a.toString(), e.code]),
  });
  try {
    assert.deepEqual(unavailable, [['2001:db8:7::77', 'ADDRESS_NOT_AVAILABLE']]);
    assert.deepEqual(
      ha.locals.map((l) => l.address.toString()),
      ['127.0.0.1'],
    );
    assert.equal(provider.openCount, 2, 'the two sockets of the first address');
    await attachFrom(provider, ha, V4);
    assert.equal(ha.engine.ikeSaCount, 1);
  } finally {
    ha.close();
    await provider.closeAll();
  }
});

test('a first IKE address that cannot be bound: the error, and nothing left open', async () => {
  const provider = new NodeTransportProvider();
  await assert.rejects(
    responder(provider, new EventLog(), [V6], { address: Ipv4Address.parse('192.0.2.77') }),
    (e: unknown) => e instanceof TransportError && e.code === 'ADDRESS_NOT_AVAILABLE',
  );
  // Closed by the endpoint, released by the kernel a moment later.
  for (let i = 0; i < 100 && provider.openCount > 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(provider.openCount, 0);
});
