export * from './demo-lab.ts';
export * from './demo-summary.ts';
export * from './demo-trace.ts';
export * from './run-demo.ts';
