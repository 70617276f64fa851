export * from './drive.ts';
export * from './resolver.ts';
