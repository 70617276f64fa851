export * from './base-messages.ts';
export * from './client-router.ts';
export * from './eap-client.ts';
export * from './eap-server-app.ts';
export * from './identifiers.ts';
export * from './peer-connection.ts';
export * from './s6b.ts';
