export * from './event-queue.ts';
export * from './link.ts';
export * from './nat.ts';
export * from './network.ts';
export * from './random.ts';
export * from './sim-transport.ts';
export * from './udp-host.ts';
