export * from './decryptor.ts';
export * from './dissect.ts';
export * from './dissection.ts';
export * from './link.ts';
