/**
 * strongSwan's eap-radius plugin (Debian libcharon-extra-plugins) as a second RADIUS client against OUR RADIUS
 * server: a charon HA responder passes EAP through to our server on loopback (RFC 3579), our server runs the
 * embedded EAP-AKA server over a subscriber store (TS 35.208 set 1), a charon UE with eap-aka-3gpp initiates.
 * The IKE SA is established only if charon decrypted our MS-MPPE keys into the MSK the UE derived (the AUTH
 * payloads use it, RFC 7296 §2.16). tshark dissects the RADIUS datagrams our server saw and sent.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ensureStrongswan } from '../../../scripts/peers/strongswan.ts';
import { initialHeSqnState } from '../../../src/crypto/index.ts';
import { InMemorySubscriberStore } from '../../../src/eap/subscriber.ts';
import { startRadiusServer } from '../../../src/node/aaa/radius-server.ts';
import { eapAkaServerFactory } from '../../../src/node/ike/eap-adapters.ts';
import { listSas } from '../../../src/node/vici/commands.ts';
import { fromHex } from '../../../src/util/hex.ts';
import { Ipv4Address } from '../../../src/util/ip-address.ts';
import { buildUdp4 } from '../../../src/wire/ip/build.ts';
import { findAll, findField, hasMalformed, tsharkDecode } from '../../oracle/tshark.ts';
import { startHaResponder } from './ha-responder.ts';
import { TEST_IMSI, TEST_NAI, TS35208_SET1 } from './identities.ts';
import { startUeInitiator } from './ue-initiator.ts';

const SECRET = 'charon-radius-secret';

before(() => {
  ensureStrongswan();
});

test('charon HA with eap-radius → our RadiusServer (embedded EAP-AKA) ← charon UE: the IKE SA establishes', async () => {
  const store = new InMemorySubscriberStore([
    {
      imsi: TEST_IMSI,
      k: fromHex(TS35208_SET1.k),
      opc: fromHex(TS35208_SET1.opc),
      amf: fromHex('8000'),
      sqn: initialHeSqnState(),
    },
  ]);
  const seen: { direction: 'in' | 'out'; port: number; bytes: Uint8Array }[] = [];
  const server = await startRadiusServer({
    port: 0,
    clients: [{ address: '127.0.0.1', secret: SECRET }],
    eapServerFactory: eapAkaServerFactory({ store, random: (n) => crypto.getRandomValues(new Uint8Array(n)) }),
    onDatagram: (d) => seen.push(d),
  });
  const ha = await startHaResponder({ radius: { address: '127.0.0.1', port: server.port, secret: SECRET } });
  let failed = false;
  const ue = await startUeInitiator({ remoteHost: '127.0.0.1', remotePort: ha.port, caCertPem: ha.caCertPem });
  try {
    const result = await ue.initiate();
    assert.ok(result.success, result.log.join('\n'));
    const [ueSa] = await listSas(ue.charon.vici);
    assert.equal(ueSa?.state, 'ESTABLISHED');
    const [haSa] = await listSas(ha.charon.vici, { ike: ha.connection });
    assert.equal(haSa?.state, 'ESTABLISHED');
    assert.equal(haSa?.remoteId, TEST_NAI);
    assert.equal(server.counters.accepts, 1);
    assert.equal(
      server.counters.drops['bad-message-authenticator'] + server.counters.drops['missing-message-authenticator'],
      0,
    );
    assert.match(ha.charon.log(), /RADIUS authentication of '[^']+' successful/);

    const layers = await tsharkDecode(
      seen.map((d) =>
        buildUdp4({
          src: Ipv4Address.parse('127.0.0.1'),
          dst: Ipv4Address.parse('127.0.0.1'),
          sourcePort: d.direction === 'in' ? d.port : 1812,
          destinationPort: d.direction === 'in' ? 1812 : d.port,
          payload: d.bytes,
        }),
      ),
      ['-o', `radius.shared_secret:${SECRET}`, '-o', 'radius.validate_authenticator:TRUE'],
    );
    for (const l of layers) assert.equal(hasMalformed(l), false);
    const codes = layers.map((l) => findField(l.radius, 'radius.code'));
    assert.equal(codes.at(-1), '2'); // Access-Accept
    for (const l of layers.filter((_, i) => seen[i]!.direction === 'out')) {
      assert.equal(findField(l.radius, 'radius.authenticator.valid'), '1');
    }
    // charon's requests carry Message-Authenticator (it is what our server requires), and EAP-AKA inside.
    assert.ok(
      layers
        .filter((_, i) => seen[i]!.direction === 'in')
        .every((l) => findField(l.radius, 'radius.Message_Authenticator')),
    );
    assert.ok(findAll(layers, 'eap.type').includes('23'));
  } catch (e) {
    failed = true;
    throw new Error(`${String(e)}\n(logs kept in ${ha.charon.dir} and ${ue.charon.dir})`, { cause: e });
  } finally {
    await ue.charon.dispose(failed);
    await ha.charon.dispose(failed);
    await server.close();
  }
});
