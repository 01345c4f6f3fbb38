import type { ModbusProfile } from '../profile.js';
import { sdm120 } from './eastron-sdm120.js';
import { sdm630 } from './eastron-sdm630.js';
import { xyMd02 } from './xy-md02.js';

/** Built-in profiles by the name a config uses; `generic` devices bring their own points instead. */
export const BUILTIN_PROFILES: Readonly<Record<string, ModbusProfile>> = Object.freeze({
  sdm120,
  sdm630,
  'xy-md02': xyMd02,
});
