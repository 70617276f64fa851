export * from './alignment.ts';
export * from './constants.ts';
export * from './dns-name.ts';
export * from './header.ts';
export * from './messages.ts';
export * from './option-list.ts';
export * from './options.ts';
