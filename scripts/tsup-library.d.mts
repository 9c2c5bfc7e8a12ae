import type { Options } from "tsup";

/** The shared settings of a runtime-agnostic library package, with the package's own on top. */
export function libraryConfig(own?: Options): Options;
