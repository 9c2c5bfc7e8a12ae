import { defineConfig } from "tsup";
import { libraryConfig } from "../../scripts/tsup-library.mjs";

export default defineConfig(
  libraryConfig({
    // src is checked without Node or DOM types: the helper must run anywhere.
    tsconfig: "tsconfig.build.json",
    // The helper only uses core's types and payload readers; the engine is the user's own @alg-sdk/core.
    external: ["@alg-sdk/core", "@alg-sdk/core/payload"],
  }),
);
