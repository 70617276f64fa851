import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../util/errors.ts';
import { fromHex, toHex } from '../util/hex.ts';
import { Ipv6Address } from '../util/ip-address.ts';
import { decodeDhcpv6Message, encodeDhcpv6Message } from '../wire/dhcpv6/message.ts';
import { ascii } from './test-support.ts';
import { dhcpv6RelayConfig, isGlobalScope, relayForward, relayReply } from './v6-relay.ts';

const v6 = (s: string) => Ipv6Address.parse(s);
const HOA = v6('2001:db8:1:2::1');
const CONFIG = dhcpv6RelayConfig({
  linkAddress: v6('2001:db8:1:2::fffe'),
  relayAddress: v6('fd77::2'),
  serverAddresses: [v6('fd77::1')],
});
/** An Information-request as a UE sends it: 0b 123456 | elapsed time 0 | ORO 17 23. */
const IR = fromHex('0b123456' + '000800020000' + '0006000400110017');

test('Relay-forward of a UE message (RFC 8415 §19.1.1): hop 0, link-address of the home link, peer = HoA, Interface-Id, message unchanged', () => {
  const r = relayForward(IR, HOA, ascii('b1'), CONFIG);
  assert.ok(r.kind === 'forward');
  const [d] = r.transmits;
  assert.ok(d);
  assert.deepEqual(
    [String(d.source), String(d.destination), d.sourcePort, d.destinationPort],
    ['fd77::2', 'fd77::1', 547, 547],
  );
  assert.equal(
    toHex(d.payload),
    '0c00' +
      '20010db800010002000000000000fffe' +
      '20010db8000100020000000000000001' +
      '001200026231' +
      `0009${IR.length.toString(16).padStart(4, '0')}${toHex(IR)}`,
  );
});

test('a Relay-forward from behind the UE gets hop-count + 1 and link-address 0 (its source is global, §19.1.2)', () => {
  const inner = encodeDhcpv6Message({
    kind: 'relay',
    msgType: 12,
    hopCount: 3,
    linkAddress: v6('2001:db8:9::1'),
    peerAddress: v6('fe80::1'),
    options: [{ kind: 'unknown', code: 9, data: IR }],
  });
  const r = relayForward(inner, HOA, ascii('b1'), CONFIG);
  assert.ok(r.kind === 'forward');
  const m = decodeDhcpv6Message(r.transmits[0]!.payload);
  assert.ok(m.kind === 'relay');
  assert.equal(m.hopCount, 4);
  assert.equal(String(m.linkAddress), '::');
  const atLimit = fromHex(toHex(inner).replace(/^0c03/, '0c08'));
  assert.deepEqual(relayForward(atLimit, HOA, ascii('b1'), CONFIG), { kind: 'drop', reason: 'hop-count-limit' });
});

test('what the relay does not forward from the UE side', () => {
  assert.deepEqual(relayForward(new Uint8Array(0), HOA, ascii('b'), CONFIG), { kind: 'drop', reason: 'malformed' });
  assert.deepEqual(relayForward(fromHex('0c00'), HOA, ascii('b'), CONFIG), { kind: 'drop', reason: 'malformed' });
  assert.deepEqual(relayForward(fromHex('0d00'), HOA, ascii('b'), CONFIG), {
    kind: 'drop',
    reason: 'relay-reply-from-client',
  });
  // An unknown message type is relayed all the same (RFC 8415 §19, RFC 7283).
  assert.equal(relayForward(fromHex('fe010203'), HOA, ascii('b'), CONFIG).kind, 'forward');
});

test('Relay-reply: the inner message is handed back byte for byte, with the peer and the Interface-Id', () => {
  // A Reply whose HNP option has a 9-octet prefix field: decoding and re-encoding would write 17 (DHCP-2).
  const innerReply = fromHex('07123456' + '0002000a0002000028af00000001' + '004700094020010db800010002');
  const relayReplyBytes = encodeDhcpv6Message({
    kind: 'relay',
    msgType: 13,
    hopCount: 0,
    linkAddress: v6('2001:db8:1:2::fffe'),
    peerAddress: HOA,
    options: [
      { kind: 'interface-id', interfaceId: ascii('b1') },
      { kind: 'unknown', code: 9, data: innerReply },
    ],
  });
  const r = relayReply(relayReplyBytes);
  assert.ok(r.kind === 'deliver');
  assert.equal(toHex(r.payload), toHex(innerReply));
  assert.equal(String(r.peerAddress), '2001:db8:1:2::1');
  assert.deepEqual(r.interfaceId, ascii('b1'));
  assert.equal(r.destinationPort, 546);
  // A nested Relay-reply is for a relay behind the UE: port 547 (RFC 8415 §7.2).
  const nested = encodeDhcpv6Message({
    kind: 'relay',
    msgType: 13,
    hopCount: 1,
    linkAddress: Ipv6Address.ANY,
    peerAddress: HOA,
    options: [{ kind: 'unknown', code: 9, data: relayReplyBytes }],
  });
  const n = relayReply(nested);
  assert.ok(n.kind === 'deliver');
  assert.equal(n.destinationPort, 547);
  assert.equal(n.interfaceId, undefined);
});

test('Relay-replies the relay drops', () => {
  const noMsg = encodeDhcpv6Message({
    kind: 'relay',
    msgType: 13,
    hopCount: 0,
    linkAddress: Ipv6Address.ANY,
    peerAddress: HOA,
    options: [{ kind: 'interface-id', interfaceId: ascii('b1') }],
  });
  assert.deepEqual(relayReply(noMsg), { kind: 'drop', reason: 'no-relay-message' });
  assert.deepEqual(relayReply(IR), { kind: 'drop', reason: 'not-relay-reply' });
  assert.deepEqual(relayReply(noMsg.subarray(0, 38)), { kind: 'drop', reason: 'malformed' });
  assert.deepEqual(relayReply(new Uint8Array(0)), { kind: 'drop', reason: 'malformed' });
});

test('configuration: link-address must be global; All_DHCP_Servers by default', () => {
  assert.throws(
    () => dhcpv6RelayConfig({ linkAddress: v6('fe80::1'), relayAddress: v6('fd77::2') }),
    (e: unknown) => e instanceof ConfigError && e.path === 'ha.dhcp.v6Relay.linkAddress',
  );
  const c = dhcpv6RelayConfig({ linkAddress: v6('fd00::1'), relayAddress: v6('fd77::2') });
  assert.deepEqual(c.serverAddresses.map(String), ['ff05::1:3']);
  assert.deepEqual(
    ['::', '::1', 'fe80::1', 'ff02::1:2', 'fd00::1', '2001:db8::1'].map((a) => isGlobalScope(v6(a))),
    [false, false, false, false, true, true],
  );
});

test('any bytes from either side: a result, never an exception', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
      assert.ok(['forward', 'drop'].includes(relayForward(bytes, HOA, ascii('x'), CONFIG).kind));
      assert.ok(['deliver', 'drop'].includes(relayReply(bytes).kind));
    }),
  );
});
