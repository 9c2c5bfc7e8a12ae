import { defineConfig } from "tsup";
import { libraryConfig } from "../scripts/tsup-library.mjs";

export default defineConfig(
  libraryConfig({
    // src is checked without Node or DOM types: the adapter must run anywhere.
    tsconfig: "tsconfig.build.json",
  }),
);
