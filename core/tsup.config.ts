import { defineConfig } from "tsup";
import { libraryConfig } from "../scripts/tsup-library.mjs";

export default defineConfig(
  libraryConfig({
    entry: { index: "src/index.ts", payload: "src/payload/index.ts" },
  }),
);
