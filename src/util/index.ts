export * from './bytes.ts';
export * from './checksum.ts';
export * from './errors.ts';
export * from './fifo.ts';
export * from './hex.ts';
export * from './ip-address.ts';
export * from './reader.ts';
export * from './writer.ts';
