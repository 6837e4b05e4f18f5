export * from './devs.ts';
export * from './boards.ts';
