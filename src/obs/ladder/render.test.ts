import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ipv4Address } from '../../util/ip-address.ts';
import { escapeHtml, renderLadderHtml } from './render-html.ts';
import { type AttachSummary, renderSummaryText } from './render-summary.ts';
import { renderLadderText, wrapText } from './render-text.ts';
import { phaseTimings, type TraceEntry } from './trace.ts';

const NAME = 'internet.ha-apn.mnc001.mcc001.pub.3gppnetwork.org';
const ENTRIES: readonly TraceEntry[] = [
  { tMs: 0, from: 'UE', to: 'DNS', protocol: 'DNS', summary: `query AAAA ${NAME}`, phase: 'discovery' },
  {
    tMs: 1.25,
    from: 'DNS',
    to: 'UE',
    protocol: 'DNS',
    summary: `response AAAA ${NAME}: AAAA 2001:db8:1::1`,
    phase: 'discovery',
  },
  {
    tMs: 2,
    from: 'UE',
    to: 'HA',
    protocol: 'IKE',
    summary: 'IKE_SA_INIT request #0 SA KE Ni N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP)',
    bytes: 268,
    details: ['IPv4 192.168.1.20 → 192.0.2.1 | UDP 500 → 500'],
    phase: 'ike',
  },
  { tMs: 30, from: 'UE', to: 'UE', protocol: 'local', summary: 'HoA 2001:db8:100:1::5 formed', phase: 'ike' },
  {
    tMs: 31.5,
    from: 'HA',
    to: 'UE',
    protocol: 'MH',
    summary: 'BA status=0 (accepted) seq=7 lifetime=3600s K R IPv4Ack=0 10.10.0.7 NATD F refresh=110s',
    phase: 'registration',
  },
];

test('the text ladder: lanes, arrows, time offsets and wrapped summaries', () => {
  const expected = [
    '    t/ms  UE        DNS       HA',
    `     0.0  |-------->|         |  DNS    query AAAA ${NAME}`,
    '     1.3  |<--------|         |  DNS    response AAAA',
    `          |         |         |         ${NAME}: AAAA`,
    '          |         |         |         2001:db8:1::1',
    '     2.0  |---------+-------->|  IKE    IKE_SA_INIT request #0 SA KE Ni N(NAT_DETECTION_SOURCE_IP)',
    '          |         |         |         N(NAT_DETECTION_DESTINATION_IP)',
    '    30.0  *         |         |  local  HoA 2001:db8:100:1::5 formed',
    '    31.5  |<--------+---------|  MH     BA status=0 (accepted) seq=7 lifetime=3600s K R IPv4Ack=0',
    '          |         |         |         10.10.0.7 NATD F refresh=110s',
    '',
  ].join('\n');
  assert.equal(renderLadderText(ENTRIES, { width: 100 }), expected);
});

test('widths stay within 100–120 columns, with or without details; no ANSI unless asked', () => {
  for (const width of [100, 110, 120]) {
    const text = renderLadderText(ENTRIES, { width, showDetails: true, showBytes: true });
    for (const line of text.split('\n')) assert.ok(line.length <= width, `${width}: ${line}`);
    assert.ok(!text.includes('\u001b'));
    assert.match(text, /\[268 B\]/);
    assert.match(text, /IPv4 192\.168\.1\.20 → 192\.0\.2\.1 \| UDP 500 → 500/);
  }
  const many = ['UE', 'NAT', 'DNS', 'DHCP', 'HA', 'AAA', 'CN'];
  const wide = renderLadderText([{ tMs: 0, from: 'UE', to: 'CN', protocol: 'ICMPv6', summary: 'Echo Request' }], {
    columns: many,
    width: 100,
  });
  for (const line of wide.split('\n')) assert.ok(line.length <= 100, line);
  assert.match(wide, /^ {4}t\/ms {2}UE {4}NAT/);
  const oneLine = renderLadderText(ENTRIES, { width: 100, wrap: false }).trimEnd().split('\n');
  assert.equal(oneLine.length, 1 + ENTRIES.length);
  assert.ok(oneLine.every((line) => line.length <= 100));
  assert.ok(oneLine[5]!.endsWith('lifetime=3600s K R IPv4Ack=0 1…'), oneLine[5]);
  const coloured = renderLadderText(ENTRIES, { color: true });
  assert.ok(coloured.includes('\u001b[34m'));
  assert.throws(() => renderLadderText(ENTRIES, { columns: ['UE', 'HA'] }), RangeError);
});

test('wrapping keeps words whole unless one is longer than the line', () => {
  assert.deepEqual(wrapText('aa bb cc', 5), ['aa bb', 'cc']);
  assert.deepEqual(wrapText('abcdefghij k', 4), ['abcd', 'efgh', 'ij k']);
  assert.deepEqual(wrapText('', 10), ['']);
});

const SUMMARY: AttachSummary = {
  title: 'Attach of 001010000000001',
  homeAgent: '2001:db8:1::1',
  nat: 'detected: BA in UDP (NAT Detection F=1)',
  ipv4HomeAddress: Ipv4Address.parse('10.10.0.7'),
  dnsServers: ['2001:db8:53::53', '192.0.2.53'],
  vendorOptions: [
    {
      source: 'DHCPv6',
      enterpriseNumber: 10415,
      subOptions: [
        { code: 1, data: Uint8Array.of(192, 168, 1, 1) },
        { code: 2, data: new TextEncoder().encode('ims.example.net') },
      ],
    },
    { source: 'DHCPv4', enterpriseNumber: 10415, subOptions: [{ code: 1, data: Uint8Array.of(1) }] },
  ],
  phases: phaseTimings(ENTRIES),
  extra: [['IKE SA', 'AES-GCM-16-256, X25519']],
  notes: ['<UDP> & "F=1" asked for: no raw sockets without root'],
};

test('the summary block lists results and time per phase', () => {
  assert.equal(
    renderSummaryText(SUMMARY),
    [
      'Attach of 001010000000001',
      '  Home agent         2001:db8:1::1',
      '  NAT                detected: BA in UDP (NAT Detection F=1)',
      '  IPv4 home address  10.10.0.7',
      '  DNS servers        2001:db8:53::53, 192.0.2.53',
      '  Vendor options     DHCPv6 3GPP (10415): 1=c0a80101 2="ims.example.net"',
      '                     DHCPv4 3GPP (10415): 1=01',
      '  IKE SA             AES-GCM-16-256, X25519',
      '  Notes              <UDP> & "F=1" asked for: no raw sockets without root',
      '  Time per phase     discovery         1.3 ms  #',
      '                     ike              28.8 ms  ##############################',
      '                     registration      1.5 ms  ##',
      '                     total            31.5 ms',
      '',
    ].join('\n'),
  );
  assert.equal(renderSummaryText({}), 'Summary\n');
});

/**
 * Checks that `html` is well-formed: every tag closed in order (void elements written `<x />`), attribute values
 * quoted, no bare `<` or `&` in text. Returns the element names in document order.
 */
function checkWellFormed(html: string): string[] {
  const body = html.replace(/^<!DOCTYPE html>\n/, '');
  const stack: string[] = [];
  const seen: string[] = [];
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z][a-zA-Z0-9:-]*="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === '<') {
      tag.lastIndex = i;
      const m = tag.exec(body);
      assert.ok(m, `malformed tag at ${i}: ${body.slice(i, i + 40)}`);
      const [, closing, name, , selfClosing] = m;
      if (closing) assert.equal(stack.pop(), name, `unbalanced </${name}> at ${i}`);
      else if (!selfClosing) stack.push(name!);
      if (!closing) seen.push(name!);
      i = tag.lastIndex;
    } else if (c === '&') {
      assert.match(body.slice(i, i + 8), /^&(amp|lt|gt|quot|#39);/, `bare & at ${i}`);
      i++;
    } else {
      assert.notEqual(c, '>', `bare > at ${i}: ${body.slice(i - 20, i + 5)}`);
      i++;
    }
  }
  assert.deepEqual(stack, []);
  return seen;
}

test('the HTML page is self-contained, well-formed and escapes every text', () => {
  const hostile: TraceEntry = {
    tMs: 40,
    from: 'HA',
    to: 'UE',
    protocol: 'DHCP<v6>',
    summary: 'Reply <script>alert("x")</script> & more',
    details: ['<b>detail</b>'],
    bytes: 99,
  };
  const html = renderLadderHtml([...ENTRIES, hostile], { title: 'Attach <1>', summary: SUMMARY });
  const elements = checkWellFormed(html);
  for (const e of ['html', 'head', 'style', 'body', 'svg', 'line', 'text', 'table', 'dl'])
    assert.ok(elements.includes(e), e);
  assert.ok(!elements.includes('script'));
  assert.ok(!elements.includes('b'));
  assert.ok(html.includes('Reply &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more'));
  assert.ok(html.includes('<title>Attach &lt;1&gt;</title>'));
  assert.ok(html.includes('class="msg proto-dhcpv6"'));
  assert.ok(html.includes('&lt;UDP&gt; &amp; &quot;F=1&quot;'));
  // Nothing fetched from elsewhere: the only URL is the SVG namespace name.
  assert.deepEqual(html.match(/https?:\/\/[^"\s]*/g), ['http://www.w3.org/2000/svg']);
  assert.equal(escapeHtml(`<a href='x'>&</a>`), '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
});
