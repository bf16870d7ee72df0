import type { z } from 'zod';
import { appEvents, appMethods } from './app';
import { specEvents, specMethods } from './spec';
import { hostEvents } from './host';
import { agentEvents, agentMethods } from './agent';
import { settingsMethods } from './settings';
import type { MethodSpec } from './define';
import { gitEvents, gitMethods } from './git';
import { filesMethods } from './files';
import { verifyEvents, verifyMethods } from './verify';

export * from './define';
export * from './app';
export * from './spec';
export * from './host';
export * from './git';
export * from './files';
export * from './agent';
export * from './settings';
export * from './verify';

/**
 * Every request the renderer may make. Each domain owns one file under shared/contract/ and
 * spreads its methods in here; names are `domain.verb`.
 */
export const contract = {
  ...appMethods,
  ...specMethods,
  ...gitMethods,
  ...filesMethods,
  ...agentMethods,
  ...settingsMethods,
  ...verifyMethods,
} as const satisfies Record<string, MethodSpec>;

/** Every event the core may push; names are `noun.didVerb`. */
export const events = {
  ...appEvents,
  ...specEvents,
  ...hostEvents,
  ...gitEvents,
  ...agentEvents,
  ...verifyEvents,
} as const satisfies Record<string, z.ZodType>;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type EventName = keyof typeof events;
/** What a caller passes (defaults optional). */
export type RequestOf<M extends MethodName> = z.input<Contract[M]['request']>;
/** What a handler receives (defaults applied). */
export type ParsedRequestOf<M extends MethodName> = z.output<Contract[M]['request']>;
export type ResponseOf<M extends MethodName> = z.output<Contract[M]['response']>;
export type EventOf<E extends EventName> = z.output<(typeof events)[E]>;

/** True when the name is a method of the contract. */
export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** True when the name is an event of the contract. */
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
