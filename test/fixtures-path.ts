// The shared nise fixtures, found beside the project's root (../shared), wherever it is cloned.
import { fileURLToPath } from "node:url";

export const NISE_FIXTURES = fileURLToPath(new URL("../../shared/fixtures/nise", import.meta.url));
