/** See malloc-tunables.cjs. */
export declare function mallocTunablesEnv(env: NodeJS.ProcessEnv, platform: NodeJS.Platform | string): NodeJS.ProcessEnv | undefined;
export declare function inspecting(execArgv: readonly string[], env: NodeJS.ProcessEnv): boolean;
