export * from './constants.ts';
export * from './message.ts';
export * from './options.ts';
