export * from './constants.ts';
export * from './pco.ts';
