export * from './discovery-runner.ts';
export * from './netns-udp.ts';
