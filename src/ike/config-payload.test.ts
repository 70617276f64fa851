import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex } from '../util/hex.ts';
import { Ipv4Address, Ipv6Address } from '../util/ip-address.ts';
import { CpAttributeType } from '../wire/ike/constants.ts';
import { decodeIkePayloads, encodeIkePayloads } from '../wire/ike/message.ts';
import {
  buildCfgReply,
  buildCfgRequest,
  formHomeAddress,
  parseCfgReply,
  replyHomeAddress,
  summariseCfgRequest,
} from './config-payload.ts';

const PREFIX = { prefix: Ipv6Address.parse('2001:db8:1::'), prefixLength: 64, lifetimeSec: 3600 };
const DNS6 = [Ipv6Address.parse('2001:db8::53'), Ipv6Address.parse('2001:db8::54')];
const DNS4 = [Ipv4Address.parse('192.0.2.53')];

test('CFG_REQUEST: empty MIP6_HOME_PREFIX, then the optional attributes, all zero length (RFC 5026 §5.3.2)', () => {
  const cp = buildCfgRequest({ requestIpv6Dns: true, requestIpv4Dns: true, requestIpv6Address: true });
  assert.deepEqual(encodeIkePayloads([cp]), fromHex('00 00 0018 01000000 0010 0000 0008 0000 000a 0000 0003 0000'));
  assert.deepEqual(summariseCfgRequest(cp), { homePrefix: true, ipv6Dns: true, ipv4Dns: true, ipv6Address: null });
  const bare = buildCfgRequest({ requestIpv6Dns: false, requestIpv4Dns: false, requestIpv6Address: false });
  assert.deepEqual(encodeIkePayloads([bare]), fromHex('00 00 000c 01000000 0010 0000'));
});

test('CFG_REPLY: the 21-byte MIP6_HOME_PREFIX (lifetime, prefix, length), then DNS of the requested families', () => {
  const request = { homePrefix: true, ipv6Dns: true, ipv4Dns: false, ipv6Address: undefined };
  const cp = buildCfgReply(request, { homePrefix: PREFIX, ipv6Dns: DNS6, ipv4Dns: DNS4 });
  assert.deepEqual(
    encodeIkePayloads([cp]),
    fromHex(
      `00 00 0049 02000000
       0010 0015 00000e10 20010db8000100000000000000000000 40
       000a 0010 20010db8000000000000000000000053
       000a 0010 20010db8000000000000000000000054`,
    ),
  );
  const back = parseCfgReply(cp);
  assert.deepEqual(back, { homePrefix: PREFIX, assignedAddress: undefined, ipv6Dns: DNS6, ipv4Dns: [] });
  // Decoded from bytes, as the UE sees it.
  const [decoded] = decodeIkePayloads(47, encodeIkePayloads([cp]));
  assert.ok(decoded?.kind === 'cp');
  assert.deepEqual(parseCfgReply(decoded).homePrefix, PREFIX);
});

test('a proposed INTERNAL_IP6_ADDRESS inside the prefix is confirmed; outside it, or empty, is not answered', () => {
  const inside = Ipv6Address.parse('2001:db8:1::77');
  const ask = (ipv6Address: Ipv6Address | null) =>
    buildCfgReply(
      { homePrefix: true, ipv6Dns: false, ipv4Dns: false, ipv6Address },
      { homePrefix: PREFIX, ipv6Dns: [], ipv4Dns: [] },
    );
  assert.deepEqual(parseCfgReply(ask(inside)).assignedAddress, inside);
  assert.equal(parseCfgReply(ask(Ipv6Address.parse('2001:db8:2::77'))).assignedAddress, undefined);
  assert.equal(ask(null).attributes.length, 1);
  assert.equal(
    ask(inside).attributes.some((a) => a.kind === 'ipv6-prefix' && a.type === CpAttributeType.INTERNAL_IP6_ADDRESS),
    true,
  );
});

test('the Home Address: prefix bits from the prefix, the rest from the interface identifier', () => {
  const iid = fromHex('0000000000000042');
  assert.equal(formHomeAddress(PREFIX, iid).toString(), '2001:db8:1::42');
  assert.equal(
    formHomeAddress({ ...PREFIX, prefixLength: 72 }, fromHex('ffffffffffffffff')).toString(),
    '2001:db8:1:0:ff:ffff:ffff:ffff',
  );
  assert.equal(
    formHomeAddress({ ...PREFIX, prefix: Ipv6Address.parse('2001:db8:1::1234'), prefixLength: 48 }, iid).toString(),
    '2001:db8:1::42',
  );
  assert.throws(() => formHomeAddress(PREFIX, new Uint8Array(4)), RangeError);
});

test('INTERNAL_IP6_ADDRESS without MIP6_HOME_PREFIX: the HA assigns a Home Address in the prefix (RFC 5026 §5.3.1)', () => {
  const ask = (ipv6Address: Ipv6Address | null) =>
    buildCfgReply(
      { homePrefix: false, ipv6Dns: false, ipv4Dns: false, ipv6Address },
      { homePrefix: PREFIX, ipv6Dns: [], ipv4Dns: [] },
    );
  // Only the address goes back (no MIP6_HOME_PREFIX was asked for): prefix::1 with the prefix length.
  assert.deepEqual(
    encodeIkePayloads([ask(null)]),
    fromHex('00 00 001d 02000000 0008 0011 20010db8000100000000000000000001 40'),
  );
  const inside = Ipv6Address.parse('2001:db8:1::77');
  assert.deepEqual(parseCfgReply(ask(inside)).assignedAddress, inside);
  // A proposal outside the prefix is replaced by the HA's choice (RFC 5026 §5.3.2: "assigns a different Home Address").
  assert.equal(parseCfgReply(ask(Ipv6Address.parse('2001:db8:2::77'))).assignedAddress?.toString(), '2001:db8:1::1');
  assert.equal(
    replyHomeAddress({ homePrefix: false, ipv6Dns: false, ipv4Dns: false, ipv6Address: undefined }, PREFIX),
    undefined,
  );
});
