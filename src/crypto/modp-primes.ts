/**
 * The MODP primes used by IKEv2 Diffie-Hellman groups 2, 14 and 15; the generator is 2 in all three.
 * Group 2 is the 1024-bit "Second Oakley Group" (RFC 2409 §6.2); 14 and 15 are RFC 3526 §3 and §4.
 * Written as in the RFCs: 32-bit words in hex, most significant first.
 */

export const MODP_GENERATOR = 2;

/** 2^1024 − 2^960 − 1 + 2^64 × ([2^894 π] + 129093) (RFC 2409 §6.2). */
export const MODP_1024_PRIME =
  'ffffffff ffffffff c90fdaa2 2168c234 c4c6628b 80dc1cd1 29024e08 8a67cc74' +
  '020bbea6 3b139b22 514a0879 8e3404dd ef9519b3 cd3a431b 302b0a6d f25f1437' +
  '4fe1356d 6d51c245 e485b576 625e7ec6 f44c42e9 a637ed6b 0bff5cb6 f406b7ed' +
  'ee386bfb 5a899fa5 ae9f2411 7c4b1fe6 49286651 ece65381 ffffffff ffffffff';

/** 2^2048 − 2^1984 − 1 + 2^64 × ([2^1918 π] + 124476) (RFC 3526 §3). */
export const MODP_2048_PRIME =
  'ffffffff ffffffff c90fdaa2 2168c234 c4c6628b 80dc1cd1 29024e08 8a67cc74' +
  '020bbea6 3b139b22 514a0879 8e3404dd ef9519b3 cd3a431b 302b0a6d f25f1437' +
  '4fe1356d 6d51c245 e485b576 625e7ec6 f44c42e9 a637ed6b 0bff5cb6 f406b7ed' +
  'ee386bfb 5a899fa5 ae9f2411 7c4b1fe6 49286651 ece45b3d c2007cb8 a163bf05' +
  '98da4836 1c55d39a 69163fa8 fd24cf5f 83655d23 dca3ad96 1c62f356 208552bb' +
  '9ed52907 7096966d 670c354e 4abc9804 f1746c08 ca18217c 32905e46 2e36ce3b' +
  'e39e772c 180e8603 9b2783a2 ec07a28f b5c55df0 6f4c52c9 de2bcbf6 95581718' +
  '3995497c ea956ae5 15d22618 98fa0510 15728e5a 8aacaa68 ffffffff ffffffff';

/** 2^3072 − 2^3008 − 1 + 2^64 × ([2^2942 π] + 1690314) (RFC 3526 §4). */
export const MODP_3072_PRIME =
  'ffffffff ffffffff c90fdaa2 2168c234 c4c6628b 80dc1cd1 29024e08 8a67cc74' +
  '020bbea6 3b139b22 514a0879 8e3404dd ef9519b3 cd3a431b 302b0a6d f25f1437' +
  '4fe1356d 6d51c245 e485b576 625e7ec6 f44c42e9 a637ed6b 0bff5cb6 f406b7ed' +
  'ee386bfb 5a899fa5 ae9f2411 7c4b1fe6 49286651 ece45b3d c2007cb8 a163bf05' +
  '98da4836 1c55d39a 69163fa8 fd24cf5f 83655d23 dca3ad96 1c62f356 208552bb' +
  '9ed52907 7096966d 670c354e 4abc9804 f1746c08 ca18217c 32905e46 2e36ce3b' +
  'e39e772c 180e8603 9b2783a2 ec07a28f b5c55df0 6f4c52c9 de2bcbf6 95581718' +
  '3995497c ea956ae5 15d22618 98fa0510 15728e5a 8aaac42d ad33170d 04507a33' +
  'a85521ab df1cba64 ecfb8504 58dbef0a 8aea7157 5d060c7d b3970f85 a6e1e4c7' +
  'abf5ae8c db0933d7 1e8c94e0 4a25619d cee3d226 1ad2ee6b f12ffa06 d98a0864' +
  'd8760273 3ec86a64 521f2b18 177b200c bbe11757 7a615d6c 770988c0 bad946e2' +
  '08e24fa0 74e5ab31 43db5bfc e0fd108e 4b82d120 a93ad2ca ffffffff ffffffff';
