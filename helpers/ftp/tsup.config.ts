import { defineConfig } from "tsup";
import { libraryConfig } from "../../scripts/tsup-library.mjs";

export default defineConfig(
  libraryConfig({
    // The helper only uses core's types; the engine is the user's own @alg-sdk/core.
    external: ["@alg-sdk/core"],
  }),
);
