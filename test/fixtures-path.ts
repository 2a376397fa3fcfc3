// The nise fixtures the tests read, kept in the repository (test/fixtures/, see its README) so a
// clone alone passes its own tests.
import { fileURLToPath } from "node:url";

export const NISE_FIXTURES = fileURLToPath(new URL("./fixtures/nise", import.meta.url));
