export * from './aka.ts';
export * from './aka-attributes.ts';
export * from './constants.ts';
export * from './eap.ts';
export * from './eap-aka.ts';
