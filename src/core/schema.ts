/**
 * The single source of every type in the bot. A program file (programs/*.json) is a `ProgramInput`;
 * the live state the store keeps is a `Cutover` (the program plus what people did to it).
 * Nothing here names a particular side, role, blocker or gate: those are data.
 */
export * from './schema/command.js';
export * from './schema/events.js';
export * from './schema/parts.js';
export * from './schema/primitives.js';
export * from './schema/program.js';
export * from './schema/tokens.js';
