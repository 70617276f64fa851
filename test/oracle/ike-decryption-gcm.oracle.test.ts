/**
 * Oracle: Wireshark decrypts our AES-GCM-16-256 IKE traffic with the keys of our key-log event, which checks the
 * SKEYSEED and key split with the GCM salt (RFC 7296 §2.14, RFC 5282 §7.1), the SK layout and the nonce and AAD
 * (RFC 5282 §3, §5.1) independently of our code.
 */
import { test } from 'node:test';
import { checkDecryption } from './ike-decryption.ts';

test('tshark decrypts every protected message of an AES-GCM attach with our key log', async () => {
  await checkDecryption();
});
