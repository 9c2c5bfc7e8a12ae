import { createRequire } from "node:module";

/** The package version, read from package.json (one directory above both src/ and dist/). */
export function version(): string {
  try {
    return (createRequire(import.meta.url)("../package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}
