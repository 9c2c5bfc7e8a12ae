import { defineConfig } from "tsup";
import { libraryConfig } from "../scripts/tsup-library.mjs";

export default defineConfig(
  libraryConfig({
    // The compiled policy goes into the user's own engine: one @alg-sdk/core, theirs.
    external: ["@alg-sdk/core"],
  }),
);
