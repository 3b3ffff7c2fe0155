// Types of scripts/package-lines.js, for its tests.
/** The source line (the cdk8s-plus-NN peerDependency) and the other lines (cdk8s-plus-NN devDependencies). */
export declare function lines(): { sourceLine: number; extra: number[] };
/** `cdk8s-sidecars` for the source line, `cdk8s-sidecars-plus-<line>` for the others. */
export declare function packageName(line: number, sourceLine: number): string;
/** Replace the module name `cdk8s-plus-<from>` by `cdk8s-plus-<to>`. */
export declare function rewriteSpecifier(text: string, from: number, to: number): string;
/** The same in a compiled file, including its inline source map. */
export declare function rewriteCompiled(text: string, from: number, to: number): string;
/** Set the line in lib/_kplus-line.*; exits the process unless exactly one `KPLUS_LINE = <from>;` is found. */
export declare function rewriteLineFact(text: string, file: string, from: number, to: number): string;
