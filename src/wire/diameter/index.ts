export * from './avp.ts';
export * from './constants.ts';
export * from './message.ts';
export * from './reassembler.ts';
export * from './values.ts';
