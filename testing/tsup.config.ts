import { defineConfig } from "tsup";
import { libraryConfig } from "../scripts/tsup-library.mjs";

export default defineConfig(
  libraryConfig({
    // The engine comes from the user's own @alg-sdk/core (a peer dependency), never bundled.
    external: ["@alg-sdk/core"],
  }),
);
