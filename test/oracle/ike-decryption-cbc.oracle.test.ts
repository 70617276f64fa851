/**
 * Oracle: Wireshark decrypts our AES-CBC-128 + HMAC-SHA2-256-128 IKE traffic with the keys of our key-log event
 * (RFC 7296 §2.14 key split with integrity keys, §3.14 SK layout with the random IV and block padding).
 */
import { test } from 'node:test';
import { CBC_PROPOSALS, checkDecryption } from './ike-decryption.ts';

test('tshark decrypts every protected message of an AES-CBC attach with our key log', async () => {
  await checkDecryption(CBC_PROPOSALS);
});
