import { defineConfig } from "tsup";
import { libraryConfig } from "../../scripts/tsup-library.mjs";

export default defineConfig(libraryConfig());
