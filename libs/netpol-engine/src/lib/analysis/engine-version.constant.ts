/**
 * Version of the engine's semantics. Part of every stored analysis's hash: bump it whenever a
 * change alters what the engine reports for the same input, so earlier analyses are recomputed
 * instead of trusted.
 *
 * @example hashOf({ base, proposed, inventory, engine: ENGINE_VERSION, options })
 */
export const ENGINE_VERSION = '2026.12.1';
