export * from './demo-framing.ts';
export * from './demo-lab.ts';
export * from './demo-namespace.ts';
export * from './demo-notes.ts';
export * from './demo-summary.ts';
export * from './demo-trace.ts';
export * from './run-demo.ts';
