export * from './algorithms.ts';
export * from './esp-sa-table.ts';
export * from './ikev2-table.ts';
export * from './key-file.ts';
export * from './key-log-decryptor.ts';
export * from './open-protected.ts';
export * from './uat.ts';
