export * from './constants.ts';
export * from './domain-name.ts';
export * from './duid.ts';
export * from './home-network.ts';
export * from './message.ts';
export * from './option-types.ts';
