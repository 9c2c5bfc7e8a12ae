import { defineConfig } from "tsup";
import { libraryConfig } from "../../scripts/tsup-library.mjs";

export default defineConfig(
  libraryConfig({
    // src is checked without Node or DOM types: the helper must run anywhere.
    tsconfig: "tsconfig.build.json",
    // The engine (and the GRE tracker whose keymaps the helper fills) is the user's own @alg-sdk/core.
    external: ["@alg-sdk/core"],
  }),
);
