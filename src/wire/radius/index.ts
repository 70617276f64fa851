export * from './attributes.ts';
export * from './authenticator.ts';
export * from './constants.ts';
export * from './mppe.ts';
export * from './packet.ts';
export * from './vendor.ts';
